"""Follow-up actions' reminders, through the notification machinery (planned rows under unique
keys, swept when due, checked again then, as each person chose: at once, in the digest, off).

- `action_due_soon`: to the lead, some days before the due date (ACTION_DUE_SOON_DAYS,
  14 and 1 by default). The lead is the person named, or the National Focal Points of the
  member state named (their NFP role in the body's mechanism).
- `action_overdue`: to the lead the day after the due date; to the body's staff (the
  mechanism's secretariat and the body's managers) ACTION_ESCALATE_DAYS (14) days after it,
  if the action is still open.
- `action_overdue_summary`: every Monday at 08:00 in the reader's zone, to each of the
  body's staff, the body's actions that fell overdue after they were recorded; one per body,
  person and ISO week.

Notices go at 08:00 in the reader's zone (their account's, else the mechanism's). A key
names what makes the notice itself, the due date included
("action-due-soon:12:34:14d:2026-08-20"): when the due date moves, the planner names a new
key and the old one is cancelled (or, if it falls due first, skipped as moved). A notice
that fell due before the action was recorded is not owed (history loaded late is not news).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, render_template
from sqlalchemy.orm import joinedload, selectinload

from meetings.access.policies import (
    can_view_action,
    can_view_document,
    can_view_meeting,
    leads_action,
)
from meetings.access.principal import Principal, principal_for
from meetings.accounts.models import Role, RoleAssignment, User
from meetings.actions.models import OPEN_STATUSES, Action, ActionStatus, LeadKind
from meetings.bodies.models import Body
from meetings.core.countries import country_name
from meetings.core.models import utcnow
from meetings.core.sql_dates import utc_day
from meetings.core.timezones import in_zone, is_timezone
from meetings.extensions import db
from meetings.mail import absolute_url
from meetings.mechanisms.models import Mechanism
from meetings.notifications.kinds import Kind, Rendered, register
from meetings.notifications.models import Notification, NotificationStatus
from meetings.notifications.planner import Planned, planner
from meetings.notifications.recipients import recipient_zone
from meetings.notifications.reminders import days_label

ACTION_DUE_SOON = "action_due_soon"
ACTION_OVERDUE = "action_overdue"
ACTION_OVERDUE_SUMMARY = "action_overdue_summary"

NOTICE_TIME = time(8, 0)  # in the reader's zone
# After the escalation, the planner still names an overdue notice this long, so that one a
# sweep has not reached yet (the workers were down) is sent late rather than cancelled.
KEEP_PLANNING_DAYS = 30
# Notices are planned (and seen in the log) from this long before they fall due.
PLAN_AHEAD_DAYS = 60
SUBJECT_TITLE = 80  # characters of the title in a subject line


def _open() -> sa.ColumnElement[bool]:
    return Action.status.in_([s.value for s in OPEN_STATUSES])


def _late_since_recorded(today: date) -> sa.ColumnElement[bool]:
    """Open, past due before `today`, and due on or after the day it was recorded: an action
    loaded already late (a 2012 deadline seeded in 2026) is history, not news for a summary;
    its page and the dashboards still show it overdue."""
    return sa.and_(_open(), Action.due_end < today, Action.due_end >= utc_day(Action.created_at))


# -- Who, where, when ---------------------------------------------------------------------


def _zone(user: User | None, mechanism: Mechanism) -> str:
    """The reader's zone: their account's, else the mechanism's, else UTC."""
    zone = user.timezone if user is not None else None
    if is_timezone(zone):
        return zone
    return mechanism.default_timezone if is_timezone(mechanism.default_timezone) else "UTC"


def _row_zone(row: Notification, mechanism: Mechanism) -> str:
    zone = recipient_zone(row)
    return zone if is_timezone(zone) else _zone(None, mechanism)


def _at(day: date, zone: str) -> datetime:
    """NOTICE_TIME on the day in the zone, in UTC (08:00 exists on every day in every zone)."""
    return datetime.combine(day, NOTICE_TIME, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def lead_people(actions: Iterable[Action]) -> dict[int, list[User]]:
    """For each action, the active people who lead it: the person named, or the NFPs of the
    member state named in the action's mechanism (one statement for all the actions)."""
    actions = list(actions)
    states = {
        (a.body.mechanism_id, a.lead_country)
        for a in actions
        if a.lead_kind is LeadKind.MEMBER_STATE and a.lead_country
    }
    nfps: dict[tuple[int, str], list[User]] = defaultdict(list)
    if states:
        rows = db.session.execute(
            sa.select(RoleAssignment.mechanism_id, RoleAssignment.country_code, User)
            .join(User, User.id == RoleAssignment.user_id)
            .where(
                RoleAssignment.role == Role.NFP,
                RoleAssignment.mechanism_id.in_(sorted({m for m, _ in states})),
                RoleAssignment.country_code.in_(sorted({c for _, c in states})),
                User.is_active,
            )
            .order_by(User.id)
        )
        for mechanism_id, country, user in rows:
            nfps[(mechanism_id, country)].append(user)
    leads: dict[int, list[User]] = {}
    for a in actions:
        if a.lead_kind is LeadKind.PERSON:
            user = a.lead_user
            leads[a.id] = [user] if user is not None and user.is_active else []
        elif a.lead_kind is LeadKind.MEMBER_STATE and a.lead_country:
            leads[a.id] = nfps.get((a.body.mechanism_id, a.lead_country), [])
        else:
            leads[a.id] = []
    return leads


def body_staff(bodies: Iterable[Body]) -> dict[int, list[User]]:
    """For each body, its active staff: its mechanism's secretariat and its own managers,
    each once, by account id (one statement for all the bodies)."""
    bodies = list(bodies)
    if not bodies:
        return {}
    rows = db.session.execute(
        sa.select(RoleAssignment.role, RoleAssignment.mechanism_id, RoleAssignment.body_id, User)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            User.is_active,
            sa.or_(
                sa.and_(
                    RoleAssignment.role == Role.SECRETARIAT,
                    RoleAssignment.mechanism_id.in_(sorted({b.mechanism_id for b in bodies})),
                ),
                sa.and_(
                    RoleAssignment.role == Role.BODY_MANAGER,
                    RoleAssignment.body_id.in_(sorted(b.id for b in bodies)),
                ),
            ),
        )
        .order_by(User.id)
    ).all()
    staff: dict[int, list[User]] = {}
    for body in bodies:
        people: dict[int, User] = {}
        for role, mechanism_id, body_id, user in rows:
            if (role is Role.SECRETARIAT and mechanism_id == body.mechanism_id) or (
                role is Role.BODY_MANAGER and body_id == body.id
            ):
                people.setdefault(user.id, user)
        staff[body.id] = list(people.values())
    return staff


# -- Planning the leads' and the staff's notices -------------------------------------------


def _soon_days() -> list[int]:
    return sorted({int(d) for d in current_app.config["ACTION_DUE_SOON_DAYS"] if int(d) > 0})


def _escalate_days() -> int:
    return max(1, int(current_app.config["ACTION_ESCALATE_DAYS"]))


@planner(ACTION_DUE_SOON, ACTION_OVERDUE)
def plan_action_notices(now: datetime):
    soon, escalate = _soon_days(), _escalate_days()
    first = now.date() - timedelta(days=escalate + KEEP_PLANNING_DAYS)
    last = now.date() + timedelta(days=max(soon, default=0) + PLAN_AHEAD_DAYS)
    actions = db.session.scalars(
        sa.select(Action)
        .where(_open(), Action.due_end.is_not(None), Action.due_end.between(first, last))
        .options(joinedload(Action.body).joinedload(Body.mechanism), joinedload(Action.lead_user))
        .order_by(Action.id)
    ).all()
    if not actions:
        return
    leads = lead_people(actions)
    staff = body_staff({a.body_id: a.body for a in actions}.values())
    for action in actions:
        due_end, mechanism = action.due_end, action.body.mechanism
        for user in leads[action.id]:
            zone = _zone(user, mechanism)
            for days in soon:
                yield from _owed(
                    action,
                    f"action-due-soon:{action.id}:{user.id}:{days}d:{due_end.isoformat()}",
                    ACTION_DUE_SOON,
                    user,
                    _at(due_end - timedelta(days=days), zone),
                    {"action_id": action.id, "days": days},
                )
            yield from _owed(
                action,
                f"action-overdue:{action.id}:lead:{user.id}:{due_end.isoformat()}",
                ACTION_OVERDUE,
                user,
                _at(due_end + timedelta(days=1), zone),
                {"action_id": action.id, "stage": "lead"},
            )
        for user in staff[action.body_id]:
            yield from _owed(
                action,
                f"action-overdue:{action.id}:staff:{user.id}:{due_end.isoformat()}",
                ACTION_OVERDUE,
                user,
                _at(due_end + timedelta(days=escalate), _zone(user, mechanism)),
                {"action_id": action.id, "stage": "staff", "days": escalate},
            )


def _owed(action: Action, key: str, kind: str, user: User, due: datetime, payload: dict):
    # A notice that fell due before the action was recorded is not owed to anyone.
    if due >= action.created_at:
        yield Planned(
            key=key, kind=kind, recipient=user.email, due_at=due, user_id=user.id, payload=payload
        )


# -- When due: does it still apply ---------------------------------------------------------


def _action(row: Notification) -> Action | None:
    action_id = (row.payload or {}).get("action_id")
    return db.session.get(Action, action_id) if action_id is not None else None


def _closed_or_moved(action: Action | None, row: Notification) -> str | None:
    if action is None:
        return "The action was deleted."
    if action.status is ActionStatus.COMPLETED:
        return "The action is completed."
    if action.status is ActionStatus.DROPPED:
        return "The action was dropped."
    if action.due_end is None:
        return "The action no longer has a due date."
    if action.due_end.isoformat() != row.key.rsplit(":", 1)[-1]:
        return "The due date moved; a notice for the new date is planned."
    return None


def _still_leads(user: User | None, action: Action) -> str | None:
    if user is None or not user.is_active:
        return "The person's account is closed."
    viewer = principal_for(user)
    if not leads_action(viewer, action):
        return "The person no longer leads the action."
    if not can_view_action(viewer, action):
        return "The person may no longer see the action."
    return None


def _still_staff(user: User | None, body: Body) -> str | None:
    if user is None or not user.is_active:
        return "The person's account is closed."
    if not principal_for(user).is_body_staff(body.mechanism_id, body.id):
        return "The person is no longer on the body's staff."
    return None


def _nearer_reminder_due(row: Notification, action: Action, now: datetime) -> bool:
    """Caught up after a pause, the 14-day and 1-day reminders are both due: send one."""
    return db.session.scalar(
        sa.select(
            sa.exists().where(
                Notification.kind == ACTION_DUE_SOON,
                Notification.key.like(f"action-due-soon:{action.id}:{row.user_id}:%"),
                Notification.due_at > row.due_at,
                Notification.due_at <= now,
                Notification.status.in_((NotificationStatus.PLANNED, NotificationStatus.CLAIMED)),
            )
        )
    )


def due_soon_applies(row: Notification, now: datetime) -> str | None:
    action = _action(row)
    moot = _closed_or_moved(action, row)
    if moot:
        return moot
    if in_zone(now, _row_zone(row, action.body.mechanism)).date() > action.due_end:
        return "Too late: the due date has passed (the overdue notice follows)."
    if _nearer_reminder_due(row, action, now):
        return "Superseded: a nearer reminder for the same action is due too."
    return _still_leads(row.user, action)


def overdue_applies(row: Notification, now: datetime) -> str | None:
    action = _action(row)
    moot = _closed_or_moved(action, row)
    if moot:
        return moot
    if (row.payload or {}).get("stage") == "staff":
        return _still_staff(row.user, action.body)
    return _still_leads(row.user, action)


# -- How they read -------------------------------------------------------------------------


def _short(text: str, limit: int = SUBJECT_TITLE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def named(action: Action, limit: int | None = None) -> str:
    """ "1-1-3 Hold a regional workshop": its item, then its title."""
    title = _short(action.title, limit) if limit else action.title
    return f"{action.item} {title}" if action.item else title


def action_url(action: Action) -> str:
    return absolute_url("actions.detail", action_id=action.id)


def _lead_as(row: Notification, action: Action) -> str:
    """How the reader leads it: "" for the person named, "as the NFP of Japan" otherwise."""
    if action.lead_kind is LeadKind.MEMBER_STATE and action.lead_country:
        name = country_name(action.lead_country) or action.lead_country
        return f" (as National Focal Point of {name})"
    return ""


def source_of(action: Action, viewer: Principal) -> str:
    """The meeting and the document it comes from, as the viewer may name them: a source
    they may not see (a restricted meeting, a draft) is left out."""
    parts = []
    if action.meeting is not None and can_view_meeting(viewer, action.meeting):
        parts.append(action.meeting.title)
    if action.document is not None and can_view_document(viewer, action.document):
        document = action.document
        parts.append(f"{document.symbol} {document.title}" if document.symbol else document.title)
    return ", ".join(parts)


def _context(row: Notification, action: Action) -> dict:
    zone = _row_zone(row, action.body.mechanism)
    today = in_zone(utcnow(), zone).date()
    return {
        "action": action,
        "named": named(action),
        "body": f"{action.body.name} ({action.body.mechanism.short_name})",
        "source": source_of(action, principal_for(row.user)),
        "lead_as": _lead_as(row, action),
        "today": today,
        "zone": zone,
        "url": action_url(action),
    }


def render_due_soon(row: Notification, _context_: dict) -> Rendered:
    action = _action(row)
    context = _context(row, action)
    when = days_label((action.due_end - context["today"]).days)
    text = render_template("notifications/emails/action_due_soon.txt", when=when, **context)
    return Rendered(f"Due {when}: {named(action, SUBJECT_TITLE)}", text)


def render_overdue(row: Notification, _context_: dict) -> Rendered:
    action = _action(row)
    context = _context(row, action)
    late = max(1, (context["today"] - action.due_end).days)
    if (row.payload or {}).get("stage") == "staff":
        last = action.updates[-1] if action.updates else None
        last_on = in_zone(last.at, context["zone"]).date() if last else None
        text = render_template(
            "notifications/emails/action_overdue_escalated.txt",
            late=late,
            last=last,
            last_on=last_on,
            **context,
        )
        subject = f"Still open {late} days after its due date: {named(action, SUBJECT_TITLE)}"
        return Rendered(subject, text)
    text = render_template("notifications/emails/action_overdue.txt", late=late, **context)
    return Rendered(f"Overdue: {named(action, SUBJECT_TITLE)}", text)


register(
    Kind(
        name=ACTION_DUE_SOON,
        label="Actions due soon",
        description="To the lead of a follow-up action (the person named, or the National "
        "Focal Points of the member state named), usually 14 days and 1 day before it is due.",
        audience="Action leads",
        render=render_due_soon,
        still_applies=due_soon_applies,
    )
)
register(
    Kind(
        name=ACTION_OVERDUE,
        label="Overdue actions",
        description="To the lead of a follow-up action the day after it was due, if it is "
        "still open; to the body's secretariat and managers if it still is two weeks after.",
        audience="Action leads, secretariat and body managers",
        render=render_overdue,
        still_applies=overdue_applies,
    )
)


# -- The weekly summary to the body's staff ------------------------------------------------


def overdue_of(body_id: int, today: date) -> list[Action]:
    """The body's open actions whose due date passed before `today`, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Action)
            .where(Action.body_id == body_id, _late_since_recorded(today))
            .options(selectinload(Action.lead_user), selectinload(Action.due_meeting))
            .order_by(Action.due_end, Action.position, Action.id)
        )
    )


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@planner(ACTION_OVERDUE_SUMMARY)
def plan_overdue_summaries(now: datetime):
    # Overdue by next Monday (in any zone): the earliest due date of each body's open actions.
    earliest = dict(
        db.session.execute(
            sa.select(Action.body_id, sa.func.min(Action.due_end))
            .where(_late_since_recorded(now.date() + timedelta(days=9)))
            .group_by(Action.body_id)
        ).all()
    )
    if not earliest:
        return
    bodies = db.session.scalars(
        sa.select(Body)
        .where(Body.id.in_(sorted(earliest)))
        .options(joinedload(Body.mechanism))
        .order_by(Body.id)
    ).all()
    staff = body_staff(bodies)
    for body in bodies:
        for user in staff[body.id]:
            zone = _zone(user, body.mechanism)
            today = in_zone(now, zone).date()
            monday = today - timedelta(days=today.weekday())
            # This week's (a sweep may not have reached it yet) and next week's.
            for start in (monday, monday + timedelta(days=7)):
                if earliest[body.id] >= start:
                    continue  # nothing of the body will be overdue that Monday
                yield Planned(
                    key=f"action-overdue-summary:{body.id}:{user.id}:{_week(start)}",
                    kind=ACTION_OVERDUE_SUMMARY,
                    recipient=user.email,
                    due_at=_at(start, zone),
                    user_id=user.id,
                    payload={"body_id": body.id, "week": _week(start)},
                )


def _summary_body(row: Notification) -> Body | None:
    body_id = (row.payload or {}).get("body_id")
    return db.session.get(Body, body_id) if body_id is not None else None


def summary_applies(row: Notification, now: datetime) -> str | None:
    body = _summary_body(row)
    if body is None:
        return "The body was deleted."
    if row.created_at > row.due_at:
        return "Planned after its Monday: next week's summary will list the body's actions."
    if now >= row.due_at + timedelta(days=7):
        return "Too late: a newer weekly summary is due."
    moot = _still_staff(row.user, body)
    if moot:
        return moot
    today = in_zone(now, _row_zone(row, body.mechanism)).date()
    if not db.session.scalar(
        sa.select(sa.exists().where(Action.body_id == body.id, _late_since_recorded(today)))
    ):
        return "No action of the body is overdue any more."
    return None


def render_summary(row: Notification, _context_: dict) -> Rendered:
    body = _summary_body(row)
    today = in_zone(utcnow(), _row_zone(row, body.mechanism)).date()
    items = [
        {
            "action": a,
            "named": named(a),
            "late": (today - a.due_end).days,
            "url": action_url(a),
        }
        for a in overdue_of(body.id, today)
    ]
    text = render_template(
        "notifications/emails/action_overdue_summary.txt",
        body=body,
        items=items,
        week=(row.payload or {}).get("week", _week(today)),
        today=today,
    )
    noun = "action" if len(items) == 1 else "actions"
    subject = f"{len(items)} overdue {noun}: {body.name} ({body.mechanism.short_name})"
    return Rendered(subject, text)


register(
    Kind(
        name=ACTION_OVERDUE_SUMMARY,
        label="Weekly overdue actions summary",
        description="Every Monday morning, to the secretariat and the body's managers: the "
        "body's follow-up actions past their due date and still open.",
        audience="Secretariat and body managers",
        render=render_summary,
        still_applies=summary_applies,
    )
)
