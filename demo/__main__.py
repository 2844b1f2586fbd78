"""``python -m demo [--out DIR]``: rewrite every demo tracker (deterministic)."""

from __future__ import annotations

import argparse
from pathlib import Path

from demo.generate import write_all
from demo.truth import TRACKERS_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=TRACKERS_DIR, help=f"target folder (default {TRACKERS_DIR})"
    )
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
