"""Write the demo trackers from the ground truth, messily and byte-for-byte reproducibly.

xlsxwriter (not openpyxl) writes them, because formula cells must carry cached values that a
reader opening the file with ``data_only=True`` sees. Reproducibility: a fixed creation date
in the document properties, one ``random.Random`` per file seeded from its name, no clock,
no set/dict-order dependence.

Deliberately bad rows (the truth module decides them; listed in ``tracker_truth()['bad_rows']``):

- QIPs_Suivi_2018-06-30.xlsx: a QIP of 47,500 EUR (58,570 USD, flag ``budget_over_cap``,
  counted), a QIP of 8 months (flag ``duration_over_6_months``, counted), a QIP in region
  ``Kayes-Nord`` (rejected, field region) and one approved on ``31/06/2018`` (rejected, field
  approval_date); the two rejected ones are not among the 441.
- QIPs_Suivi_2018-04-30.xlsx: one code keyed twice (both rows rejected, field project_code).
- TF_Project_Tracker_May2018.xlsx: a ``Completed`` project without completion date
  (rejected, field end_date). All TF files: one project spent 103.5 % of its budget (flag
  ``expenditure_over_budget``, counted).
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from demo import render as R
from demo.truth import (
    GAO_WOMEN_QIP,
    SEED,
    TRACKERS_DIR,
    Line,
    SheetLayout,
    TrackerSpec,
    bulletin_figures,
    spellings,
    tf_objective_names,
    tracker_files,
    tracker_layout,
    tracker_truth,
)

QIP_GROUP_SPELLING = {
    "Tombouctou": "TOMBOUCTOU", "Taoudénit": "Taoudéni", "Gao": "GAO", "Ménaka": "Ménaka",
    "Kidal": "KIDAL", "Mopti": "Mopti", "Ségou": "SÉGOU", "Bamako": "District de Bamako",
    "National": "Multi-régions",
}  # fmt: skip


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 13, "align": "center"})
        self.sub = wb.add_format({"bold": True, "align": "center", "bg_color": "#DDEBF7"})
        self.header = wb.add_format(
            {"bold": True, "text_wrap": True, "border": 1, "bg_color": "#BDD7EE"}
        )
        self.group = wb.add_format({"bold": True, "italic": True, "bg_color": "#F2F2F2"})
        self.date = wb.add_format({"num_format": "dd/mm/yyyy"})
        self.date_long = wb.add_format({"num_format": "d mmm yyyy"})
        self.money = wb.add_format({"num_format": "#,##0.00"})
        self.mptf = wb.add_format({"num_format": "00000000"})
        self.total = wb.add_format({"bold": True, "top": 1, "num_format": "#,##0"})
        self.text = wb.add_format({"text_wrap": False})


def _write(ws, row: int, col: int, cell: R.Cell, fm: _Formats, rng: random.Random) -> None:
    kind = cell[0]
    if kind == "blank":
        return
    if kind == "str":
        ws.write_string(row, col, cell[1])
    elif kind == "num":
        ws.write_number(row, col, cell[1])
    elif kind == "date":
        fmt = fm.date_long if rng.random() < 0.15 else fm.date
        ws.write_datetime(row, col, datetime(cell[1].year, cell[1].month, cell[1].day), fmt)
    elif kind == "formula":
        ws.write_formula(row, col, cell[1], None, cell[2])
    else:  # pragma: no cover
        raise ValueError(kind)


def _numeric(cell: R.Cell) -> float:
    if cell[0] == "num":
        return float(cell[1])
    if cell[0] == "formula":
        return float(cell[2])
    return 0.0


def _assign_styles(
    rows: list[Line],
    rng: random.Random,
    valid: callable,
    weights: dict[str, int],
    must: list[str],
) -> dict[int, str]:
    """Per-row style: every style in ``must`` at least once (on a row it suits), the rest
    drawn by ``weights`` among the styles valid for the row."""
    chosen: dict[int, str] = {}
    for style in must:
        cands = [i for i, ln in enumerate(rows) if i not in chosen and style in valid(ln)]
        if cands:
            chosen[rng.choice(cands)] = style
    for i, ln in enumerate(rows):
        if i in chosen:
            continue
        ok = [s for s in weights if s in valid(ln)]
        chosen[i] = rng.choices(ok, [weights[s] for s in ok])[0]
    return chosen


MONEY_WEIGHTS = {
    "num": 60, "formula": 5, "sp": 6, "nbsp": 3, "nnbsp": 2, "en": 5, "en2": 3, "fr2": 3,
    "usd": 2, "dollar": 2, "fr_cents": 4, "fr_cents_nbsp": 2, "en_cents": 3, "deccomma": 2,
}  # fmt: skip


def _date_styles(rows: list[Line], fields: list[str], rng: random.Random) -> dict:
    out = {}
    for f in fields:
        present = [ln for ln in rows if ln.values.get(f) is not None]
        styles = _assign_styles(
            present, rng, lambda ln: R.DATE_STYLES, R.DATE_STYLES, list(R.DATE_STYLES)
        )
        for i, ln in enumerate(present):
            out[(id(ln), f)] = styles[i]
    return out


def _header(ws, lay: SheetLayout, fm: _Formats) -> None:
    ncol = len(lay.columns)
    r = 0
    for text in lay.title_rows:
        if ncol > 1:
            ws.merge_range(r, 0, r, ncol - 1, text, fm.title if r == 0 else fm.sub)
        else:
            ws.write_string(r, 0, text, fm.title)
        r += 1
    r += lay.blank_before_header
    if lay.group_row:
        for label, c0, c1 in lay.group_row:
            if c1 > c0:
                ws.merge_range(r, c0, r, c1, label, fm.sub)
            else:
                ws.write_string(r, c0, label, fm.sub)
        r += 1
    assert r + 1 == lay.header_row, (lay.name, r, lay.header_row)
    for c, (_, text) in enumerate(lay.columns):
        ws.write_string(r, c, text, fm.header)
    ws.set_row(r, 30)


def _cell_for(
    fund: str, field: str, ln: Line, rng: random.Random, money: dict, dates: dict
) -> R.Cell:
    v = ln.values
    if field in ln.raw:
        raw = ln.raw[field]
        return ("str", raw) if raw else R.blank()
    if field.startswith("extra:"):
        return R.messy_text(ln.extras.get(field[6:]), rng)
    val = v.get(field)
    if field in ("approval_date", "start_date", "end_date", "date_received"):
        return R.date_cell(val, dates.get((id(ln), field), "date"))
    if field in ("budget", "amount"):
        if v.get("title") == GAO_WOMEN_QIP:
            return ("formula", "=20000+21970", 41970)
        return R.money_cell(val, money[id(ln)], rng)
    if field == "expenditure":
        if val is None:
            return R.blank()
        return ("num", val) if rng.random() < 0.9 else ("str", f"{val:,.2f}")
    if field == "usd_equivalent":
        return R.blank() if val is None else ("num", val)
    if field == "currency":
        return R.currency_cell(val, rng, blank_usd=(fund == "QIP"))
    if field == "status":
        return R.vocab("status", val, rng)
    if field == "region":
        return R.vocab("region", val, rng)
    if field == "sector":
        return _sector_cell(val, rng)
    if field == "window":
        return R.vocab("window", val, rng)
    if field in ("objective", "earmarked_for"):
        return R.objective_cell(val, rng)
    if field == "recipients":
        return R.joined_cell(val.split("; "), rng)
    if field == "regions":
        return R.region_list_cell(val.split("; "), rng)
    if field == "duration_months":
        return R.blank() if val is None else ("num", val)
    if field == "project_code":
        if fund == "PBF" and rng.random() < 0.25:
            return ("num", int(val))
        return ("str", val)
    return R.messy_text(val, rng)


def _sector_cell(sector: str, rng: random.Random) -> R.Cell:
    opts = spellings("sector")[sector]  # French first, then English
    s = opts[0] if rng.random() < 0.8 else opts[-1]
    r = rng.random()
    if r < 0.1:
        s = s.upper()
    elif r < 0.18:
        s = R.strip_accents(s)
    elif r < 0.24:
        s = f"{s} "
    return ("str", s)


def _write_sheet(wb, ws, spec: TrackerSpec, lay: SheetLayout, fm: _Formats, rng) -> None:
    _header(ws, lay, fm)
    fields = [f for f, _ in lay.columns]
    rows = [ln for ln in lay.lines if ln.kind == "row"]
    money_field = "budget" if "budget" in fields else "amount"

    def valid_money(ln: Line) -> list[str]:
        cur = (
            ln.values.get("currency", "USD")
            if spec.fund == "QIP" or lay.table == ("contributions")
            else "USD"
        )
        forms = R.money_styles(ln.values[money_field], cur)
        if spec.fund == "TF" and lay.table == "projects":
            forms = [f for f in forms if f not in ("nnbsp", "deccomma")]
        return forms

    must = list(MONEY_WEIGHTS) if spec.fund == "QIP" else ["num", "formula", "sp", "en", "usd"]
    money = _assign_styles(rows, rng, valid_money, MONEY_WEIGHTS, must)
    money = {id(ln): money[i] for i, ln in enumerate(rows)}
    date_fields = [f for f in fields if f in ("approval_date", "start_date", "end_date",
                                              "date_received")]  # fmt: skip
    dates = _date_styles(rows, date_fields, rng)

    mcol = fields.index(money_field)
    first = lay.header_row  # 0-based index of the first data row
    last = first
    total_cached = 0.0
    for ln in lay.lines:
        r = ln.excel_row - 1
        if ln.kind == "blank":
            continue
        if ln.kind == "group":
            tcol = fields.index("title")
            ws.write_string(r, tcol, QIP_GROUP_SPELLING[ln.region], fm.group)
            continue
        if ln.kind == "total":
            ws.write_string(r, 0, lay.total_label, fm.total)
            col = xlsxwriter.utility.xl_col_to_name(mcol)
            ws.write_formula(
                r, mcol, f"=SUM({col}{first + 1}:{col}{last + 1})", fm.total, total_cached
            )
            if lay.table == "contributions":
                ucol = fields.index("usd_equivalent")
                name = xlsxwriter.utility.xl_col_to_name(ucol)
                cached = sum(ln2.values["usd_equivalent"] or 0.0 for ln2 in rows)
                ws.write_formula(
                    r, ucol, f"=SUM({name}{first + 1}:{name}{last + 1})", fm.total, cached
                )
            continue
        for c, f in enumerate(fields):
            cell = _cell_for(spec.fund, f, ln, rng, money, dates)
            if spec.fund == "PBF" and f == "project_code" and cell[0] == "num":
                if rng.random() < 0.5:
                    ws.write_number(r, c, cell[1], fm.mptf)
                    continue
            _write(ws, r, c, cell, fm, rng)
            if f == money_field:
                total_cached += _numeric(cell)
        last = r
    widths = {"title": 48, "partner": 28, "remarks": 26, "recipients": 26, "regions": 22}
    for c, f in enumerate(fields):
        ws.set_column(c, c, widths.get(f, 14))
    ws.freeze_panes(lay.header_row, 0)


def _lists_sheet(ws) -> None:
    ws.write_row(0, 0, ["Statuts", "Régions", "Secteurs", "Devises"])
    statuses = [s for v in spellings("status").values() for s in v if "é" in s or " " in s][:8]
    regions = ["Tombouctou", "Taoudénit", "Gao", "Ménaka", "Kidal", "Mopti", "Ségou", "Bamako",
               "National"]  # fmt: skip
    sectors = [v[0] for v in spellings("sector").values()]
    for i, s in enumerate(statuses):
        ws.write_string(i + 1, 0, s)
    for i, s in enumerate(regions):
        ws.write_string(i + 1, 1, s)
    for i, s in enumerate(sectors):
        ws.write_string(i + 1, 2, s)
    for i, s in enumerate(["USD", "XOF", "EUR"]):
        ws.write_string(i + 1, 3, s)


def _summary_sheet(ws, spec: TrackerSpec, fm: _Formats) -> None:
    truth = tracker_truth(spec.fund, spec.report_date, spec.revision)
    figs = bulletin_figures(truth)
    ws.write_string(0, 0, f"Synthèse au {spec.report_date:%d/%m/%Y}", fm.title)
    labels = [("Achevés", "projects_completed"), ("En cours", "projects_ongoing"),
              ("Non démarrés", "projects_not_started"), ("Suspendus", "projects_suspended"),
              ("Annulés", "projects_cancelled")]  # fmt: skip
    for i, (label, key) in enumerate(labels):
        ws.write_string(2 + i, 0, label)
        ws.write_number(2 + i, 1, figs[key])
    ws.write_string(8, 0, "Total projets")
    ws.write_formula(8, 1, "=SUM(B3:B7)", None, sum(figs[k] for _, k in labels))
    ws.write_string(9, 0, "Budget (USD, hors annulés)")
    ws.write_number(9, 1, round(figs["budget_usd"], 2), fm.money)


def _pivot_sheet(ws, spec: TrackerSpec, fm: _Formats) -> None:
    truth = tracker_truth(spec.fund, spec.report_date, spec.revision)
    figs = bulletin_figures(truth)
    names = tf_objective_names()
    ws.write_row(0, 0, ["Objective", "Approved budget (USD)", "% of cost"])
    for i, obj in enumerate("12345"):
        ws.write_string(i + 1, 0, f"{obj}. {names[obj]}")
        share = figs[f"share_pct:objective:{obj}"]
        ws.write_number(i + 1, 1, round(figs["cost_usd"] * share / 100, 2), fm.money)
        ws.write_number(i + 1, 2, round(share, 1))
    ws.write_string(6, 0, "Grand Total")
    ws.write_formula(6, 1, "=SUM(B2:B6)", fm.money, round(figs["cost_usd"], 2))


def write_tracker(spec: TrackerSpec, out_dir: Path) -> Path:
    """Write one tracker version under ``out_dir`` (at its ``relpath``)."""
    path = out_dir / spec.relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{SEED}:{spec.file_name}")
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    created = datetime.combine(spec.report_date, datetime.min.time()).replace(hour=9)
    wb.set_properties({"title": spec.file_name, "author": f"{spec.fund} unit", "created": created})
    fm = _Formats(wb)
    layouts = tracker_layout(spec)
    if spec.fund == "QIP":
        may = spec.report_date == date(2018, 5, 31)
        synth = wb.add_worksheet("Synthèse") if may else None
        data = wb.add_worksheet("Suivi QIPs")
        if synth is None:
            synth = wb.add_worksheet("Synthèse")
        lists = wb.add_worksheet("Listes")
        _write_sheet(wb, data, spec, layouts[0], fm, rng)
        _summary_sheet(synth, spec, fm)
        _lists_sheet(lists)
        lists.hide()
        data.activate()
    elif spec.fund == "TF":
        proj = wb.add_worksheet("Projects")
        contrib = wb.add_worksheet("Contributions")
        pivot = wb.add_worksheet("Pivot")
        notes = wb.add_worksheet("Notes")
        _write_sheet(wb, proj, spec, layouts[0], fm, rng)
        _write_sheet(wb, contrib, spec, layouts[1], fm, rng)
        _pivot_sheet(pivot, spec, fm)
        notes.write_string(0, 0, "Notes")
        notes.write_string(1, 0, "Budgets and expenditure in USD. Contributions in the donor's")
        notes.write_string(2, 0, "currency; USD equivalent as recorded by the Fund when known.")
        if spec.report_date.month == 6:
            notes.hide()
        proj.activate()
    else:
        ws = wb.add_worksheet("Portefeuille")
        _write_sheet(wb, ws, spec, layouts[0], fm, rng)
        ws.activate()
    wb.close()
    return path


def write_all(out_dir: Path = TRACKERS_DIR) -> list[Path]:
    """(Re)write every demo tracker under ``out_dir``."""
    return [write_tracker(spec, Path(out_dir)) for spec in tracker_files()]
