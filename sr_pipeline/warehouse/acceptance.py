"""What a run may not do in silence, and how the data team accepts it explicitly.

A published month is the section's record: a run never replaces it with less without a person
saying so. Two cases stop the run (the raw step fails, nothing is published) unless the data
team lists them in ``SR_ACCEPT`` (or the ``trackers`` resource's ``accept``):

- ``removed:<file name>``: a fund had figures for a month from this version, and its content is
  no longer in the trackers folder (the month would fall back to an older version, or to none);
- ``refused:<file name>``: every tracker a fund sent dated within a month was refused, so the
  month would be published from an older month's tracker (the bulletin page then says so).

Entries are separated by ``;`` or new lines. One mechanism for both: a list of the file names
whose consequence the data team accepts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from sr_pipeline.model import TrackerFile

KINDS = ("removed", "refused")


class NotAccepted(Exception):
    """A run would publish less than before, or from an older tracker, without a person's
    acceptance; the message says what and how to accept it."""


@dataclass(frozen=True)
class Acceptance:
    """The file names whose removal, or refusal, the data team accepts."""

    removed: frozenset[str] = frozenset()
    refused: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str | None) -> Acceptance:
        """``removed:<name>`` and ``refused:<name>`` entries, ``;``- or line-separated."""
        found: dict[str, set[str]] = {kind: set() for kind in KINDS}
        for entry in re.split(r"[;\n]", text or ""):
            entry = entry.strip()
            if not entry:
                continue
            kind, _, name = entry.partition(":")
            if kind.strip() not in KINDS or not name.strip():
                raise ValueError(
                    f"SR_ACCEPT: {entry!r} is not 'removed:<file name>' or 'refused:<file name>'"
                )
            found[kind.strip()].add(name.strip())
        return cls(frozenset(found["removed"]), frozenset(found["refused"]))

    @classmethod
    def from_setting(cls, value: str | None = None) -> Acceptance:
        return cls.parse(value if value else os.environ.get("SR_ACCEPT", ""))


def _month_name(as_of: date) -> str:
    return as_of.strftime("%B %Y")


def removals(
    published: pd.DataFrame,
    folder_contents: set[str],
    feeding: dict[tuple[str, date], TrackerFile | None],
    acceptance: Acceptance,
) -> list[str]:
    """A sentence per fund-month whose published version left the folder (its content is
    nowhere in it) and whose month would now use an older version or none.

    ``published``: core.month_versions as published (as_of, fund, sha256, source_file,
    report_date, revision); ``feeding``: (fund, as_of) -> the version that would feed now."""
    found = []
    for row in published.itertuples(index=False):
        as_of = pd.Timestamp(row.as_of).date()
        if (row.fund, as_of) not in feeding or row.sha256 in folder_contents:
            continue
        now = feeding[(row.fund, as_of)]
        before = (pd.Timestamp(row.report_date).date(), int(row.revision))
        if now is not None and (now.report_date, now.revision) >= before:
            continue  # the same version saved again with new content, or a newer one
        if row.source_file in acceptance.removed:
            continue
        instead = f"from {now.name}" if now else "with no figures for this fund"
        found.append(
            f"{row.fund} {_month_name(as_of)}: the published figures come from "
            f"{row.source_file}, whose content is no longer in the trackers folder; the month "
            f"would be published {instead}. Put the file back, or accept the removal with "
            f"SR_ACCEPT='removed:{row.source_file}'."
        )
    return found


def refused_fallbacks(
    dated: dict[tuple[str, date], list[tuple[str, bool]]],
    feeding: dict[tuple[str, date], TrackerFile | None],
    acceptance: Acceptance,
) -> list[str]:
    """A sentence per fund-month whose trackers dated within the month were all refused while
    an older month's tracker would feed it (with none, the fund has no figures that month, and
    the page says so).

    ``dated``: (fund, as_of) -> [(file name, accepted)] of the files dated within the month;
    ``feeding``: (fund, as_of) -> the version that would feed the month now."""
    found = []
    for (fund, as_of), files in sorted(dated.items()):
        if not files or any(accepted for _, accepted in files):
            continue
        if feeding.get((fund, as_of)) is None:
            continue
        names = sorted(name for name, _ in files)
        if all(name in acceptance.refused for name in names):
            continue
        how = "; ".join(f"refused:{name}" for name in names)
        found.append(
            f"{fund} {_month_name(as_of)}: every tracker dated within the month was refused "
            f"({', '.join(names)}); the month would be published from an older month's tracker. "
            f"Correct the file, or accept the fallback with SR_ACCEPT='{how}'."
        )
    return found
