"""When a body's next meeting is due, from its cadence and its last meeting."""

from datetime import date

from meetings.bodies.models import Body, Cadence
from meetings.core.dates import DatePrecision, PartialDate, add_months

# Months between meetings; "every 2 to 3 years" proposes the earliest, 2 years.
STEP_MONTHS = {
    Cadence.ANNUAL: 12,
    Cadence.TWICE_A_YEAR: 6,
    Cadence.BIENNIAL: 24,
    Cadence.EVERY_2_TO_3_YEARS: 24,
}


def propose_next_date(body: Body, last: PartialDate | None, today: date) -> PartialDate | None:
    """Propose the next meeting's date, to the month at most, never in the past.

    Steps from the last meeting by the cadence until the date is not over; plans are made to
    the month ("September 2026, to be confirmed"), so a day is never proposed. A body with no
    history starts from its usual month this year; an ad hoc body gets no proposal.
    """
    step = STEP_MONTHS.get(body.cadence)
    if step is None:
        return None
    if last is None:
        start = date(today.year, body.usual_month or today.month, 1)
        return _month_or_year(start if start >= _month_start(today) else add_months(start, step))
    anchor = date(last.year, last.month or body.usual_month or 1, 1)
    if body.usual_month and step % 12 == 0:
        anchor = anchor.replace(month=body.usual_month)
    candidate = add_months(anchor, step)
    year_only = last.precision is DatePrecision.YEAR and not body.usual_month
    floor = date(today.year, 1, 1) if year_only else _month_start(today)
    while candidate < floor:
        candidate = add_months(candidate, step)
    return _month_or_year(candidate, year_only=year_only)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_or_year(day: date, year_only: bool = False) -> PartialDate:
    return PartialDate(day.year) if year_only else PartialDate(day.year, day.month)
