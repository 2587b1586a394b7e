"""JSON shapes of a meeting's notification log and of one's own email settings."""

import marshmallow as ma

from meetings.core.api import InputSchema, PageQuerySchema, page_schema
from meetings.core.timezones import is_timezone
from meetings.mail.models import MessageStatus
from meetings.notifications import kinds
from meetings.notifications.log import Outcome
from meetings.notifications.models import Mode, NotificationStatus

MODES = ", ".join(m.value for m in Mode)
OUTCOMES = ", ".join(o.value for o in Outcome)


class NotificationQuerySchema(PageQuerySchema):
    status = ma.fields.String(
        validate=ma.validate.OneOf(
            [o.value for o in Outcome], error=f"Unknown status {{input!r}}: use one of {OUTCOMES}."
        ),
        metadata={"description": f"Only this outcome: {OUTCOMES}."},
    )


class NotificationMessageSchema(ma.Schema):
    """The email that carried the notification (alone, or in a daily digest)."""

    status = ma.fields.Enum(MessageStatus, by_value=True)
    attempts = ma.fields.Integer()
    sent_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "UTC"})
    last_error = ma.fields.String(metadata={"description": "The mail server's last reply."})


class NotificationLogSchema(ma.Schema):
    """A notification as the meeting's log shows it."""

    id = ma.fields.Integer(attribute="notification.id")
    kind = ma.fields.String(attribute="notification.kind")
    kind_label = ma.fields.String()
    recipient = ma.fields.String(attribute="notification.recipient")
    registration_id = ma.fields.Integer(attribute="notification.registration_id", allow_none=True)
    due_at = ma.fields.AwareDateTime(
        attribute="notification.due_at", metadata={"description": "UTC"}
    )
    due_at_venue = ma.fields.AwareDateTime(
        attribute="due_venue", metadata={"description": "due_at in the venue's time zone"}
    )
    status = ma.fields.Enum(NotificationStatus, by_value=True, attribute="notification.status")
    outcome = ma.fields.Enum(
        Outcome, by_value=True, metadata={"description": "What the log counts it as."}
    )
    status_label = ma.fields.String(metadata={"description": "What became of it, in words."})
    detail = ma.fields.String(
        metadata={"description": "When it was sent, the mail server's reason, the attempts."}
    )
    reason = ma.fields.String(
        attribute="notification.reason", metadata={"description": "Why not sent or failed."}
    )
    message = ma.fields.Nested(
        NotificationMessageSchema, attribute="notification.message", allow_none=True
    )
    can_retry = ma.fields.Boolean(
        metadata={"description": "Its email failed and its copy is kept: staff may send it again."}
    )


_Counts = ma.Schema.from_dict(
    {o.value: ma.fields.Integer() for o in Outcome}, name="NotificationCounts"
)
_Page = page_schema(NotificationLogSchema, "NotificationLogPageBase")


class NotificationLogPageSchema(_Page):
    counts = ma.fields.Nested(_Counts, metadata={"description": "Notifications per outcome."})
    timezone = ma.fields.String(metadata={"description": "The venue's time zone."})


class PreferencesSchema(ma.Schema):
    timezone = ma.fields.String(
        allow_none=True, metadata={"description": "IANA zone for times in emails; null: none."}
    )
    preferences = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": f"Each optional kind's mode ({MODES})."},
    )


class PreferencesInputSchema(InputSchema):
    """Set what is given: kinds left out keep their mode, a zone left out is kept."""

    timezone = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(max=64),
        metadata={"description": "IANA zone such as Asia/Bangkok; null or empty: none."},
    )
    preferences = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "description": f"Kind -> mode ({MODES}). Mandatory kinds cannot be turned off.",
            "example": {"meeting_reminder": "digest"},
        },
    )

    @ma.validates("timezone")
    def _known_zone(self, value: str | None, **_kwargs) -> None:
        if value and not is_timezone(value.strip()):
            raise ma.ValidationError(
                f"Unknown time zone {value!r}: use an IANA name such as Asia/Bangkok."
            )

    @ma.validates("preferences")
    def _known_kinds_and_modes(self, value: dict, **_kwargs) -> None:
        errors = {
            name: [problem] for name, mode in value.items() if (problem := _problem(name, mode))
        }
        if errors:
            raise ma.ValidationError(errors)


def _problem(kind_name: str, mode: str) -> str | None:
    kind = kinds.KINDS.get(kind_name)
    if kind is None:
        known = ", ".join(k.name for k in kinds.optional_kinds())
        return f"Unknown kind {kind_name!r}: use one of {known}."
    if kind.mandatory:
        return f"{kind.label} are always sent: they cannot be changed."
    if mode not in {m.value for m in Mode}:
        return f"Unknown mode {mode!r}: use one of {MODES}."
    return None
