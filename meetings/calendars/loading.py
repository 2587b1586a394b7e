"""What a feed shows, read in a fixed number of statements, and the validators of feeds.

Meetings and sessions are read as plain rows (no ORM objects: a body's feed may hold
thousands of events) into the records `feeds` turns into events: one statement for the
meetings, one for their sessions, whatever their number.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.access.policies import meeting_visible, session_visible
from meetings.access.principal import Principal
from meetings.audit.models import AuditEntry
from meetings.bodies.models import Body
from meetings.bodies.numbering import meeting_label
from meetings.calendars.feeds import FeedMeeting, FeedSession, cancellation_cutoff
from meetings.calendars.models import FeedToken, Follow
from meetings.core.dates import DatePrecision
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.participants.models import Participant
from meetings.schedule.models import Meeting, MeetingStatus, Session

# Change it whenever the code changes what a feed contains: every ETag changes with it.
FORMAT_VERSION = 2  # 2: personal feeds carry the deadlines of the actions one leads
# A feed's reader uses it at most this often: more frequent use is not recorded.
TOKEN_USE_PRECISION = timedelta(hours=1)

MEETING_COLUMNS = (
    Meeting.id,
    Meeting.uid,
    Meeting.sequence,
    Meeting.updated_at,
    Meeting.title,
    Meeting.number,
    Meeting.theme,
    Meeting.status,
    Meeting.format,
    Meeting.start_date,
    Meeting.end_date,
    Meeting.date_precision,
    Meeting.timezone,
    Meeting.city,
    Meeting.country_code,
    Meeting.venue,
    # Named as Body's attributes, so that a row numbers its meeting as its body would.
    Body.short_name,
    Body.numbering_style,
    Body.number_prefix,
)
# The meeting, then FeedSession's fields in their order.
SESSION_COLUMNS = (
    Session.meeting_id,
    Session.id,
    Session.uid,
    Session.sequence,
    Session.updated_at,
    Session.title,
    Session.room,
    Session.description,
    Session.starts_at,
    Session.ends_at,
)


# The things a public feed is published for: visible to the public, or None (404).


def mechanism_by_slug(slug: str) -> Mechanism | None:
    return db.session.scalar(sa.select(Mechanism).where(Mechanism.slug == slug))


def body_by_slug(slug: str) -> Body | None:
    stmt = sa.select(Body).where(Body.slug == slug).options(joinedload(Body.mechanism))
    return db.session.scalar(stmt)


def meeting_by_id(meeting_id: int) -> Meeting | None:
    stmt = sa.select(Meeting).where(Meeting.id == meeting_id)
    return db.session.scalar(stmt.options(joinedload(Meeting.body).joinedload(Body.mechanism)))


# Which meetings a feed covers, as SQL (Meeting joined to its Body and Mechanism).


def of_mechanism(mechanism_id: int) -> sa.ColumnElement[bool]:
    return Body.mechanism_id == mechanism_id


def of_body(body_id: int) -> sa.ColumnElement[bool]:
    return Meeting.body_id == body_id


def of_meeting(meeting_id: int) -> sa.ColumnElement[bool]:
    return Meeting.id == meeting_id


def of_person(user_id: int) -> sa.ColumnElement[bool]:
    """The meetings a person follows, those of the bodies they follow, and theirs."""
    followed = sa.select(Follow.meeting_id).where(
        Follow.user_id == user_id, Follow.meeting_id.is_not(None)
    )
    bodies = sa.select(Follow.body_id).where(Follow.user_id == user_id, Follow.body_id.is_not(None))
    taking_part = sa.select(Participant.meeting_id).where(Participant.user_id == user_id)
    return sa.or_(
        Meeting.id.in_(followed), Meeting.body_id.in_(bodies), Meeting.id.in_(taking_part)
    )


def listed(cutoff: date) -> sa.ColumnElement[bool]:
    """Feeds leave out meetings known only to the year, and long-past cancelled ones."""
    return sa.and_(
        Meeting.date_precision != DatePrecision.YEAR,
        sa.or_(Meeting.status != MeetingStatus.CANCELLED, Meeting.end_date >= cutoff),
    )


def feed_meetings(
    scope: sa.ColumnElement[bool],
    viewer: Principal,
    cutoff: date,
    page_url: Callable[[int], str],
) -> list[FeedMeeting]:
    """The meetings in scope the viewer may see, each with the sessions they may see."""
    where = sa.and_(scope, listed(cutoff))
    sessions = _sessions(sa.and_(where, session_visible(viewer)))
    stmt = _joined(sa.select(*MEETING_COLUMNS).select_from(Meeting))
    stmt = stmt.where(where, meeting_visible(viewer)).order_by(Meeting.start_date, Meeting.id)
    return [_meeting(row, sessions.get(row.id, ()), page_url) for row in db.session.execute(stmt)]


def _joined(stmt: sa.Select) -> sa.Select:
    return stmt.join(Body, Meeting.body_id == Body.id).join(
        Mechanism, Body.mechanism_id == Mechanism.id
    )


def _sessions(where: sa.ColumnElement[bool]) -> dict[int, list[FeedSession]]:
    stmt = sa.select(*SESSION_COLUMNS).join(Meeting, Session.meeting_id == Meeting.id)
    stmt = _joined(stmt).where(where).order_by(Session.starts_at, Session.id)
    by_meeting: dict[int, list[FeedSession]] = {}
    for meeting_id, *values in db.session.execute(stmt):
        by_meeting.setdefault(meeting_id, []).append(FeedSession(*values))
    return by_meeting


def _meeting(row, sessions, page_url: Callable[[int], str]) -> FeedMeeting:
    return FeedMeeting(
        uid=row.uid,
        sequence=row.sequence,
        updated_at=row.updated_at,
        title=row.title,
        label=meeting_label(row, row.number),
        body=row.short_name,
        theme=row.theme,
        status=row.status,
        format=row.format,
        start_date=row.start_date,
        end_date=row.end_date,
        date_precision=row.date_precision,
        timezone=row.timezone,
        city=row.city,
        country_code=row.country_code,
        venue=row.venue,
        url=page_url(row.id),
        sessions=tuple(sessions),
    )


# Validators: answer "not modified" without reading a single meeting.


@dataclass(frozen=True)
class Validator:
    """A feed's ETag (unquoted) and Last-Modified."""

    etag: str
    last_modified: datetime


def public_validator(
    mechanism_id: int, kind: str, key: str, base_url: str, today: date
) -> Validator:
    """The validator of a public feed of the mechanism (all, a body's or a meeting's).

    Every create, change and delete of a mechanism's things writes an audit entry in the
    same transaction, so the newest entry of the mechanism (one statement on the index
    (mechanism_id, id)) changes whenever any of its feeds may have. What else changes a
    feed goes into the ETag too: which feed it is, the base of its links, this code's
    FORMAT_VERSION, and the day (cancelled meetings drop out a year after they end).
    Last-Modified is that entry's time, but never before the start of the day, for the
    same reason. One gap is known: ids are given at flush, not at commit, so of two
    transactions of one mechanism running at the same moment, the one flushed first but
    committed last goes unannounced until the next change of the mechanism.
    """
    newest = _newest_change(AuditEntry.mechanism_id == mechanism_id)
    return _validator(newest, today, "public", kind, key, base_url)


def personal_validator(user_id: int, base_url: str, today: date) -> Validator:
    """A person's feed depends on their roles, follows and participations as much as on
    meetings, of any mechanism: the newest audit entry of all (on the primary key)."""
    newest = _newest_change()
    return _validator(newest, today, "personal", user_id, base_url)


def _newest_change(*where: sa.ColumnElement[bool]) -> tuple[int, datetime | None]:
    stmt = sa.select(AuditEntry.id, AuditEntry.at).where(*where)
    row = db.session.execute(stmt.order_by(AuditEntry.id.desc()).limit(1)).first()
    return (row.id, row.at) if row else (0, None)


def _validator(newest: tuple[int, datetime | None], today: date, *parts) -> Validator:
    entry_id, at = newest
    text = repr((FORMAT_VERSION, entry_id, cancellation_cutoff(today).isoformat(), *parts))
    start_of_day = datetime.combine(today, time(), tzinfo=UTC)
    last_modified = max(at, start_of_day) if at else start_of_day
    return Validator(hashlib.sha256(text.encode()).hexdigest()[:32], last_modified)


def note_use(token: FeedToken, now: datetime) -> bool:
    """Record when the personal feed was last read, to the hour; True when it changed."""
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_PRECISION:
        return False
    token.last_used_at = now
    return True
