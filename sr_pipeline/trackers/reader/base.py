"""What every part of the reader shares: its limits, the refusal and column letters."""

from __future__ import annotations

import re

from sr_pipeline.language.messages import Message

HEADER_SCAN_ROWS = 50
_CHUNK_ROWS = 8192  # rows encoded at a time: bounds the cell objects alive at once
TOTAL_MARKERS = frozenset({"total", "sous-total", "sous total", "total general", "grand total"})
_LIST_SEPARATORS = (",", ";", "/", " et ")
_AS_OF = re.compile(r"\b(situation au|as of|as at|au)\b")


class Refused(Exception):
    """The whole file is refused; the message is one line for the fund unit."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
