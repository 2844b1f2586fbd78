"""The feedback workbook: every problem of one tracker version, in a form its clerks act on.

The people who can fix a tracker are the fund-unit clerks who keep it. For each tracker
version read, ``write_feedback`` writes ``<out_dir>/<fund>/<original stem>_feedback.xlsx``
(``QIPs_Suivi_2018-06-30.xlsx`` -> ``QIP/QIPs_Suivi_2018-06-30_feedback.xlsx``;
``TF_Project_Tracker_Jun2018_v2.xlsx`` -> ``TF/TF_Project_Tracker_Jun2018_v2_feedback.xlsx``),
in the unit's working language (``funds.csv``: French for QIP and PBF, English for TF):

- a first sheet ("À corriger" / "To fix"): a short heading (file, report date, rows read,
  loaded, rejected, flagged), then one line per problem, rejections first, then flags:
  sheet, row, project code, column letter, header, value found, what is wrong, what would be
  accepted, a suggested correction where one is likely, the outcome, and a link to the cell;
- then each data sheet that has a problem, reproduced cell by cell at the same positions
  (row 200 column C is row 200 column C in the original; formulas as their cached values),
  every problem cell filled (light red: the row was rejected; amber: loaded but flagged) and
  carrying a comment with the message and the suggestion. A problem with no column (a
  row-level rule whose column is absent) is commented on the row's first filled cell.

A refused file gets the first sheet only, with the reason; its original is never opened.

Everything said about the version comes from what the raw step recorded
(``sr_pipeline.warehouse.raw.RecordedVersion``: codes, parameters, column letters, headers, counts);
the original workbook is opened only to reproduce its cells (``workbook``), never parsed
for problems again. What the problems are is ``problems``; how they are written, ``workbook``.

Guarantees: suggestions (``sr_pipeline.trackers.suggestions``) are only ever written as suggestions,
never applied. The original tracker is read from one in-memory copy whose sha256 must match
the recorded one (so the cells highlighted are those of the file that was checked), parsed
by the reader's own xlsx parser (so positions and values are the ones the reader saw), and
never written to. Every text from a tracker is written as a string cell, never as a formula,
so ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` typed by someone stays inert text, and so
does a text that looks like rich-text XML (``<r>...</r>``, which xlsxwriter would otherwise
copy into the sheet as XML). A workbook is not written again while what it is written from
(the version, its problems as worded, the writer's code) has not changed: a hidden
``.<name>.inputs`` file beside it records that.
"""

from sr_pipeline.feedback.problems import Problem, feedback_counts, problems_of
from sr_pipeline.feedback.workbook import FEEDBACK_SUFFIX, feedback_path, write_feedback

__all__ = [
    "FEEDBACK_SUFFIX",
    "Problem",
    "feedback_counts",
    "feedback_path",
    "problems_of",
    "write_feedback",
]
