"""Lay a template spec out as an .xlsx workbook (xlsxwriter).

Sheets, in order: the read-me (first, and active: what a clerk sees on opening the file and
on the first printed page), the data sheet(s), then the hidden lists sheet that feeds the
drop-downs. Every text is written as a string cell, never a formula; the only formulas are
the validations this module builds. Document properties are fixed (no timestamp), so the same
spec gives the same bytes.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from sr_pipeline.templates.spec import (
    FIRST_DATE,
    HINT_ROW,
    LAST_DATE,
    TITLE_ROW,
    ColumnSpec,
    SheetSpec,
    TemplateSpec,
)
from sr_pipeline.templates.text import words

# Fixed so that unchanged inputs give a byte-identical file (xlsxwriter stamps this date in
# the document properties; zip entries carry a fixed date already).
CREATED = datetime(2026, 1, 1)

_DARK_BLUE, _LIGHT_BLUE, _YELLOW, _RED = "#1F4E78", "#DDEBF7", "#FFF2CC", "#C00000"
_README_WIDTHS = (9, 26, 12, 44, 72)  # column, header, required, meaning, values accepted
_LINE_HEIGHT = 15.0  # points per line of 11-point text
_CHARS_PER_WIDTH = 1.1  # characters of ordinary text per unit of column width (Calibri 11)


class _Formats:
    """Formats by their properties, each made once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self._made: dict[tuple, Any] = {}

    def get(self, **spec: Any) -> Any:
        key = tuple(sorted(spec.items()))
        if key not in self._made:
            self._made[key] = self.book.add_format({"font_name": "Calibri", **spec})
        return self._made[key]


def _lines(text: str, width: float) -> int:
    return max(1, math.ceil(len(text) / (width * _CHARS_PER_WIDTH)))


def _validate(sheet: Any, first: int, col: int, last: int, options: dict[str, Any]) -> None:
    if sheet.data_validation(first, col, last, col, options) != 0:
        raise ValueError(f"Excel would not keep this validation: {options}")


def write_template(spec: TemplateSpec, path: Path, comment: str = "") -> Path:
    """Write the template described by ``spec`` to ``path``."""
    book = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    book.set_properties({**dict(spec.properties), "created": CREATED, "comments": comment})
    formats = _Formats(book)
    readme = book.add_worksheet(spec.readme_sheet)
    data = [(book.add_worksheet(sheet.name), sheet) for sheet in spec.sheets]
    lists = book.add_worksheet(spec.lists_sheet)
    _write_lists(lists, spec, formats)
    for worksheet, sheet in data:
        _write_data_sheet(worksheet, sheet, spec, formats)
    _write_readme(readme, spec, formats)
    lists.hide()
    readme.activate()
    book.close()
    return path


def _write_lists(sheet: Any, spec: TemplateSpec, formats: _Formats) -> None:
    for value_list in spec.lists:
        col = value_list.column
        sheet.write_string(0, col, value_list.title, formats.get(bold=True))
        for row, entry in enumerate(value_list.entries, start=1):
            sheet.write_string(row, col, entry)
        width = max(len(value_list.title), *(len(e) for e in value_list.entries)) + 2
        sheet.set_column(col, col, min(width, 80))


def _write_data_sheet(sheet: Any, spec_sheet: SheetSpec, spec: TemplateSpec, f: _Formats) -> None:
    language = spec.language
    columns = spec_sheet.columns
    for col, column in enumerate(columns):
        cell_format = f.get(num_format=column.number_format) if column.number_format else None
        sheet.set_column(col, col, column.width, cell_format)

    if spec_sheet.title:
        span = spec_sheet.title_span
        label = f.get(bold=True, font_size=14, align="right", valign="vcenter", indent=1)
        if span > 1:
            sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, span - 1, spec_sheet.title, label)
        else:
            sheet.write_string(TITLE_ROW, 0, spec_sheet.title, label)
        date_format = f.get(
            bold=True, font_size=14, num_format="dd/mm/yyyy", bg_color=_YELLOW, border=2,
            border_color=_RED, align="center", valign="vcenter",
        )  # fmt: skip
        # A placeholder the clerk types over; it reads as no date if left (the file is refused).
        sheet.write_string(TITLE_ROW, span, words("date_placeholder", language), date_format)
        _validate(sheet, TITLE_ROW, span, TITLE_ROW, {
            "validate": "date", "criteria": "between", "minimum": FIRST_DATE,
            "maximum": LAST_DATE, "input_title": words("prompt_date_title", language),
            "input_message": spec.date_prompt, "error_title": words("error_title", language),
            "error_message": words("error:date", language,
                                   placeholder=words("date_placeholder", language)),
        })  # fmt: skip
        sheet.set_row(TITLE_ROW, 24)
        sheet.write_string(
            HINT_ROW, 0, spec_sheet.hint or "", f.get(italic=True, font_color="#595959")
        )

    required_marker = f.get(bold=True, font_color=_RED, font_size=9, align="center")
    optional_marker = f.get(italic=True, font_color="#7F7F7F", font_size=9, align="center")
    header_required = f.get(bold=True, font_color="#FFFFFF", bg_color=_DARK_BLUE, border=1,
                            text_wrap=True, align="center", valign="vcenter")  # fmt: skip
    header_optional = f.get(bold=True, font_color=_DARK_BLUE, bg_color=_LIGHT_BLUE, border=1,
                            text_wrap=True, align="center", valign="vcenter")  # fmt: skip
    lines = 1
    for col, column in enumerate(columns):
        word = words("required" if column.required else "optional", language)
        sheet.write_string(spec_sheet.marker_row, col, word,
                           required_marker if column.required else optional_marker)  # fmt: skip
        sheet.write_string(spec_sheet.header_row, col, column.header,
                           header_required if column.required else header_optional)  # fmt: skip
        lines = max(lines, _lines(column.header, column.width - 1))
    sheet.set_row(spec_sheet.header_row, _LINE_HEIGHT * lines + 6)
    sheet.freeze_panes(spec_sheet.header_row + 1, 0)

    for col, column in enumerate(columns):
        _validate(sheet, spec_sheet.first_data_row, col, spec_sheet.last_data_row,
                  _validation(column, spec))  # fmt: skip

    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, spec_sheet.header_row)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&L&A&R&P / &N")


def _validation(column: ColumnSpec, spec: TemplateSpec) -> dict[str, Any]:
    """The column's data validation: a list, a date, a number, a code shape, or (free text)
    only the prompt."""
    language = spec.language
    options: dict[str, Any] = {
        "input_title": column.prompt_title,
        "input_message": column.prompt,
        "error_title": words("error_title", language),
        "error_message": column.error,
    }
    if column.list_index is not None:
        source = spec.lists[column.list_index].source
        options.update(validate="list", source=f"='{spec.lists_sheet}'!{source}")
        if column.multiple:  # "Mopti, Gao" is right and not in the list: inform, do not stop
            options.update(error_type="information",
                           error_title=words("error_title_check", language))  # fmt: skip
    elif column.kind == "date":
        options.update(validate="date", criteria="between", minimum=FIRST_DATE, maximum=LAST_DATE)
    elif column.kind == "amount":
        options.update(validate="decimal", criteria=">=", value=0)
    elif column.kind == "whole":
        options.update(validate="integer", criteria=">=", value=0)
    elif column.shape:
        options.update(validate="custom", value=column.shape)
    else:
        options = {"validate": "any", "input_title": column.prompt_title,
                   "input_message": column.prompt}  # fmt: skip
    return options


def _write_readme(sheet: Any, spec: TemplateSpec, f: _Formats) -> None:
    language = spec.language
    for col, width in enumerate(_README_WIDTHS):
        sheet.set_column(col, col, width)
    full = sum(_README_WIDTHS)
    last_col = len(_README_WIDTHS) - 1
    title = f.get(bold=True, font_size=16, font_color=_DARK_BLUE)
    heading = f.get(bold=True, font_size=12, font_color=_DARK_BLUE, bottom=1,
                    bottom_color=_DARK_BLUE)  # fmt: skip
    line = f.get(text_wrap=True, valign="top")
    table_header = f.get(bold=True, font_color="#FFFFFF", bg_color=_DARK_BLUE, border=1,
                         text_wrap=True, valign="top")  # fmt: skip
    cell = f.get(text_wrap=True, valign="top", border=1, border_color="#BFBFBF")
    header_cell = f.get(bold=True, text_wrap=True, valign="top", border=1, border_color="#BFBFBF")
    required_cell = f.get(bold=True, font_color=_RED, valign="top", border=1,
                          border_color="#BFBFBF")  # fmt: skip
    row = 0
    for kind, text in spec.readme:
        if kind == "title":
            sheet.write_string(row, 0, text, title)
            sheet.set_row(row, 24)
            row += 2
        elif kind == "heading":
            if row > 2:
                row += 1
            sheet.merge_range(row, 0, row, last_col, text, heading)
            sheet.set_row(row, 18)
            row += 1
        elif kind in ("line", "bullet"):
            if kind == "bullet":
                text = words("bullet", language, text=text)
            sheet.merge_range(row, 0, row, last_col, text, line)
            sheet.set_row(row, _LINE_HEIGHT * _lines(text, full))
            row += 1
        else:
            spec_sheet = spec.sheets[int(text)]
            for col, key in enumerate(("col_letter", "col_header", "col_required",
                                       "col_meaning", "col_accepted")):  # fmt: skip
                sheet.write_string(row, col, words(key, language), table_header)
            row += 1
            for index, column in enumerate(spec_sheet.columns):
                letter = xlsxwriter.utility.xl_col_to_name(index)
                sheet.write_string(row, 0, letter, cell)
                sheet.write_string(row, 1, column.header, header_cell)
                sheet.write_string(row, 2, words("yes" if column.required else "no", language),
                                   required_cell if column.required else cell)  # fmt: skip
                sheet.write_string(row, 3, column.meaning, cell)
                sheet.write_string(row, 4, column.accepted, cell)
                height = max(_lines(column.meaning, _README_WIDTHS[3]),
                             _lines(column.accepted, _README_WIDTHS[4]),
                             _lines(column.header, _README_WIDTHS[1]))  # fmt: skip
                sheet.set_row(row, _LINE_HEIGHT * height)
                row += 1
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&L&A&R&P / &N")
    sheet.print_area(0, 0, row, last_col)
