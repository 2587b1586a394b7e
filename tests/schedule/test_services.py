from datetime import UTC, date, datetime, time

import pytest

from meetings.core.validation import DomainValidationError
from meetings.schedule.models import Meeting
from meetings.schedule.services import create_meeting, update_meeting, update_session
from tests import factories


def _errors(call) -> dict:
    with pytest.raises(DomainValidationError) as exc:
        call()
    return exc.value.errors


def test_month_precision_meeting_keeps_its_precision(db):
    meeting = factories.meeting(start="2026-09", end="", title="CAECF 2026")
    assert (meeting.date_precision, meeting.start_date, meeting.end_date, meeting.dates_label) == (
        "month",
        date(2026, 9, 1),
        date(2026, 9, 30),
        "September 2026",
    )


def test_end_before_start_is_refused_and_nothing_saved(db):
    som = factories.body()
    errors = _errors(
        lambda: create_meeting(
            som, title="SOM-25", start="2026-09-05", end="2026-09-02", timezone="Asia/Seoul"
        )
    )
    db.session.rollback()
    assert errors == {"end": ["The meeting ends before it starts."]}
    assert db.session.query(Meeting).count() == 0


def test_mixed_precision_is_refused(db):
    errors = _errors(
        lambda: create_meeting(
            factories.body(), title="x", start="2026-09", end="2026-09-05", timezone="Asia/Seoul"
        )
    )
    assert errors == {"end": ["Give the end to the same precision as the start (month)."]}


def test_unknown_timezone_and_country_are_named(db):
    errors = _errors(
        lambda: create_meeting(
            factories.body(), title="x", start="2026", timezone="Asia/Atlantis", country_code="ZZ"
        )
    )
    assert set(errors) == {"timezone", "country_code"}
    assert errors["country_code"] == [
        "Unknown country 'ZZ': use an ISO 3166 alpha-2 code such as MY."
    ]


def test_duplicate_number_in_a_body_is_refused(db):
    som = factories.body()
    factories.meeting(som, number=24, start="2020")
    errors = _errors(lambda: create_meeting(som, number=24, start="2021", timezone="Asia/Seoul"))
    assert errors == {"number": ["This body already has a meeting with this number. (SOM-24)"]}


def test_same_number_in_another_body_is_fine(db):
    factories.meeting(factories.body(), number=24, start="2020")
    other = factories.meeting(factories.body(), number=24, start="2020")
    assert other.number == 24


def test_year_numbered_body_needs_the_year(db):
    caecf = factories.body(numbering_style="year", short_name="CAECF", number_prefix="")
    errors = _errors(
        lambda: create_meeting(caecf, number=2025, start="2026-09", timezone="Asia/Shanghai")
    )
    assert errors == {"number": ["CAECF is numbered by year: the number is the year, 2026."]}


def test_numbered_meeting_gets_its_title_from_the_body(db):
    som = factories.body(name="Senior Officials Meeting of NEASPEC")
    meeting = create_meeting(som, number=25, start="2026", timezone="Asia/Seoul")
    assert meeting.title == "25th Senior Officials Meeting of NEASPEC (SOM-25)"


def test_session_times_are_stored_in_utc(db):
    meeting = factories.meeting()
    session = factories.session(meeting, start_time=time(9, 0), end_time=time(10, 30))
    assert (session.starts_at, session.ends_at) == (
        datetime(2026, 9, 2, 1, 0, tzinfo=UTC),
        datetime(2026, 9, 2, 2, 30, tzinfo=UTC),
    )


def test_session_outside_the_meeting_is_refused(db):
    meeting = factories.meeting()
    errors = _errors(lambda: factories.session(meeting, day=date(2026, 9, 6)))
    assert errors == {
        "day": ["The meeting runs 2–5 September 2026: a session must fall within it."]
    }


def test_session_ending_before_it_starts_is_refused(db):
    errors = _errors(
        lambda: factories.session(factories.meeting(), start_time=time(11), end_time=time(10))
    )
    assert errors == {"end_time": ["The session ends before it starts."]}


def test_moving_meeting_away_from_its_sessions_is_refused(db):
    meeting = factories.meeting()
    factories.session(meeting, title="Field visit", day=date(2026, 9, 5))
    errors = _errors(
        lambda: update_meeting(
            meeting,
            title=meeting.title,
            start="2026-09-01",
            end="2026-09-04",
            timezone=meeting.timezone,
        )
    )
    assert errors == {"start": ["Sessions fall outside these dates: Field visit. Move them first."]}


def test_changing_venue_zone_keeps_local_session_times(db):
    meeting = factories.meeting()
    session = factories.session(meeting, start_time=time(9, 0), end_time=time(10, 0))
    update_meeting(
        meeting,
        title=meeting.title,
        start="2026-09-02",
        end="2026-09-05",
        timezone="Asia/Tokyo",
        city="Tokyo",
        country_code="JP",
    )
    db.session.commit()
    assert session.starts_at == datetime(2026, 9, 2, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo


def test_update_session_moves_it(db):
    meeting = factories.meeting()
    session = factories.session(meeting)
    update_session(
        session,
        title="Plenary",
        kind="plenary",
        day=date(2026, 9, 3),
        start_time=time(14),
        end_time=time(17),
        room="",
    )
    assert (session.title, session.starts_at) == ("Plenary", datetime(2026, 9, 3, 6, 0, tzinfo=UTC))


def test_number_out_of_range_or_not_a_number_is_refused(db):
    som = factories.body()
    for number in (10**12, "three", -1):
        errors = _errors(
            lambda n=number: create_meeting(som, number=n, start="2026", timezone="Asia/Seoul")
        )
        assert errors == {"number": ["A meeting number is 1 to 9999."]}, number


def test_sequence_grows_when_time_place_or_status_changes(db):
    meeting = factories.meeting()
    session = factories.session(meeting)
    uid = meeting.uid
    fields = {
        "title": meeting.title,
        "start": "2026-09-02",
        "end": "2026-09-05",
        "timezone": "Asia/Kuala_Lumpur",
        "city": "Langkawi",
        "country_code": "MY",
        "status": "confirmed",
        "format": "in_person",
    }
    update_meeting(meeting, **{**fields, "title": "Renamed"})
    assert (meeting.sequence, session.sequence) == (0, 0)
    update_meeting(meeting, **{**fields, "status": "postponed"})
    assert meeting.sequence == 1
    update_meeting(meeting, **{**fields, "status": "postponed", "timezone": "Asia/Bangkok"})
    assert (meeting.sequence, session.sequence) == (2, 1)  # the session moved in UTC
    db.session.commit()
    assert meeting.uid == uid
