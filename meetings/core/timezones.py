"""IANA time zones: validation, conversion between a venue's wall clock and UTC."""

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def timezone_names() -> tuple[str, ...]:
    """Canonical-looking IANA names (no legacy aliases such as "US/Eastern" or "Etc/GMT+5")."""
    names = {n for n in _all_zone_names() if "/" in n and not n.startswith(("Etc/", "US/"))}
    return tuple(sorted(names | {"UTC"}))


@cache
def _all_zone_names() -> frozenset[str]:
    """Every IANA key installed; read from disk once per process (a directory walk)."""
    return frozenset(available_timezones())


def is_timezone(name: str | None) -> bool:
    if not name or name not in _all_zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class WallClockError(ValueError):
    """A local time that does not exist, or exists twice, in a zone (daylight saving changes)."""


def local_to_utc(day: date, clock: time, zone: str) -> datetime:
    """Convert a venue's wall-clock time to UTC, refusing skipped or repeated times."""
    tz = ZoneInfo(zone)
    first = datetime.combine(day, clock, tzinfo=tz)
    round_trip = first.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != first.replace(tzinfo=None):
        raise WallClockError(f"{clock:%H:%M} does not exist on {day:%d %b %Y} in {zone}.")
    if first.utcoffset() != first.replace(fold=1).utcoffset():
        raise WallClockError(f"{clock:%H:%M} occurs twice on {day:%d %b %Y} in {zone}.")
    return first.astimezone(UTC)


def in_zone(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def utc_offset_label(moment: datetime, zone: str) -> str:
    """ "UTC+8", "UTC+5:30", "UTC" for a moment in a zone."""
    offset = in_zone(moment, zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
