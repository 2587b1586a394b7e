"""A meeting's sessions as a timetable: venue time, and the same moments in the reader's zone."""

from dataclasses import dataclass, field
from datetime import date, datetime

from meetings.core.timezones import in_zone, utc_offset_label
from meetings.schedule.models import Meeting, Session


@dataclass(frozen=True)
class TimetableRow:
    session: Session
    venue_start: datetime
    venue_end: datetime
    reader_start: datetime | None
    reader_end: datetime | None

    @property
    def reader_day_differs(self) -> bool:
        """The reader's clock shows another day than the venue's (e.g. 08:00 in Bangkok)."""
        return self.reader_start is not None and self.reader_start.date() != self.venue_start.date()


@dataclass
class TimetableDay:
    day: date
    rows: list[TimetableRow] = field(default_factory=list)


@dataclass(frozen=True)
class Timetable:
    venue_zone: str
    venue_offset: str
    reader_zone: str | None
    reader_offset: str
    days: list[TimetableDay]

    @property
    def shows_reader_column(self) -> bool:
        return self.reader_zone is not None and self.reader_offset != self.venue_offset


def build_timetable(
    meeting: Meeting, sessions: list[Session], reader_zone: str | None
) -> Timetable:
    """Group the sessions (those the reader may see) by the venue's calendar day."""
    days: dict[date, TimetableDay] = {}
    for session in sessions:
        venue_start = in_zone(session.starts_at, meeting.timezone)
        row = TimetableRow(
            session=session,
            venue_start=venue_start,
            venue_end=in_zone(session.ends_at, meeting.timezone),
            reader_start=in_zone(session.starts_at, reader_zone) if reader_zone else None,
            reader_end=in_zone(session.ends_at, reader_zone) if reader_zone else None,
        )
        days.setdefault(venue_start.date(), TimetableDay(venue_start.date())).rows.append(row)
    sample = sessions[0].starts_at if sessions else None
    return Timetable(
        venue_zone=meeting.timezone,
        venue_offset=utc_offset_label(sample, meeting.timezone) if sample else "",
        reader_zone=reader_zone,
        reader_offset=utc_offset_label(sample, reader_zone) if sample and reader_zone else "",
        days=list(days.values()),
    )
