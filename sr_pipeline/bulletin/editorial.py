"""The month's highlights, written by a person: one Markdown file per month and language in
the editorial folder (``SR_EDITORIAL_DIR``, default ``sources/editorial/``), named
``YYYY-MM-en.md`` and ``YYYY-MM-fr.md``. A month without its file is printed as a draft.

The text is rendered with CommonMark and treated as untrusted: raw HTML is escaped and
images are not rendered (a picture would be fetched from wherever its address points).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sr_pipeline.settings import editorial_dir


@dataclass(frozen=True)
class Highlights:
    """A month's highlights in one language; ``html`` is empty when none are written."""

    language: str
    path: Path
    html: str
    sha256: str | None

    @property
    def draft(self) -> bool:
        return not self.html


def file_name(as_of: date, language: str) -> str:
    return f"{as_of:%Y-%m}-{language}.md"


def to_html(markdown: str) -> str:
    """Markdown as safe HTML: CommonMark, raw HTML escaped, no images."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False}).disable("image")
    return parser.render(markdown)


def load_highlights(as_of: date, language: str, folder: Path | None = None) -> Highlights:
    """The highlights of ``as_of``'s month in ``language`` (a draft when the file is absent or
    holds only blanks)."""
    path = (folder or editorial_dir()) / file_name(as_of, language)
    if not path.is_file():
        return Highlights(language, path, "", None)
    data = path.read_bytes()
    try:
        body = data.decode("utf-8").strip()
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{path}: the highlights are not UTF-8 text (byte {error.start}); "
            "save the file as UTF-8"
        ) from error
    return Highlights(
        language, path, to_html(body) if body else "", hashlib.sha256(data).hexdigest()
    )
