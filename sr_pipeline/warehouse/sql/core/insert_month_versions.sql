-- The version each month being built uses, per fund (the rule: core.version_spans).
INSERT INTO core.month_versions
SELECT as_of, fund, sha256, source_file, report_date, revision, report_date AS data_as_of
FROM core.versions_feeding($months)
WHERE accepted
ORDER BY as_of, core.fund_order(fund)
