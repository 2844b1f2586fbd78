"""How the reader turns a sheet's columns into typed values: merges filled, formulas' saved
results, typed arrays and conversions (``trackers/reader/validation.py``: ``_fill_merges``,
``_data_merges``, ``_filled``, ``_with_formula_results``, ``_typed_array``, ``_typed_frame``,
``_convert``)."""
