"""Create and change follow-up actions, report progress on them, record what a meeting
concluded on them. Every function checks all its input before writing anything and raises
DomainValidationError naming each field at fault.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from meetings.access.policies import seen_wherever_body_is
from meetings.accounts.models import User
from meetings.actions.models import (
    OPEN_STATUSES,
    Action,
    ActionReview,
    ActionStatus,
    ActionUpdate,
    Conclusion,
    LeadKind,
    Recurrence,
    allowed_next,
)
from meetings.bodies.models import Body
from meetings.core.dates import DatePrecision, PartialDate, format_date_range
from meetings.core.models import utcnow
from meetings.core.validation import (
    parse_choice,
    raise_if,
    related_record,
    require,
    stripped,
    whole_number_or_invalid,
)
from meetings.documents.models import Document
from meetings.extensions import db
from meetings.mechanisms.models import ProgrammeArea
from meetings.schedule.models import Meeting
from meetings.schedule.signals import meeting_rescheduled

FIELDS = (
    "meeting_id",
    "document_id",
    "item",
    "title",
    "description",
    "lead_kind",
    "lead_organisation",
    "lead_country",
    "lead_user_id",
    "partners",
    "programme_area_id",
    "due",
    "recurrence",
    "due_meeting_id",
    "schedule_note",
    "status",
    "parent_id",
    "position",
    "source",
)


@dataclass(frozen=True)
class Due:
    """A due date or period, each end to the same precision: "2012-12-31", "2025",
    "2021/2025"."""

    start: PartialDate | None
    end: PartialDate

    @classmethod
    def parse(cls, text: str) -> "Due":
        first, _, last = str(text).strip().partition("/")
        end = PartialDate.parse(last or first)
        start = PartialDate.parse(first) if last else None
        if start is not None and start.precision != end.precision:
            raise ValueError("Give both ends of the period to the same precision: 2021/2025.")
        if start is not None and start.first_day() > end.first_day():
            raise ValueError("The period ends before it starts.")
        return cls(start, end)

    def iso(self) -> str:
        return f"{self.start.iso()}/{self.end.iso()}" if self.start else self.end.iso()


def get_action(action_id: int) -> Action | None:
    return db.session.get(Action, action_id)


def create_action(body: Body, **fields: Any) -> Action:
    action = Action(body=body)
    values = _clean(action, body, fields)
    db.session.add(action)
    _apply(action, values)
    db.session.flush()
    return action


def update_action(action: Action, author_id: int | None = None, **fields: Any) -> Action:
    """Change the fields given; a change of status is kept in the history as an update."""
    merged = {name: _current(action, name) for name in FIELDS}
    merged.update({k: v for k, v in fields.items() if k in FIELDS})
    before = action.status
    values = _clean(action, action.body, merged)
    _apply(action, values)
    if action.status is not before:
        _record_status(action, before, author_id, "Status changed with the action's details.")
    db.session.flush()
    return action


def post_update(
    action: Action,
    author_id: int | None,
    text: str = "",
    status: str | ActionStatus | None = None,
) -> ActionUpdate:
    """A progress report: a short text, and perhaps a new status (at least one of them)."""
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    new = parse_choice(ActionStatus, status) if status not in (None, "") else action.status
    require(errors, "status", new is not None, "Choose a status.")
    if new is not None:
        _check_transition(errors, action.status, new)
    require(
        errors,
        "text",
        bool(text) or new is not action.status,
        "Say what progressed, or change the status.",
    )
    require(errors, "text", len(text) <= 10_000, "At most 10,000 characters.")
    raise_if(errors)
    update = _record_status(action, action.status, author_id, text, new)
    db.session.flush()
    return update


def record_review(
    action: Action,
    meeting: Meeting,
    conclusion: str | Conclusion,
    note: str = "",
    new_due: str | None = None,
    by_id: int | None = None,
) -> ActionReview:
    """What the meeting concluded on the action; recorded again, it replaces that meeting's
    earlier conclusion (the history of other meetings is untouched)."""
    errors: dict[str, list[str]] = {}
    chosen = parse_choice(Conclusion, conclusion)
    require(
        errors, "conclusion", chosen is not None, "Choose noted, extended, closed or carried over."
    )
    require(
        errors,
        "meeting_id",
        meeting.body_id == action.body_id,
        f"Only a meeting of {action.body.short_name} reviews this action.",
    )
    require(
        errors,
        "meeting_id",
        meeting.has_begun(),
        f"{meeting.title} has not begun ({meeting.dates_label}, {meeting.status.value}): "
        "a meeting concludes on an action once it is under way.",
    )
    earlier = db.session.scalar(
        sa.select(ActionReview).where(
            ActionReview.action_id == action.id, ActionReview.meeting_id == meeting.id
        )
    )
    # Recorded again, the conclusion is judged against the action as the meeting found it:
    # an extension this meeting made is undone first, so the due date it replaced is kept.
    before = _due_before(action, earlier)
    require(
        errors,
        "conclusion",
        not (
            earlier is not None
            and earlier.conclusion is Conclusion.CLOSED
            and chosen is not Conclusion.CLOSED
            and action.status is ActionStatus.COMPLETED
        ),
        f"{meeting.title} closed this action: reopen it (progress with a status such as "
        "on track) before recording another conclusion.",
    )
    due: Due | None = None
    if chosen is Conclusion.EXTENDED:
        require(
            errors,
            "conclusion",
            action.is_open,
            f"A {action.status_label.lower()} action is reopened before it is extended.",
        )
        require(
            errors,
            "new_due",
            before[0] is not None,
            "It has no due date to extend: give it one by editing the action.",
        )
        try:
            due = Due.parse(new_due or "")
        except ValueError as exc:
            errors.setdefault("new_due", []).append(str(exc))
        if due is not None and before[0] is not None:
            require(
                errors,
                "new_due",
                due.end.last_day() > before[0],
                f"Extend beyond the due date before this meeting ({_due_text(*before)}).",
            )
    elif new_due:
        errors.setdefault("new_due", []).append("A new due date goes with “Extended” only.")
    if chosen is Conclusion.CLOSED:
        _check_transition(errors, action.status, ActionStatus.COMPLETED, field="conclusion")
    raise_if(errors)
    if earlier is not None and earlier.conclusion is Conclusion.EXTENDED and due is None:
        _set_due(action, _due_of(*before))  # this meeting no longer extends it
    review = earlier or ActionReview(action=action, meeting=meeting)
    review.conclusion, review.note, review.by_id, review.at = (
        chosen,
        (note or "").strip(),
        by_id,
        utcnow(),
    )
    review.previous_due_end, review.previous_due_precision = before
    review.new_due_end, review.new_due_precision = None, None
    if due is not None:
        review.new_due_end, review.new_due_precision = due.end.last_day(), due.end.precision
        _set_due(action, due)
        action.due_meeting_id = None
    if chosen is Conclusion.CLOSED and action.status is not ActionStatus.COMPLETED:
        _record_status(
            action, action.status, by_id, f"Closed by {meeting.title}.", ActionStatus.COMPLETED
        )
    db.session.add(review)
    db.session.flush()
    return review


def _due_before(action: Action, earlier: ActionReview | None) -> tuple:
    """(last day, precision) of the due date before the meeting: the one an extension of
    the meeting's earlier record replaced, while the action still carries that extension."""
    if (
        earlier is not None
        and earlier.conclusion is Conclusion.EXTENDED
        and (action.due_end, action.due_precision)
        == (earlier.new_due_end, earlier.new_due_precision)
    ):
        return earlier.previous_due_end, earlier.previous_due_precision
    return action.due_end, action.due_precision


def _due_of(last_day: date | None, precision: DatePrecision | None) -> "Due | None":
    if last_day is None or precision is None:
        return None
    return Due(None, PartialDate.from_bounds(last_day, precision))


def _due_text(last_day: date, precision: DatePrecision | None) -> str:
    return format_date_range(last_day, last_day, precision or DatePrecision.DAY)


@meeting_rescheduled.connect
def _meeting_moved(meeting: Meeting, changes: list) -> None:
    follow_meeting(meeting)


def follow_meeting(meeting: Meeting) -> int:
    """Move the due dates tied to the meeting to its (new) end; how many moved."""
    moved = 0
    for action in db.session.scalars(sa.select(Action).where(Action.due_meeting_id == meeting.id)):
        action.due_start, action.due_end = None, meeting.end_date
        action.due_precision = meeting.date_precision
        moved += 1
    return moved


# ---- cleaning ---------------------------------------------------------------------------------


def _current(action: Action, name: str) -> Any:
    if name == "due":
        if action.due_meeting_id is not None or action.due_end is None:
            return None
        end = PartialDate.from_bounds(action.due_end, action.due_precision)
        start = (
            PartialDate.from_bounds(action.due_start, action.due_precision)
            if action.due_start
            else None
        )
        return Due(start, end).iso()
    value = getattr(action, name)
    return value.value if hasattr(value, "value") else value


def _clean(action: Action, body: Body, fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    mechanism = body.mechanism
    v: dict[str, Any] = {}
    v["title"] = stripped(fields.get("title"))
    require(errors, "title", bool(v["title"]), "Say what is to be done.")
    require(errors, "title", len(v["title"]) <= 1000, "At most 1,000 characters.")
    for name, limit in (("item", 120), ("lead_organisation", 300), ("schedule_note", 300)):
        v[name] = stripped(fields.get(name))
        require(errors, name, len(v[name]) <= limit, f"At most {limit} characters.")
    for name in ("description", "partners", "source"):
        v[name] = stripped(fields.get(name))
    position = whole_number_or_invalid(fields.get("position"))
    require(errors, "position", position != "invalid", "A whole number.")
    v["position"] = position if isinstance(position, int) else 0

    meeting = related_record(errors, "meeting_id", fields, Meeting, "meeting")
    if meeting is not None:
        require(
            errors,
            "meeting_id",
            meeting.body.mechanism_id == mechanism.id,
            f"Choose a meeting of {mechanism.short_name}.",
        )
    v["meeting_id"] = meeting.id if meeting else None
    document = related_record(errors, "document_id", fields, Document, "document")
    if document is not None:
        require(
            errors,
            "document_id",
            document.deleted_at is None and document.body.mechanism_id == mechanism.id,
            f"Choose a document of {mechanism.short_name}.",
        )
    v["document_id"] = document.id if document else None
    area = related_record(errors, "programme_area_id", fields, ProgrammeArea, "programme area")
    if area is not None:
        require(
            errors,
            "programme_area_id",
            area.mechanism_id == mechanism.id,
            f"Choose a programme area of {mechanism.short_name}.",
        )
    v["programme_area_id"] = area.id if area else None

    _clean_lead(errors, v, fields, mechanism)
    _clean_due(errors, v, fields, body, meeting or (document.meeting if document else None))
    _clean_status(errors, v, action, fields)
    _clean_parent(errors, v, action, body, fields)
    raise_if(errors)
    return v


def _clean_lead(errors: dict, v: dict, fields: dict, mechanism) -> None:
    kind = parse_choice(LeadKind, fields.get("lead_kind")) if fields.get("lead_kind") else None
    require(
        errors,
        "lead_kind",
        kind is not None or not fields.get("lead_kind"),
        "Choose an organisation, a member state or a person.",
    )
    v["lead_kind"], v["lead_country"], v["lead_user_id"] = kind, None, None
    if kind is LeadKind.ORGANISATION:
        require(errors, "lead_organisation", bool(v["lead_organisation"]), "Name the organisation.")
    elif kind is LeadKind.MEMBER_STATE:
        country = stripped(fields.get("lead_country")).upper()
        require(
            errors,
            "lead_country",
            country in mechanism.country_codes,
            f"Choose a member state of {mechanism.short_name}: "
            + ", ".join(mechanism.country_codes)
            + ".",
        )
        v["lead_country"] = country or None
    elif kind is LeadKind.PERSON:
        user = related_record(errors, "lead_user_id", fields, User, "person")
        require(errors, "lead_user_id", user is not None, "Choose the person who leads it.")
        if user is not None:
            require(errors, "lead_user_id", user.is_active, "That person has no active account.")
        v["lead_user_id"] = user.id if user else None


def _clean_due(errors: dict, v: dict, fields: dict, body: Body, source: Meeting | None) -> None:
    due, text = None, fields.get("due")
    if isinstance(text, Due):
        due = text
    elif text not in (None, ""):
        try:
            due = Due.parse(text)
        except ValueError as exc:
            errors.setdefault("due", []).append(str(exc))
    due_meeting = related_record(errors, "due_meeting_id", fields, Meeting, "meeting")
    if due_meeting is not None:
        require(
            errors,
            "due_meeting_id",
            due_meeting.body.mechanism_id == body.mechanism_id,
            f"Choose a meeting of {body.mechanism.short_name}.",
        )
        require(
            errors,
            "due_meeting_id",
            due_meeting.body.mechanism_id != body.mechanism_id
            or seen_wherever_body_is(due_meeting, body),
            f"{due_meeting.title} is hidden from some who see the actions of "
            f"{body.short_name}: tie the due date to a meeting they may all see.",
        )
        require(
            errors,
            "due",
            due is None,
            "Give a due date or tie it to a meeting, not both.",
        )
        due = Due(None, PartialDate.from_bounds(due_meeting.end_date, due_meeting.date_precision))
    recurrence = fields.get("recurrence")
    v["recurrence"] = parse_choice(Recurrence, recurrence) if recurrence else None
    require(
        errors,
        "recurrence",
        v["recurrence"] is not None or not recurrence,
        "Choose annually, twice a year or every two years.",
    )
    if due is not None and source is not None:
        require(
            errors,
            "due_meeting_id" if due_meeting is not None else "due",
            due.end.last_day() >= source.start_date,
            f"Due before its source meeting ({source.title}, {source.dates_label}).",
        )
    v["due"], v["due_meeting_id"] = due, due_meeting.id if due_meeting else None


def _clean_status(errors: dict, v: dict, action: Action, fields: dict) -> None:
    status = parse_choice(ActionStatus, fields.get("status") or "not_started")
    require(errors, "status", status is not None, "Choose a status.")
    if status is not None and action.id is not None:
        _check_transition(errors, action.status, status)
    v["status"] = status


def _check_transition(
    errors: dict, current: ActionStatus, new: ActionStatus, field: str = "status"
) -> None:
    if new not in allowed_next(current):
        require(
            errors,
            field,
            False,
            f"A {current.value.replace('_', ' ')} action is reopened (not started or on track) "
            f"before it is {new.value.replace('_', ' ')}.",
        )


def _clean_parent(errors: dict, v: dict, action: Action, body: Body, fields: dict) -> None:
    parent = related_record(errors, "parent_id", fields, Action, "action")
    if parent is not None:
        require(
            errors,
            "parent_id",
            parent.body_id == body.id,
            f"Choose an action of {body.short_name}.",
        )
        seen, current = set(), parent
        while current is not None and current.id not in seen:
            seen.add(current.id)
            current = current.parent
        require(
            errors,
            "parent_id",
            action.id is None or action.id not in seen,
            "That action is already a sub-action of this one.",
        )
    v["parent_id"] = parent.id if parent else None


def _set_due(action: Action, due: Due | None) -> None:
    if due is None:
        action.due_start = action.due_end = action.due_precision = None
        return
    action.due_start = due.start.first_day() if due.start else None
    action.due_end = due.end.last_day()
    action.due_precision = due.end.precision


def _apply(action: Action, v: dict[str, Any]) -> None:
    due = v.pop("due")
    if action.status is not v["status"]:
        action.status_changed_at = utcnow()
    for name, value in v.items():
        setattr(action, name, value)
    _set_due(action, due)


def _record_status(
    action: Action,
    before: ActionStatus,
    author_id: int | None,
    text: str,
    after: ActionStatus | None = None,
) -> ActionUpdate:
    after = after or action.status
    if after is not action.status:
        action.status, action.status_changed_at = after, utcnow()
    update = ActionUpdate(
        action=action, author_id=author_id, status_before=before, status_after=after, text=text
    )
    db.session.add(update)
    return update


def overdue(today: date) -> sa.ColumnElement[bool]:
    """Open actions whose due date has passed, as SQL."""
    return sa.and_(Action.status.in_([s.value for s in OPEN_STATUSES]), Action.due_end < today)
