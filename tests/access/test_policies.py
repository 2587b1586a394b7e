"""Who sees what: the rules for one object and the SQL for lists must agree, role by role."""

import pytest
import sqlalchemy as sa

from meetings.access import policies
from meetings.access.principal import ANONYMOUS, principal_for
from meetings.bodies.models import Body
from meetings.core.validation import DomainValidationError
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism
from meetings.participants.models import Participant
from meetings.schedule.models import Meeting, Session
from tests import factories


@pytest.fixture
def world(db):
    """Two mechanisms, bodies and meetings at every protection level, and one person per role."""
    m = factories.mechanism(slug="m", short_name="M", member_states="CN JP KR")
    closed = factories.mechanism(slug="n", short_name="N", visibility="members")
    som = factories.body(m, slug="som")
    nfp_meetings = factories.body(m, slug="nfp", short_name="NFP", visibility="secretariat")
    n_body = factories.body(closed, slug="n-body", short_name="NB")
    meetings = {
        level or "inherit": factories.meeting(som, number=i, title=f"SOM {level}", visibility=level)
        for i, level in enumerate(["", "public", "members", "participants", "secretariat"], 1)
    }
    meetings["nfp-body"] = factories.meeting(nfp_meetings, number=1, title="NFP-1")
    meetings["closed-mechanism"] = factories.meeting(n_body, number=1, title="NB-1")
    people = {
        "anonymous": None,
        "delegate": factories.delegate_of(m),
        "nfp": factories.nfp_of(m, "JP"),
        "manager": factories.manager_of(som),
        "secretariat": factories.secretariat_of(m),
        "other secretariat": factories.secretariat_of(closed),
        "admin": factories.admin(),
        "participant": factories.user(),
    }
    db.session.add(
        Participant(meeting_id=meetings["participants"].id, user_id=people["participant"].id)
    )
    db.session.commit()
    return meetings, people


# Which meetings each person sees (by the keys of the world's meetings).
SEES = {
    "anonymous": {"inherit", "public"},
    "delegate": {"inherit", "public", "members"},
    "nfp": {"inherit", "public", "members"},
    "manager": {"inherit", "public", "members", "participants", "secretariat"},
    "secretariat": {"inherit", "public", "members", "participants", "secretariat", "nfp-body"},
    "other secretariat": {"inherit", "public", "closed-mechanism"},
    "admin": {
        "inherit",
        "public",
        "members",
        "participants",
        "secretariat",
        "nfp-body",
        "closed-mechanism",
    },
    "participant": {"inherit", "public", "participants"},
}


def _principal(user):
    return principal_for(user) if user is not None else ANONYMOUS


def _listed_meetings(p) -> set[int]:
    stmt = sa.select(Meeting.id).join(Meeting.body).join(Body.mechanism)
    return set(db.session.scalars(stmt.where(policies.meeting_visible(p))))


@pytest.mark.parametrize("who", list(SEES))
def test_meetings_each_role_sees(world, who):
    meetings, people = world
    p = _principal(people[who])
    by_rule = {key for key, m in meetings.items() if policies.can_view_meeting(p, m)}
    assert by_rule == SEES[who]
    assert _listed_meetings(p) == {meetings[key].id for key in SEES[who]}


@pytest.mark.parametrize("who", list(SEES))
def test_bodies_and_mechanisms_lists_agree_with_the_rules(world, who):
    _, people = world
    p = _principal(people[who])
    bodies = db.session.scalars(sa.select(Body).join(Body.mechanism)).all()
    listed = set(
        db.session.scalars(sa.select(Body.id).join(Body.mechanism).where(policies.body_visible(p)))
    )
    assert listed == {b.id for b in bodies if policies.can_view_body(p, b)}
    mechanisms = db.session.scalars(sa.select(Mechanism)).all()
    listed = set(db.session.scalars(sa.select(Mechanism.id).where(policies.mechanism_visible(p))))
    assert listed == {m.id for m in mechanisms if policies.can_view_mechanism(p, m)}


@pytest.mark.parametrize("who", list(SEES))
def test_sessions_lists_agree_with_the_rules(world, who):
    meetings, people = world
    for level in ["", "members", "participants", "secretariat"]:
        factories.session(meetings["public"], title=f"Session {level}", visibility=level)
    p = _principal(people[who])
    sessions = db.session.scalars(sa.select(Session)).all()
    stmt = sa.select(Session.id).join(Session.meeting).join(Meeting.body).join(Body.mechanism)
    listed = set(db.session.scalars(stmt.where(policies.session_visible(p))))
    assert listed == {s.id for s in sessions if policies.can_view_session(p, s)}
    assert len(listed) == {"anonymous": 1, "other secretariat": 1}.get(who, len(listed))


def test_only_staff_of_the_body_manage_its_meetings(world):
    meetings, people = world
    som = meetings["public"].body
    managing = {who for who, u in people.items() if policies.can_manage_body(_principal(u), som)}
    assert managing == {"manager", "secretariat", "admin"}
    other = meetings["nfp-body"].body
    managing = {who for who, u in people.items() if policies.can_manage_body(_principal(u), other)}
    assert managing == {"secretariat", "admin"}


def test_a_mechanism_cannot_be_restricted_to_participants(db):
    with pytest.raises(DomainValidationError) as caught:
        factories.mechanism(visibility="participants")
    assert list(caught.value.errors) == ["visibility"]
