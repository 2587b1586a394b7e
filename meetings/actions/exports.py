"""The actions of a dashboard as CSV and XLSX, one row per action.

Text cells that begin like a formula are neutralised with a leading quote, as the
participants list does, so that a title such as "=HYPERLINK(...)" is shown, never run.
"""

import csv
import io
from collections.abc import Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from meetings.actions.dashboard import ExportRow
from meetings.registrations.exports import neutralise

COLUMNS = [
    "ID",
    "Mechanism",
    "Body",
    "Item",
    "Title",
    "Source document symbol",
    "Source document title",
    "Source meeting",
    "Lead",
    "Partners",
    "Programme area",
    "Due",
    "Due end",
    "Status",
    "Overdue",
    "Last update",
]
WIDTHS = (7, 12, 14, 12, 60, 22, 40, 30, 28, 28, 30, 20, 11, 12, 9, 12)


def _cells(row: ExportRow) -> list:
    """One action's cells: text neutralised, dates as dates, the id as a number."""
    a = row.action
    area = a.programme_area
    text = [
        a.body.mechanism.short_name,
        a.body.short_name,
        a.item,
        a.title,
        (row.document.symbol or "") if row.document else "",
        row.document.title if row.document else "",
        row.meeting.title if row.meeting else "",
        a.lead_label,
        a.partners,
        f"{area.code} {area.name}" if area else "",
        a.due_label,
    ]
    last = row.last_update_at.date() if row.last_update_at else None
    status, late = a.status_label, "yes" if row.is_overdue else ""
    return [a.id, *(neutralise(t) for t in text), a.due_end, status, late, last]


def table_rows(rows: Sequence[ExportRow]) -> list[list]:
    return [COLUMNS, *(_cells(r) for r in rows)]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def to_csv(rows: Sequence[ExportRow]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads names right; dates as YYYY-MM-DD."""
    out = io.StringIO()
    writer = csv.writer(out)
    for cells in table_rows(rows):
        writer.writerow([_csv_cell(c) for c in cells])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[ExportRow], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    for cells in table_rows(rows):
        sheet.append(cells)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in ("M", "P"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    for n, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    sheet.freeze_panes = "A2"
    book.properties.title = f"Follow-up actions: {title}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
