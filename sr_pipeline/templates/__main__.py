"""``python -m sr_pipeline.templates OUTDIR``: write the three tracker templates into OUTDIR."""

from __future__ import annotations

import argparse
from pathlib import Path

from sr_pipeline.templates.build import write_templates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sr_pipeline.templates",
        description="Write the QIP, TF and PBF tracker templates (from the contracts and the "
        "reference lists) into OUTDIR.",
    )
    parser.add_argument("outdir", type=Path, help="folder to write the templates into")
    args = parser.parse_args(argv)
    for fund, path in write_templates(args.outdir).items():
        print(f"{fund}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
