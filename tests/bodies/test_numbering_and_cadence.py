from datetime import date

import pytest

from meetings.bodies.cadence import propose_next_date
from meetings.bodies.models import Body, Cadence, NumberingStyle
from meetings.bodies.numbering import default_title, meeting_label, next_number
from meetings.core.dates import PartialDate


def _body(style, cadence=Cadence.ANNUAL, **kw) -> Body:
    defaults = {"name": "Senior Officials Meeting of NEASPEC", "short_name": "SOM"}
    return Body(numbering_style=style, cadence=cadence, **{**defaults, **kw})


def test_prefixed_numbering_som24_to_som25():
    som = _body(NumberingStyle.PREFIXED, number_prefix="SOM")
    number = next_number(som, [3, 6, 19, 20, 23, 24], 2026)
    assert (number, meeting_label(som, number), default_title(som, number)) == (
        25,
        "SOM-25",
        "25th Senior Officials Meeting of NEASPEC (SOM-25)",
    )


def test_ordinal_numbering_18th_to_19th():
    amme = _body(
        NumberingStyle.ORDINAL,
        name="ASEAN Ministerial Meeting on the Environment",
        short_name="AMME",
    )
    number = next_number(amme, [18], 2027)
    assert (meeting_label(amme, number), default_title(amme, number)) == (
        "19th AMME",
        "19th ASEAN Ministerial Meeting on the Environment",
    )


def test_year_numbering_caecf_2019_to_2020():
    caecf = _body(
        NumberingStyle.YEAR, name="ASEAN-China Environmental Cooperation Forum", short_name="CAECF"
    )
    number = next_number(caecf, [2018, 2019], 2020)
    assert (meeting_label(caecf, number), default_title(caecf, number)) == (
        "CAECF 2020",
        "ASEAN-China Environmental Cooperation Forum 2020",
    )


def test_unnumbered_body_has_no_number_or_label():
    series = _body(NumberingStyle.NONE)
    assert (next_number(series, [], 2026), meeting_label(series, None)) == (None, "")


@pytest.mark.parametrize(
    ("cadence", "last", "usual_month", "today", "expected"),
    [
        # Annual in September: the month after the last edition, a year on.
        (Cadence.ANNUAL, PartialDate(2019, 9), 9, date(2020, 1, 10), PartialDate(2020, 9)),
        # Never in the past: steps on until the date is not over.
        (Cadence.ANNUAL, PartialDate(2019, 9), 9, date(2026, 11, 22), PartialDate(2027, 9)),
        # Twice a year: six months on.
        (Cadence.TWICE_A_YEAR, PartialDate(2026, 5), None, date(2026, 6, 1), PartialDate(2026, 11)),
        # Every 2 to 3 years proposes the earliest, from a day-precision meeting, to the month.
        (
            Cadence.EVERY_2_TO_3_YEARS,
            PartialDate(2025, 9, 2),
            None,
            date(2025, 10, 1),
            PartialDate(2027, 9),
        ),
        # Known only to the year, no usual month: the proposal is a year.
        (Cadence.ANNUAL, PartialDate(2020), None, date(2020, 12, 1), PartialDate(2021)),
        # No history: this year's usual month, or next year's once it has passed.
        (Cadence.ANNUAL, None, 9, date(2026, 3, 1), PartialDate(2026, 9)),
        (Cadence.ANNUAL, None, 9, date(2026, 11, 22), PartialDate(2027, 9)),
        # Known to the year with a usual month: to the month, and not a month already over.
        (Cadence.ANNUAL, PartialDate(2024), 9, date(2026, 11, 22), PartialDate(2027, 9)),
        # Ad hoc bodies get no proposal.
        (Cadence.AD_HOC, PartialDate(2019, 3), None, date(2020, 1, 1), None),
    ],
)
def test_propose_next_date(cadence, last, usual_month, today, expected):
    body = _body(NumberingStyle.ORDINAL, cadence=cadence, usual_month=usual_month)
    assert propose_next_date(body, last, today) == expected
