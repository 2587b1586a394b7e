from datetime import date

import pytest

from meetings.core.dates import DatePrecision, PartialDate, add_months, format_date_range, ordinal


@pytest.mark.parametrize(
    ("text", "precision", "first", "last"),
    [
        ("2025-09-04", DatePrecision.DAY, date(2025, 9, 4), date(2025, 9, 4)),
        ("2019-09", DatePrecision.MONTH, date(2019, 9, 1), date(2019, 9, 30)),
        ("2024-02", DatePrecision.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        ("2015", DatePrecision.YEAR, date(2015, 1, 1), date(2015, 12, 31)),
    ],
)
def test_partial_date_parse_precision_and_bounds(text, precision, first, last):
    value = PartialDate.parse(text)
    assert (value.precision, value.first_day(), value.last_day(), value.iso()) == (
        precision,
        first,
        last,
        text,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-02-30", "2025-02 has no day 30."),
        ("2025-13", "There is no month 13."),
        ("Sept 2025", "Write the date as YYYY-MM-DD, YYYY-MM or YYYY."),
        ("1800", "The year must be between 1900 and 2200."),
    ],
)
def test_partial_date_parse_rejects_with_message(text, message):
    with pytest.raises(ValueError) as exc:
        PartialDate.parse(text)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("start", "end", "precision", "label"),
    [
        (date(2025, 9, 2), date(2025, 9, 5), "day", "2–5 September 2025"),
        (date(2023, 8, 24), date(2023, 8, 24), "day", "24 August 2023"),
        (date(2025, 9, 30), date(2025, 10, 2), "day", "30 September – 2 October 2025"),
        (date(2025, 12, 30), date(2026, 1, 2), "day", "30 December 2025 – 2 January 2026"),
        (date(2019, 9, 1), date(2019, 9, 30), "month", "September 2019"),
        (date(2019, 9, 1), date(2019, 10, 31), "month", "September–October 2019"),
        (date(2015, 1, 1), date(2015, 12, 31), "year", "2015"),
    ],
)
def test_format_date_range_never_pins_month_to_a_day(start, end, precision, label):
    assert format_date_range(start, end, precision) == label


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (18, "18th"),
        (21, "21st"),
        (22, "22nd"),
        (112, "112th"),
    ],
)
def test_ordinal(n, text):
    assert ordinal(n) == text


def test_add_months_clamps_to_month_end():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 9, 1), 24) == date(2027, 9, 1)
