"""Tracker templates for the fund units: the contract, as a workbook a clerk fills in.

The feedback workbooks tell a clerk what was wrong after the fact; a template stops the error where
it is typed. For each fund this package writes a workbook in the unit's language (French for QIP and
PBF, English for TF) with the data sheet(s) named and headed exactly as the contract says, the
report-date cell in the title, required columns marked, a drop-down list for every vocabulary column
(fed from a hidden lists sheet), date, number and code-shape validations with prompts and error
alerts, and a read-me sheet. Everything is derived from ``sr_pipeline.trackers.contracts`` and the
reference data the reader uses, so the template and the reader cannot disagree.

- ``python -m sr_pipeline.templates OUTDIR`` writes the three templates;
- the asset ``templates/trackers`` keeps them beside the warehouse (``templates/``),
  rewritten only when their inputs change (``build.ensure_templates``);
- ``template_file_name(fund)`` and ``template_pointer(fund)`` are for the feedback workbook.
"""

from sr_pipeline.templates.build import (
    TemplatesOutcome,
    ensure_templates,
    inputs_digest,
    template_specs,
    write_templates,
)
from sr_pipeline.templates.spec import (
    TEMPLATE_FUNDS,
    display_label,
    template_file_name,
    template_pointer,
    template_spec,
    tracker_file_name,
    unit_language,
)

__all__ = [
    "TEMPLATE_FUNDS",
    "TemplatesOutcome",
    "display_label",
    "ensure_templates",
    "inputs_digest",
    "template_file_name",
    "template_pointer",
    "template_spec",
    "template_specs",
    "tracker_file_name",
    "unit_language",
    "write_templates",
]
