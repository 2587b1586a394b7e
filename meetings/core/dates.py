"""Dates known to the day, the month or only the year, and how to write them."""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date of a given precision: 2025-09-04, 2019-09 or 2015."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Read YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError with a readable message."""
        match = _PATTERN.match((text or "").strip())
        if not match:
            raise ValueError("Write the date as YYYY-MM-DD, YYYY-MM or YYYY.")
        year, month, day = (int(g) if g else None for g in match.group("y", "m", "d"))
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"There is no month {month}.")
        if day is not None:
            try:
                date(year, month, day)
            except ValueError:
                raise ValueError(f"{year}-{month:02d} has no day {day}.") from None
        if not 1900 <= year <= 2200:
            raise ValueError("The year must be between 1900 and 2200.")
        return cls(year, month, day)

    @classmethod
    def from_bounds(cls, value: date, precision: DatePrecision) -> "PartialDate":
        if precision is DatePrecision.YEAR:
            return cls(value.year)
        if precision is DatePrecision.MONTH:
            return cls(value.year, value.month)
        return cls(value.year, value.month, value.day)

    @property
    def precision(self) -> DatePrecision:
        if self.day is not None:
            return DatePrecision.DAY
        return DatePrecision.MONTH if self.month is not None else DatePrecision.YEAR

    def first_day(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        if self.day is not None:
            return date(self.year, self.month, self.day)
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def iso(self) -> str:
        """ISO 8601 with reduced precision: 2025-09-04, 2019-09, 2015."""
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def __str__(self) -> str:
        return self.iso()

    @property
    def label(self) -> str:
        """As people write it: "4 September 2025", "September 2026", "2026"."""
        return format_date_range(self.first_day(), self.last_day(), self.precision)


def iso_bound(value: date, precision: DatePrecision | str) -> str:
    return PartialDate.from_bounds(value, DatePrecision(precision)).iso()


def format_date_range(start: date, end: date, precision: DatePrecision | str) -> str:
    """Write a meeting's dates as people do: "2–5 September 2025", "September 2019", "2015"."""
    precision = DatePrecision(precision)
    if precision is DatePrecision.YEAR:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if precision is DatePrecision.MONTH:
        return _month_range(start, end)
    return _day_range(start, end)


def _month_range(start: date, end: date) -> str:
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    if start.year == end.year:
        return f"{start:%B}–{end:%B %Y}"
    return f"{start:%B %Y} – {end:%B %Y}"


def _day_range(start: date, end: date) -> str:
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 112th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def add_months(value: date, months: int) -> date:
    """Same day of the month, months later, clamped to the month's last day."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)
