"""Seats, quotas and the waiting list, through the services."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from meetings.core.validation import DomainValidationError
from meetings.registrations import services
from meetings.registrations.models import RegistrationStatus as S
from tests.registrations.support import open_meeting, person

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _meeting(**settings):
    return open_meeting(now=NOW, **settings)


def _register(meeting, n, source="secretariat", **fields):
    return services.register(meeting, source=source, **person(n, **fields)).registration


@time_machine.travel(NOW, tick=False)
def test_form_registration_waits_for_its_email_then_takes_a_seat(db):
    meeting = _meeting(needs_approval=True)
    new = services.register(meeting, source="form", **person(1, email=" P1@Example.org "))
    assert (new.registration.status, new.registration.email) == (S.UNCONFIRMED, "p1@example.org")
    confirmed = services.confirm_email(new.secret)
    assert confirmed.status is S.PENDING
    services.approve(confirmed)
    assert confirmed.status is S.CONFIRMED
    assert services.confirm_email("not-a-secret") is None


@time_machine.travel(NOW, tick=False)
def test_past_capacity_people_wait_and_move_up_in_order(db):
    meeting = _meeting(capacity=2)
    first, second, third, fourth = (_register(meeting, n) for n in range(4))
    assert [r.status for r in (first, second, third, fourth)] == [
        S.CONFIRMED,
        S.CONFIRMED,
        S.WAITLISTED,
        S.WAITLISTED,
    ]
    moved = services.cancel(second)
    assert (second.status, moved, third.status, fourth.status) == (
        S.CANCELLED,
        [third],
        S.CONFIRMED,
        S.WAITLISTED,
    )


@time_machine.travel(NOW, tick=False)
def test_a_full_delegation_is_refused_and_skipped_on_the_waiting_list(db):
    meeting = _meeting(delegation_quota=1, capacity=1)
    jp = {"category": "delegation", "delegation_country": "JP"}
    _register(meeting, 1, **jp)
    with pytest.raises(DomainValidationError) as caught:
        _register(meeting, 2, **jp)
    assert list(caught.value.errors) == ["delegation_country"]
    kr = _register(meeting, 3, category="delegation", delegation_country="KR")
    assert kr.status is S.WAITLISTED


@time_machine.travel(NOW, tick=False)
def test_bad_input_names_the_field_and_saves_nothing(db):
    meeting = _meeting(categories=["ngo"])
    cases = {
        "email": person(1, email="not an email"),
        "category": person(2, category="media"),
        "delegation_country": person(3, category="ngo") | {"category": "delegation"},
        "country_code": person(4, country_code="XX"),
    }
    for field, fields in cases.items():
        with pytest.raises(DomainValidationError) as caught:
            services.register(meeting, source="secretariat", **fields)
        assert field in caught.value.errors, field
    _register(meeting, 5)
    with pytest.raises(DomainValidationError) as caught:
        _register(meeting, 5)
    assert caught.value.errors == {"email": [services.ALREADY]}


def test_the_window_holds_for_forms_and_nominations_not_for_the_secretariat(db):
    with time_machine.travel(NOW, tick=False):
        meeting = _meeting()
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        with pytest.raises(DomainValidationError) as caught:
            services.register(meeting, source="form", **person(1))
        assert caught.value.errors["meeting"] == ["Registration has closed."]
        assert _register(meeting, 2).status is S.CONFIRMED
