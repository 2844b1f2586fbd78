"""Loading the Dagster definitions (the UI, the sensor daemon, the start of every run) imports
only what defining the assets needs: the workbook writers, the tracker reader, the chart and
PDF libraries and the mail client are imported by the steps that use them, when they run.

The mess it guards against: one module-level import in ``sr_pipeline/defs/`` that brings
openpyxl, matplotlib or WeasyPrint back into every process that merely lists the assets
(about a second of CPU each time, measured with ``python -X importtime``:
docs/performance.md, "The month's fixed cost").
"""

from __future__ import annotations

import json
import subprocess
import sys

# Imported by a step when it runs, never by loading the definitions.
HEAVY = (
    "openpyxl",  # the feedback workbooks and the templates (through their writers)
    "xlsxwriter",  # the feedback workbooks and the templates
    "PIL",  # through openpyxl
    "python_calamine",  # the tracker reader, the feedback workbooks
    "matplotlib",  # the bulletin's charts
    "weasyprint",  # the printed bulletin
    "rvgsrust_xlsxwriter",  # the bulletin's Excel export
    "markdown_it",  # the bulletin's highlights
    "sr_pipeline.trackers.reader",
    "sr_pipeline.feedback",
    "sr_pipeline.templates",
    "sr_pipeline.bulletin",
    "sr_pipeline.mail",
)

LOAD = """
import json, sys
from sr_pipeline.definitions import defs
graph = defs.resolve_asset_graph()
print(json.dumps({"modules": sorted(sys.modules),
                  "assets": len(list(graph.get_all_asset_keys()))}))
"""


def test_loading_the_definitions_imports_no_step_library():
    done = subprocess.run(
        [sys.executable, "-c", LOAD], capture_output=True, text=True, check=True, timeout=300
    )
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["assets"] > 10  # the definitions were loaded, every asset of them
    loaded = set(found["modules"])
    imported = sorted(
        name
        for name in HEAVY
        if name in loaded or any(module.startswith(f"{name}.") for module in loaded)
    )
    assert imported == []
