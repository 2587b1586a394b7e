"""How a body numbers its meetings, and what its next meeting is called."""

from meetings.bodies.models import Body, NumberingStyle
from meetings.core.dates import ordinal


def meeting_label(body: Body, number: int | None) -> str:
    """The short reference of a meeting: "3rd AJMDEC", "SOM-24", "CAECF 2019"."""
    if number is None or body.numbering_style is NumberingStyle.NONE:
        return ""
    if body.numbering_style is NumberingStyle.ORDINAL:
        return f"{ordinal(number)} {body.short_name}"
    if body.numbering_style is NumberingStyle.PREFIXED:
        return f"{body.number_prefix}-{number}"
    return f"{body.short_name} {number}"


def default_title(body: Body, number: int | None) -> str:
    """The full title a numbered meeting gets unless given another."""
    if number is None or body.numbering_style is NumberingStyle.NONE:
        return ""
    if body.numbering_style is NumberingStyle.ORDINAL:
        return f"{ordinal(number)} {body.name}"
    if body.numbering_style is NumberingStyle.PREFIXED:
        return f"{ordinal(number)} {body.name} ({meeting_label(body, number)})"
    return f"{body.name} {number}"


def next_number(body: Body, numbers: list[int], year: int | None) -> int | None:
    """The number after the highest used; for bodies numbered by year, the meeting's year."""
    if body.numbering_style is NumberingStyle.NONE:
        return None
    if body.numbering_style is NumberingStyle.YEAR:
        return year
    return max(numbers, default=0) + 1
