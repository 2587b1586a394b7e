"""Follow-up actions' due dates in calendar feeds: in a person's own feed, the actions they
lead (named as lead, or National Focal Point of the member state that leads); in their
deadlines feed, the actions of the bodies they are staff of (the mechanism's secretariat,
the body's managers). Either way only actions of bodies the person may see, each as an
all-day event on its due date (see calendars/feeds.py), read in one statement.

Shown: open actions with a due date, and dropped ones (CANCELLED) for KEEP_DROPPED after
they were dropped, so that calendars holding them learn it; completed ones are not.

Identity without a stored column: the UID is "action-<id>@<site's host>" (the host of
PUBLIC_BASE_URL, else of the request: the same base every link in the feed uses), stable for
the action's life. SEQUENCE is derived from `updated_at`: the seconds from SEQUENCE_EPOCH to
the action's last change. It grows with every change of the action's row (a new due date, a
new status, a moved meeting it follows) and never goes back; it also grows with changes of
the title or lead, which change the event too. Seconds fit SEQUENCE's 32 bits until 2092.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from meetings.access.policies import body_visible
from meetings.access.principal import Principal
from meetings.actions.models import OPEN_STATUSES, Action, ActionStatus, LeadKind
from meetings.actions.reminders import named, source_of
from meetings.bodies.models import Body
from meetings.calendars.feeds import FeedAction
from meetings.documents.models import Document
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.schedule.models import Meeting

KEEP_DROPPED = timedelta(days=90)
SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def action_uid(action_id: int, host: str) -> str:
    return f"action-{action_id}@{host}"


def sequence_of(updated_at: datetime) -> int:
    return max(0, int((updated_at - SEQUENCE_EPOCH).total_seconds()))


# Which actions a feed covers, as SQL (Action joined to its Body and Mechanism).


def led_by(p: Principal) -> sa.ColumnElement[bool]:
    """The actions the person leads: named as lead, or NFP of the member state that leads."""
    if not p.is_authenticated:
        return sa.false()
    person = sa.and_(Action.lead_kind == LeadKind.PERSON, Action.lead_user_id == p.user_id)
    states = [
        sa.and_(Body.mechanism_id == mechanism_id, Action.lead_country == country)
        for mechanism_id, country in sorted(p.nfp_of)
    ]
    if not states:
        return person
    return sa.or_(person, sa.and_(Action.lead_kind == LeadKind.MEMBER_STATE, sa.or_(*states)))


def staffed_by(p: Principal) -> sa.ColumnElement[bool]:
    """The actions of the bodies the person is staff of by a role they hold: their
    mechanisms' secretariat, the bodies they manage (a site administrator's office alone
    does not fill this feed with every body's deadlines)."""
    bodies = []
    if p.secretariat_of:
        bodies.append(Body.mechanism_id.in_(sorted(p.secretariat_of)))
    if p.manages:
        bodies.append(Body.id.in_(sorted(p.manages)))
    return sa.or_(*bodies) if bodies else sa.false()


def shown(today: date) -> sa.ColumnElement[bool]:
    dropped_since = datetime.combine(today - KEEP_DROPPED, time(), tzinfo=UTC)
    return sa.and_(
        Action.due_end.is_not(None),
        sa.or_(
            Action.status.in_([s.value for s in OPEN_STATUSES]),
            sa.and_(
                Action.status == ActionStatus.DROPPED,
                Action.status_changed_at >= dropped_since,
            ),
        ),
    )


def feed_actions(
    scope: sa.ColumnElement[bool],
    viewer: Principal,
    today: date,
    host: str,
    page_url: Callable[[int], str],
) -> list[FeedAction]:
    """The actions in scope the viewer may see, as the feed's records, in one statement."""
    stmt = (
        sa.select(Action)
        .join(Body, Action.body_id == Body.id)
        .join(Mechanism, Body.mechanism_id == Mechanism.id)
        .where(scope, shown(today), body_visible(viewer))
        .options(
            contains_eager(Action.body).contains_eager(Body.mechanism),
            joinedload(Action.lead_user),
            joinedload(Action.due_meeting),
            # What source_of asks to decide whether the viewer may see the source.
            selectinload(Action.meeting).joinedload(Meeting.body).joinedload(Body.mechanism),
            selectinload(Action.document).options(
                joinedload(Document.body).joinedload(Body.mechanism),
                joinedload(Document.meeting).joinedload(Meeting.body),
                joinedload(Document.session),
            ),
        )
        .order_by(Action.due_end, Action.id)
    )
    found = db.session.scalars(stmt).unique()
    return [_record(a, viewer, host, page_url) for a in found]


def _record(
    action: Action, viewer: Principal, host: str, page_url: Callable[[int], str]
) -> FeedAction:
    return FeedAction(
        uid=action_uid(action.id, host),
        sequence=sequence_of(action.updated_at),
        updated_at=action.updated_at,
        named=named(action),
        dropped=action.status is ActionStatus.DROPPED,
        due_end=action.due_end,
        due_label=action.due_label,
        status_label=action.status_label,
        lead_label=action.lead_label,
        body=action.body.short_name,
        source=source_of(action, viewer),
        url=page_url(action.id),
    )
