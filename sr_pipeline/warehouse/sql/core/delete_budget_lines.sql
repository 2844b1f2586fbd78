DELETE FROM core.budget_lines
