"""What a person follows, as they may see it now: for their calendar page and the pages' buttons."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from meetings.access.policies import body_visible, meeting_visible
from meetings.access.principal import Principal
from meetings.accounts.models import User
from meetings.bodies.models import Body
from meetings.calendars.models import Follow
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.schedule.models import Meeting
from meetings.schedule.services import meeting_options


@dataclass(frozen=True)
class Followed:
    bodies: list[Body]
    meetings: list[Meeting]


def followed(user: User, viewer: Principal) -> Followed:
    """The bodies and meetings the person follows, leaving out what they may no longer see."""
    bodies = (
        sa.select(Body)
        .join(Follow, Follow.body_id == Body.id)
        .join(Body.mechanism)
        .where(Follow.user_id == user.id, body_visible(viewer))
        .options(joinedload(Body.mechanism))
        .order_by(Mechanism.name, Body.name)
    )
    meetings = (
        sa.select(Meeting)
        .join(Follow, Follow.meeting_id == Meeting.id)
        .join(Meeting.body)
        .join(Body.mechanism)
        .where(Follow.user_id == user.id, meeting_visible(viewer))
        .options(*meeting_options())
        .order_by(Meeting.start_date.desc(), Meeting.id)
    )
    return Followed(list(db.session.scalars(bodies)), list(db.session.scalars(meetings)))
