"""A mail server that refuses some recipients, and a meeting whose registrations await approval."""

import pytest
from aiosmtpd.controller import Controller

from meetings.extensions import db
from meetings.registrations import services
from tests import factories
from tests.conftest import _Collector, _free_port, sign_in
from tests.registrations.support import open_meeting


class _Picky(_Collector):
    """Accepts every message, except to the addresses in `refused`: "550 no such user"."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address.lower() in self.refused:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def picky_smtp_server(app):
    """An SMTP server on 127.0.0.1 refusing the addresses put in `.refused` for good;
    `.messages` are those it accepted."""
    handler = _Picky()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False)
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def meeting(app):
    """A meeting whose registrations the secretariat approves."""
    return open_meeting(needs_approval=True)


@pytest.fixture
def staff_client(app, meeting):
    client = app.test_client()
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    return client


@pytest.fixture
def person(app):
    """Someone with an account, who will register."""
    return factories.user(email="aiko@example.org", name="Aiko Tanaka")


@pytest.fixture
def person_client(app, person):
    client = app.test_client()
    sign_in(client, person)
    return client


def pending(meeting, email: str, user=None):
    """A registration awaiting approval (entered by the secretariat: no email is sent)."""
    fields = {"name": "Aiko Tanaka", "email": email, "category": "ngo"}
    registration = services.register(meeting, "secretariat", user=user, **fields).registration
    db.session.commit()
    return registration
