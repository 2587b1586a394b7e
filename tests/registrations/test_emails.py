"""The messages of registration, as the person reads them."""

from datetime import UTC, datetime, timedelta

from meetings.extensions import db
from meetings.registrations import emails, services
from tests import factories


def _meeting(**settings):
    meeting = factories.meeting(title="CAECF 2026", city="Nanning", country_code="CN")
    now = datetime.now(UTC)
    values = {
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "categories": ["delegation", "ngo"],
        "needs_approval": False,
        "open_to_public": True,
        **settings,
    }
    services.save_settings(meeting, **values)
    db.session.commit()
    return meeting


def test_confirmation_message_names_the_meeting_and_carries_the_link(app, smtp_server):
    meeting = _meeting()
    new = services.register(meeting, name="Ms Lin", email="lin@example.org", category="ngo")
    with app.test_request_context():
        emails.send_confirmation_link(new.registration, new.secret)
    db.session.commit()
    (message,) = smtp_server
    body = message.get_content()
    assert message["Subject"] == "Confirm your registration: CAECF 2026"
    assert body.startswith("Hello Ms Lin,")
    assert "CAECF 2026" in body and "Nanning" in body
    assert f"http://meetings.test/registrations/confirm/{new.secret}" in body


def test_nomination_message_gives_status_and_delegation(app, smtp_server):
    meeting = _meeting()
    new = services.register(
        meeting,
        source="nomination",
        name="Mr Wang",
        email="wang@example.org",
        category="delegation",
        delegation_country="CN",
    )
    with app.test_request_context():
        emails.send_status(new.registration, "nominated")
    db.session.commit()
    (message,) = smtp_server
    body = message.get_content()
    assert message["Subject"] == "Nomination received: CAECF 2026"
    assert "Your National Focal Point nominated you." in body
    assert "Status: Confirmed" in body
    assert "Delegation: China" in body
    assert "http://meetings.test/account/meetings" in body


def test_nothing_is_sent_when_the_change_is_rolled_back(app, smtp_server):
    meeting = _meeting()
    new = services.register(meeting, name="Ms Lin", email="lin@example.org", category="ngo")
    with app.test_request_context():
        emails.send_status(new.registration, "confirmed")
    db.session.rollback()
    assert smtp_server == []
