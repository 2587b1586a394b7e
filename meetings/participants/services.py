"""Add and remove the people taking part in a meeting."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.accounts.models import User
from meetings.accounts.services import find_user
from meetings.core.persistence import flush_or_raise
from meetings.core.validation import DomainValidationError
from meetings.extensions import db
from meetings.participants.models import Participant
from meetings.schedule.models import Meeting

ALREADY = "This person already takes part in the meeting."
UNIQUE = {
    "uq_participant_meeting_id_user_id": ("email", ALREADY),
    "participant.meeting_id, participant.user_id": ("email", ALREADY),
}


def list_participants(meeting: Meeting) -> list[Participant]:
    """The meeting's participants with their accounts, by email, in one statement."""
    stmt = (
        sa.select(Participant)
        .join(Participant.user)
        .options(joinedload(Participant.user))
        .where(Participant.meeting_id == meeting.id)
    )
    return list(db.session.scalars(stmt.order_by(User.email)))


def get_participant(participant_id: int) -> Participant | None:
    return db.session.get(Participant, participant_id)


def add_participant(meeting: Meeting, email: str) -> Participant:
    """List the account with this email address as taking part in the meeting."""
    user = find_user(email)
    if user is None:
        raise DomainValidationError({"email": "No account has this email address."})
    taken = sa.select(Participant.id).filter_by(meeting_id=meeting.id, user_id=user.id)
    if db.session.scalar(taken) is not None:
        raise DomainValidationError({"email": ALREADY})
    participant = Participant(meeting_id=meeting.id, user=user)
    db.session.add(participant)
    flush_or_raise(UNIQUE)
    return participant


def remove_participant(participant: Participant) -> None:
    db.session.delete(participant)
    db.session.flush()
