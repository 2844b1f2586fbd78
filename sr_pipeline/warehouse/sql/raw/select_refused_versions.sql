-- Versions read and refused: the sensor knows they feed no month.
SELECT sha256 FROM raw.tracker_files WHERE refused IS NOT NULL
