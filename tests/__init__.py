"""The test suite mirrors the package: tests/<module> for sr_pipeline/<module>."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_TRACKERS = ROOT / "sources" / "trackers"
BULLETIN_41 = ROOT / "sr_pipeline" / "reference" / "published" / "bulletin-41-2018-06.csv"
