-- A category that is a budget line, not a project (budget_lines.csv: the PBF Secrétariat):
-- it counts in budgets and breakdowns, in no project count. The subquery names no outer
-- column, so the arguments cannot be captured by it.
CREATE OR REPLACE MACRO core.is_budget_line(fund_code, category_value) AS
    list_contains(
        (SELECT list({'fund': lines.fund, 'category': lines.category}) FROM core.budget_lines AS lines),
        {'fund': fund_code, 'category': category_value}
    );
