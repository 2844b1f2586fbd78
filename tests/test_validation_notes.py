"""The reader's flags, reading notes and the sheet-level steps around them
(``trackers/reader/validation.py``: ``_flags``, ``reading_notes``, ``_validate``,
``read_sheet``, ``parse_fields``, ``parse_column``, ``read_rows`` and the small helpers)."""
