"""What a stored reading was read with: the digest of the contract, the reference data and
the reader's code.

A tracker version is read once and kept by content (sha256) in ``raw``. The reading depends on
more than the bytes: a spelling added to a vocabulary, a corrected exchange rate or a reader fix
changes what the same bytes give. Each stored reading records :func:`reading_digest`; a
reading made with another digest is not reused (the raw step reads the version again and the
months it feeds are rebuilt), so a correction in the reference lists reaches the figures on the
next run without deleting any database.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from sr_pipeline.reference import PUBLISHED_DIR, REFERENCE_DIR

# The code that decides what a workbook reads as (paths and globs under sr_pipeline/).
READER_MODULES = (
    "trackers/contracts.py", "trackers/reader/*.py", "trackers/rules.py", "trackers/schemas.py",
    "trackers/values.py", "trackers/safety.py", "language/text.py", "language/messages.py",
    "trackers/suggestions.py", "model.py",
)  # fmt: skip
_PACKAGE = Path(__file__).resolve().parent.parent


def _inputs() -> list[Path]:
    code = [path for name in READER_MODULES for path in sorted(_PACKAGE.glob(name))]
    lists = sorted(p for p in REFERENCE_DIR.rglob("*.csv") if PUBLISHED_DIR not in p.parents)
    return code + lists


@cache
def reading_digest() -> str:
    """SHA-256 over the reader's code and the reference lists (the published figures are not
    read from trackers and do not count), each with its name."""
    digest = hashlib.sha256()
    for path in _inputs():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
