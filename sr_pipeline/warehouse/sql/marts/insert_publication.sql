-- A bulletin rendered: which warehouse version it shows, from which tracker versions.
INSERT INTO marts.publications (
    as_of, published_at, warehouse, warehouse_version, tracker_versions, bulletin_folder
)
VALUES ($as_of, $published_at, $warehouse, $warehouse_version, $tracker_versions, $folder)
