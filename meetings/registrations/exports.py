"""The participants list as CSV, XLSX and PDF, and name badges as PDF.

Spreadsheet cells that begin like a formula are neutralised with a leading quote, so that
a name such as "=HYPERLINK(...)" is shown, never run (CSV injection).
"""

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from meetings.core.countries import country_name
from meetings.registrations.models import CATEGORY_LABELS, Registration
from meetings.registrations.participants_list import Group, affiliation, role_label
from meetings.schedule.models import Meeting

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = [
    "Group",
    "Name",
    "Title",
    "Organisation",
    "Country",
    "Category",
    "Role",
    "Email",
    "Attended",
]
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def neutralise(value: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def table_rows(groups: Iterable[Group]) -> list[list[str]]:
    """The header and one row per participant, cells neutralised."""
    rows = [COLUMNS]
    for group in groups:
        for r in group.registrations:
            cells = [
                group.heading,
                r.name,
                r.title,
                r.organisation,
                country_name(r.country_code) if r.country_code else "",
                CATEGORY_LABELS[r.category],
                role_label(r),
                r.email,
                "yes" if r.attended_at else "",
            ]
            rows.append([neutralise(c) for c in cells])
    return rows


def to_csv(groups: Iterable[Group]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the names right."""
    out = io.StringIO()
    csv.writer(out).writerows(table_rows(groups))
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(groups: Iterable[Group], meeting: Meeting) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Participants"
    for row in table_rows(groups):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHI", (22, 28, 24, 30, 18, 24, 18, 30, 9), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    book.properties.title = f"List of participants: {meeting.title}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Document(FPDF):
    """A4 portrait with a Unicode font when the system has one, Helvetica otherwise."""

    def __init__(self, compress: bool = True):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_compression(compress)
        self.unicode = (FONT_DIR / "DejaVuSans.ttf").exists()
        if self.unicode:
            self.add_font("Body", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("Body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.family = "Body" if self.unicode else "Helvetica"

    def text_of(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)


class _ListDocument(_Document):
    def footer(self) -> None:
        self.set_y(-12)
        self.use(8)
        self.cell(0, 5, f"Page {self.page_no()}/{{nb}}", align="C")


def list_pdf(meeting: Meeting, groups: list[Group], compress: bool = True) -> bytes:
    """A printable "List of Participants": title, meeting, dates and place; by delegation."""
    pdf = _ListDocument(compress)
    pdf.set_title(f"List of Participants: {meeting.title}")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.use(16, bold=True)
    pdf.cell(0, 9, "List of Participants", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.use(12, bold=True)
    pdf.multi_cell(0, 6, pdf.text_of(meeting.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.use(10)
    place = f"{meeting.dates_label} · {meeting.place_label}"
    pdf.multi_cell(0, 6, pdf.text_of(place), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    section = None
    for group in groups:
        if group.section != section:
            section = group.section
            _section_heading(pdf, section)
        _group(pdf, group)
    if not groups:
        pdf.use(10)
        pdf.cell(0, 6, "No confirmed participants.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _section_heading(pdf: _Document, text: str) -> None:
    pdf.ln(2)
    pdf.use(13, bold=True)
    pdf.cell(0, 8, text.upper(), align="C", new_x="LMARGIN", new_y="NEXT")


def _group(pdf: _Document, group: Group) -> None:
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.use(11, bold=True)
    pdf.cell(0, 7, pdf.text_of(group.heading), border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    for r in group.registrations:
        _entry(pdf, r)
    pdf.ln(2)


def _entry(pdf: _Document, r: Registration) -> None:
    lines = [r.title, r.organisation, r.email]
    if pdf.will_page_break(6 + 5 * sum(1 for x in lines if x)):
        pdf.add_page()
    pdf.use(10, bold=True)
    name = r.name + (f" ({role_label(r)})" if r.delegation_role else "")
    name += "  [attended]" if r.attended_at else ""
    pdf.multi_cell(0, 5, pdf.text_of(name), new_x="LMARGIN", new_y="NEXT")
    pdf.use(9)
    for line in lines:
        if line:
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(0, 4.5, pdf.text_of(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


BADGE_W, BADGE_H, BADGE_COLUMNS, BADGE_ROWS = 90.0, 62.0, 2, 4


def badges_pdf(meeting: Meeting, registrations: list[Registration], compress=True) -> bytes:
    """One badge per participant, eight to an A4 page, with cutting borders."""
    pdf = _Document(compress)
    pdf.set_title(f"Badges: {meeting.title}")
    pdf.set_auto_page_break(False)
    per_page = BADGE_COLUMNS * BADGE_ROWS
    for index, registration in enumerate(registrations):
        if index % per_page == 0:
            pdf.add_page()
        column, row = index % BADGE_COLUMNS, (index % per_page) // BADGE_COLUMNS
        _badge(pdf, meeting, registration, 12 + column * (BADGE_W + 6), 14 + row * BADGE_H)
    if not registrations:
        pdf.add_page()
        pdf.use(10)
        pdf.cell(0, 6, "No confirmed participants.")
    return bytes(pdf.output())


def _badge(pdf: _Document, meeting: Meeting, r: Registration, x: float, y: float) -> None:
    pdf.set_draw_color(160)
    pdf.rect(x, y, BADGE_W, BADGE_H - 4)
    pdf.set_xy(x + 4, y + 4)
    pdf.use(8)
    pdf.multi_cell(BADGE_W - 8, 4, pdf.text_of(meeting.title), align="C", max_line_height=4)
    pdf.set_xy(x + 4, y + 18)
    pdf.use(15, bold=True)
    pdf.multi_cell(BADGE_W - 8, 7, pdf.text_of(r.name), align="C", max_line_height=7)
    pdf.set_xy(x + 4, pdf.get_y() + 1)
    pdf.use(10)
    pdf.multi_cell(BADGE_W - 8, 5, pdf.text_of(affiliation(r)), align="C")
    pdf.set_fill_color(225)
    pdf.set_xy(x, y + BADGE_H - 14)
    pdf.use(10, bold=True)
    pdf.cell(BADGE_W, 10, pdf.text_of(CATEGORY_LABELS[r.category].upper()), align="C", fill=True)
