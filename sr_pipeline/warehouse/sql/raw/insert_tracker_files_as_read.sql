-- `incoming`: raw.tracker_files rows copied from another warehouse (a month rebuilt as
-- published).
INSERT INTO raw.tracker_files BY NAME
SELECT * FROM incoming
