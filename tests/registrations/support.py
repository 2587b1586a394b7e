"""Meetings with registration open, and people to register, for the registration tests."""

from datetime import UTC, datetime, timedelta

from meetings.extensions import db
from meetings.registrations import services
from tests import factories


def open_meeting(mech=None, now: datetime | None = None, **settings):
    """A meeting whose registration is open at `now`, to the public, without approval."""
    now = now or datetime.now(UTC)
    meeting = factories.meeting(factories.body(mech) if mech else None)
    values = {
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "categories": ["delegation", "ngo", "observer"],
        "capacity": None,
        "delegation_quota": None,
        "needs_approval": False,
        "open_to_public": True,
        **settings,
    }
    services.save_settings(meeting, **values)
    db.session.commit()
    return meeting


def person(n: int, **fields) -> dict:
    return {"name": f"Person {n}", "email": f"p{n}@example.org", "category": "ngo", **fields}
