"""Bulk registration from a CSV or XLSX file: read it, check every row, save all or none.

Rows are checked by the registration service itself, inside savepoints: a preview runs
the whole file and rolls it back, so that it finds exactly the errors a commit would meet
(quotas, capacity, addresses already registered). Formula cells are read as text.
"""

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from openpyxl import load_workbook

from meetings.core.countries import country_names
from meetings.core.validation import DomainValidationError
from meetings.extensions import db
from meetings.registrations.models import (
    CATEGORY_LABELS,
    DELEGATION_ROLE_LABELS,
    Category,
    DelegationRole,
    Registration,
)
from meetings.registrations.services import ALREADY, register
from meetings.schedule.models import Meeting

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX that inflates past this is refused (zip bomb)
COLUMNS = (
    "name",
    "email",
    "title",
    "organisation",
    "country",
    "category",
    "delegation_country",
    "delegation_role",
)
REQUIRED = ("name", "email", "category")


class ImportFileError(Exception):
    """The file cannot be read as a list of participants; the message says why."""


@dataclass
class RowResult:
    number: int  # the row's line in the file (the header is line 1)
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    registration: Registration | None = None
    status: str | None = None  # what it got (or would get): confirmed, pending, waitlisted


def parse_upload(filename: str, data: bytes) -> list[dict[str, str]]:
    """The file's rows as dicts of COLUMNS, or ImportFileError with a clear message."""
    if len(data) > MAX_BYTES:
        raise ImportFileError("The file is larger than 2 MB: split it into smaller files.")
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".csv":
        table = _csv_table(data)
    elif suffix == ".xlsx":
        table = _xlsx_table(data)
    else:
        raise ImportFileError("Upload a .csv or .xlsx file.")
    return _rows(table)


def _csv_table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("The CSV file is not UTF-8: save it as “CSV UTF-8”.") from None
    try:
        return [row for row in csv.reader(io.StringIO(text, newline="")) if any(row)]
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file cannot be read: {exc}.") from None


def _xlsx_table(data: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED:
                raise ImportFileError("The XLSX file is too large once unpacked.")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFileError("The file is not a readable XLSX workbook.") from None
    try:
        sheet = book.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            cells = [_text(v) for v in row]
            if any(cells):
                table.append(cells)
            if len(table) > MAX_ROWS + 1:
                break
        return table
    finally:
        book.close()


def _text(value) -> str:
    """A cell as text; a formula stays the text of the formula."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(table: list[list[str]]) -> list[dict[str, str]]:
    if not table:
        raise ImportFileError("The file is empty.")
    header = [h.strip().lower().replace(" ", "_") for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            "The first row must name the columns; missing: " + ", ".join(missing) + "."
        )
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows: split it.")
    index = {name: header.index(name) for name in COLUMNS if name in header}
    return [
        {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        for row in body
    ]


def _choice(enum_cls, labels: dict, text: str) -> str:
    """Accept a value ("ngo") or its label ("Non-governmental organisation")."""
    key = text.strip().lower()
    by_label = {label.lower(): member.value for member, label in labels.items()}
    normalised = key.replace(" ", "_").replace("-", "_")
    return by_label.get(key) or (normalised if normalised in set(enum_cls) else text)


def _country(text: str) -> str:
    """A code ("JP") or a name ("Japan") as a code; anything else as given."""
    return _codes_by_name().get(text.strip().casefold(), text)


@cache
def _codes_by_name() -> dict[str, str]:
    return {name.casefold(): code for code, name in country_names().items()}


def service_fields(values: dict[str, str]) -> dict[str, str]:
    """A file row as register()'s keyword arguments."""
    return {
        "name": values.get("name", ""),
        "email": values.get("email", ""),
        "title": values.get("title", ""),
        "organisation": values.get("organisation", ""),
        "country_code": _country(values.get("country", "")),
        "category": _choice(Category, CATEGORY_LABELS, values.get("category", "")),
        "delegation_country": _country(values.get("delegation_country", "")),
        "delegation_role": _choice(
            DelegationRole, DELEGATION_ROLE_LABELS, values.get("delegation_role", "")
        ),
    }


Progress = Callable[[int, int], None]


def check_rows(
    meeting: Meeting, rows: list[dict[str, str]], progress: Progress | None = None
) -> list[RowResult]:
    """Every row with its errors, as if imported; nothing is saved."""
    outer = db.session.begin_nested()
    try:
        return _apply(meeting, rows, progress)
    finally:
        if outer.is_active:
            outer.rollback()


def import_rows(
    meeting: Meeting, rows: list[dict[str, str]], progress: Progress | None = None
) -> tuple[list[RowResult], bool]:
    """Register every row, or none when any row fails; the caller commits. (results, saved)"""
    outer = db.session.begin_nested()
    results = _apply(meeting, rows, progress)
    if any(r.errors for r in results):
        outer.rollback()
        return results, False
    outer.commit()
    return results, True


PROGRESS_EVERY = 100


def _apply(
    meeting: Meeting, rows: list[dict[str, str]], progress: Progress | None = None
) -> list[RowResult]:
    seen: dict[str, int] = {}
    results = []
    for number, values in enumerate(rows, start=2):
        if progress and (number - 2) % PROGRESS_EVERY == 0:
            progress(number - 2, len(rows))
        result = RowResult(number, values)
        email = values.get("email", "").strip().lower()
        if email and email in seen:
            message = f"This email address is already on row {seen[email]} of the file."
            result.errors["email"] = [message]
        seen.setdefault(email, number)
        _register_row(meeting, result)
        results.append(result)
    return results


def _register_row(meeting: Meeting, result: RowResult) -> None:
    savepoint = db.session.begin_nested()
    try:
        registration = register(
            meeting, source="import", **service_fields(result.values)
        ).registration
    except DomainValidationError as exc:
        _stop_if_rolled_back(savepoint)
        savepoint.rollback()
        for name, messages in exc.errors.items():
            kept = [m for m in messages if not (result.errors.get("email") and m == ALREADY)]
            if kept:
                result.errors.setdefault(name, []).extend(kept)
        return
    result.status = registration.status
    if result.errors:
        savepoint.rollback()  # a repeated address the service let through: the file is wrong
    else:
        savepoint.commit()
        result.registration = registration


def _stop_if_rolled_back(savepoint) -> None:
    """A constraint violation (a race) rolls back the whole session: stop the import."""
    if not savepoint.is_active:
        raise ImportFileError(
            "The meeting's registrations changed during the import; nothing was saved. Try again."
        )
