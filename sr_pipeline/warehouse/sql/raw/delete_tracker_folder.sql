DELETE FROM raw.tracker_folder
