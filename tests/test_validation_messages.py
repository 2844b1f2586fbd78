"""The reader's rejections and their wording: which rows are refused, for which field, with
which message and suggestion (``trackers/reader/validation.py``: ``_rejections``,
``_column_message``, ``_extras``, ``_extra_text``, ``_codes_written``)."""
