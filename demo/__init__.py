"""Demo trackers: deterministic, realistically untidy workbooks for the three funds.

``truth`` holds the canonical ground truth (what a correct reader must return, see
:func:`demo.truth.tracker_truth`), ``render`` spells values the way the fund units
type them, ``generate`` writes the workbooks with xlsxwriter. ``python -m demo``
rewrites them into ``sources/trackers/``; the June 2018 files (PBF: February 2018) reproduce
bulletin #41's published figures.
"""
