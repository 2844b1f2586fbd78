DELETE FROM core.funds
