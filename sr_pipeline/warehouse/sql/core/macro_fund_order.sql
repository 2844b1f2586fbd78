-- The bulletin's order of the funds (funds.csv): ORDER BY core.fund_order(fund). The
-- subquery names no outer column, so the argument cannot be captured by it.
CREATE OR REPLACE MACRO core.fund_order(fund_code) AS
    list_position((SELECT list(funds.fund ORDER BY funds.sort_order) FROM core.funds), fund_code);
