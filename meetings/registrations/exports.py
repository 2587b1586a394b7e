"""The participants list as CSV, XLSX and PDF, and name badges as PDF.

Spreadsheet cells that begin like a formula are neutralised with a leading quote, so that
a name such as "=HYPERLINK(...)" is shown, never run (CSV injection).

Personal data (title, organisation, country, email) follow policies.can_see_personal_data,
given as `shows_personal`; without it, none is shown. Spreadsheets keep their columns and
say in each hidden cell why it is empty; the PDFs print the note instead.
"""

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from meetings.access.policies import PERSONAL_DATA_NOTE
from meetings.core.countries import country_name
from meetings.registrations.models import CATEGORY_LABELS, Registration
from meetings.registrations.participants_list import (
    Group,
    ShowsPersonal,
    affiliation,
    hides_all,
    role_label,
)
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
# What a spreadsheet cell of personal data says when the reader may not see it.
HIDDEN_CELL = "Shown to the secretariat and NFPs only"
BADGE_NOTE = "Organisations are shown to the secretariat and National Focal Points only."


def neutralise(value: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _personal_cells(r: Registration, shown: bool) -> tuple[str, str, str, str]:
    """Title, organisation, country and email, or the reason they are not shown."""
    if not shown:
        return (HIDDEN_CELL,) * 4
    country = country_name(r.country_code) if r.country_code else ""
    return r.title, r.organisation, country, r.email


def table_rows(groups: Iterable[Group], shows_personal: ShowsPersonal = hides_all) -> list:
    """The header and one row per participant, cells neutralised."""
    rows = [COLUMNS]
    for group in groups:
        for r in group.registrations:
            title, organisation, country, email = _personal_cells(r, shows_personal(r))
            cells = [
                group.heading,
                r.name,
                title,
                organisation,
                country,
                CATEGORY_LABELS[r.category],
                role_label(r),
                email,
                "yes" if r.attended_at else "",
            ]
            rows.append([neutralise(c) for c in cells])
    return rows


def to_csv(groups: Iterable[Group], shows_personal: ShowsPersonal = hides_all) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the names right."""
    out = io.StringIO()
    csv.writer(out).writerows(table_rows(groups, shows_personal))
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(
    groups: Iterable[Group], meeting: Meeting, shows_personal: ShowsPersonal = hides_all
) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Participants"
    for row in table_rows(groups, shows_personal):
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


def list_pdf(
    meeting: Meeting,
    groups: list[Group],
    compress: bool = True,
    shows_personal: ShowsPersonal = hides_all,
) -> bytes:
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
    if any(not shows_personal(r) for group in groups for r in group.registrations):
        pdf.use(9)
        note = pdf.text_of(PERSONAL_DATA_NOTE)
        pdf.multi_cell(0, 5, note, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    section = None
    for group in groups:
        if group.section != section:
            section = group.section
            _section_heading(pdf, section)
        _group(pdf, group, shows_personal)
    if not groups:
        pdf.use(10)
        pdf.cell(0, 6, "No confirmed participants.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _section_heading(pdf: _Document, text: str) -> None:
    pdf.ln(2)
    pdf.use(13, bold=True)
    pdf.cell(0, 8, text.upper(), align="C", new_x="LMARGIN", new_y="NEXT")


def _group(pdf: _Document, group: Group, shows_personal: ShowsPersonal) -> None:
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.use(11, bold=True)
    pdf.cell(0, 7, pdf.text_of(group.heading), border="B", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    for r in group.registrations:
        _entry(pdf, r, shows_personal(r))
    pdf.ln(2)


def _entry(pdf: _Document, r: Registration, personal: bool) -> None:
    lines = [r.title, r.organisation, r.email] if personal else []
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


def badges_pdf(
    meeting: Meeting,
    registrations: list[Registration],
    compress=True,
    shows_personal: ShowsPersonal = hides_all,
) -> bytes:
    """One badge per participant, eight to an A4 page, with cutting borders. A page whose
    badges lack an organisation the reader may not see says so under them."""
    pdf = _Document(compress)
    pdf.set_title(f"Badges: {meeting.title}")
    pdf.set_auto_page_break(False)
    per_page = BADGE_COLUMNS * BADGE_ROWS
    for start in range(0, len(registrations), per_page):
        pdf.add_page()
        hidden = False
        for index, registration in enumerate(registrations[start : start + per_page]):
            column, row = index % BADGE_COLUMNS, index // BADGE_COLUMNS
            x, y = 12 + column * (BADGE_W + 6), 14 + row * BADGE_H
            shown = shows_personal(registration)
            below = affiliation(registration, shown)
            hidden = hidden or not (shown or below)  # an organisation left off
            _badge(pdf, meeting, registration, x, y, below)
        if hidden:
            pdf.set_xy(12, 14 + BADGE_ROWS * BADGE_H + 2)
            pdf.use(8)
            pdf.cell(0, 5, BADGE_NOTE)
    if not registrations:
        pdf.add_page()
        pdf.use(10)
        pdf.cell(0, 6, "No confirmed participants.")
    return bytes(pdf.output())


def _badge(
    pdf: _Document, meeting: Meeting, r: Registration, x: float, y: float, below: str
) -> None:
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
    pdf.multi_cell(BADGE_W - 8, 5, pdf.text_of(below), align="C")
    pdf.set_fill_color(225)
    pdf.set_xy(x, y + BADGE_H - 14)
    pdf.use(10, bold=True)
    pdf.cell(BADGE_W, 10, pdf.text_of(CATEGORY_LABELS[r.category].upper()), align="C", fill=True)
