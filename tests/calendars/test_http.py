"""Feeds over HTTP: headers, 304 answers from the validator alone, who sees what, personal
addresses, and a fixed number of SQL statements however many meetings."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from werkzeug.http import http_date, parse_date

from meetings.accounts.services import grant_role
from meetings.calendars.subscriptions import (
    feed_token_of,
    follow,
    renew_feed_token,
    revoke_feed_token,
)
from meetings.extensions import db
from meetings.participants.services import add_participant
from meetings.schedule.services import delete_meeting, delete_session
from tests import factories
from tests.calendars.ical import edit_meeting, events
from tests.conftest import sign_in
from tests.test_query_counts import count_queries


@pytest.fixture
def world(app):
    """M (public): body B with public meeting P (an open and a closed session), a
    secretariat-only meeting R and a participants-only meeting Q; body RB secretariat-only;
    N: a members-only mechanism."""
    m = factories.mechanism(slug="m", short_name="M")
    n = factories.mechanism(slug="n", short_name="N", visibility="members")
    b = factories.body(m, slug="b", short_name="B")
    rb = factories.body(m, slug="rb", short_name="RB", visibility="secretariat")
    p = factories.meeting(b, number=1, title="P")
    r = factories.meeting(b, number=2, title="R", visibility="secretariat")
    q = factories.meeting(b, number=3, title="Q", visibility="participants")
    w = {"m": m, "n": n, "b": b, "rb": rb, "p": p, "r": r, "q": q}
    w["open"] = factories.session(p, title="Open")
    w["closed"] = factories.session(p, title="Closed", visibility="secretariat")
    w["r_session"] = factories.session(r, title="R session")
    w["rb_meeting"] = factories.meeting(rb, number=1, title="RB-1")
    w["nb"] = factories.body(n, slug="nb", short_name="NB")
    return w


def _uids(response) -> set[str]:
    assert response.status_code == 200
    return set(events(response.data))


def _personal(client, user) -> str:
    secret = renew_feed_token(user)
    db.session.commit()
    return f"/calendars/personal/{secret}.ics"


# Headers and conditional requests


def test_public_feed_headers(client, world):
    response = client.get("/calendars/bodies/b.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="b.ics"'
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["ETag"])
    assert parse_date(response.headers["Last-Modified"]) is not None
    assert response.headers["Cache-Control"] == "public, max-age=600"
    assert "Set-Cookie" not in response.headers


def test_personal_feed_is_private_and_sends_no_referrer(client, world):
    response = client.get(_personal(client, factories.delegate_of(world["m"])))
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=600"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_matching_etag_is_answered_304_without_reading_meetings(client, world):
    url = "/calendars/bodies/b.ics"
    first = client.get(url)
    with count_queries() as statements:
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.data) == (304, b"")
    assert again.headers["ETag"] == first.headers["ETag"]
    assert len(statements) == 2  # the body, the newest audit entry of its mechanism
    assert [s for s in statements if "FROM meeting" in s or "FROM session" in s] == []


def test_weak_and_listed_etags_match_too(client, world):
    etag = client.get("/calendars/bodies/b.ics").headers["ETag"]
    for sent in (f"W/{etag}", f'"other", {etag}', "*"):
        answer = client.get("/calendars/bodies/b.ics", headers={"If-None-Match": sent})
        assert answer.status_code == 304, sent


def test_if_modified_since_not_older_than_last_modified_is_answered_304(client, world):
    url = "/calendars/bodies/b.ics"
    modified = parse_date(client.get(url).headers["Last-Modified"])
    codes = [
        client.get(url, headers={"If-Modified-Since": http_date(modified + delta)}).status_code
        for delta in (timedelta(0), timedelta(hours=1), timedelta(seconds=-1))
    ]
    assert codes == [304, 304, 200]


def test_if_none_match_takes_precedence_over_if_modified_since(client, world):
    url = "/calendars/bodies/b.ics"
    first = client.get(url)
    same_time = first.headers["Last-Modified"]
    long_ago = http_date(datetime(2000, 1, 1, tzinfo=UTC))
    stale = client.get(url, headers={"If-None-Match": '"old"', "If-Modified-Since": same_time})
    fresh = client.get(
        url, headers={"If-None-Match": first.headers["ETag"], "If-Modified-Since": long_ago}
    )
    assert (stale.status_code, fresh.status_code) == (200, 304)


def test_etag_changes_after_an_edit_a_delete_and_a_visibility_change(client, world):
    url = "/calendars/bodies/b.ics"
    seen = [client.get(url).headers["ETag"]]
    edit_meeting(world["p"], theme="A new theme")
    seen.append(client.get(url).headers["ETag"])
    delete_session(world["open"])
    db.session.commit()
    seen.append(client.get(url).headers["ETag"])
    edit_meeting(world["p"], visibility="members")
    after = client.get(url, headers={"If-None-Match": seen[-1]})
    seen.append(after.headers["ETag"])
    assert len(set(seen)) == 4
    assert (after.status_code, _uids(after)) == (200, set())


def test_etag_stays_when_another_mechanism_changes(client, world):
    url = "/calendars/bodies/b.ics"
    etag = client.get(url).headers["ETag"]
    factories.meeting(world["nb"], title="Elsewhere")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_deleted_meeting_leaves_the_feed_and_changes_its_etag(client, world):
    url = "/calendars/mechanisms/m.ics"
    before = client.get(url)
    delete_meeting(world["p"])
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert world["p"].uid in _uids(before) and world["p"].uid not in _uids(after)


# Rendered feeds kept under their validator


def test_a_feed_asked_again_is_answered_from_the_bytes_kept(client, world):
    url = "/calendars/mechanisms/m.ics"
    first = client.get(url)
    with count_queries() as statements:
        again = client.get(url)  # another reader: no If-None-Match
    assert (again.status_code, again.data, again.headers["ETag"]) == (
        200,
        first.data,
        first.headers["ETag"],
    )
    assert len(statements) == 2  # the mechanism, the newest audit entry of its mechanism


def test_a_change_is_in_the_next_answer_not_the_bytes_kept(client, world):
    url = "/calendars/bodies/b.ics"
    client.get(url)
    edit_meeting(world["p"], city="Busan")
    moved = events(client.get(url).data)[world["p"].uid]
    assert "Busan" in str(moved["LOCATION"])


def test_kept_feeds_are_not_shared_between_feeds_or_people(client, world):
    """Public feeds of one mechanism share a validator; personal feeds are each their own."""
    factories.meeting(world["b"], number=4, title="S")
    db.session.commit()
    body = _uids(client.get("/calendars/bodies/b.ics"))
    meeting = _uids(client.get(f"/calendars/meetings/{world['p'].id}.ics"))
    assert body != meeting and meeting < body
    secretariat, delegate = factories.secretariat_of(world["m"]), factories.delegate_of(world["m"])
    for person in (secretariat, delegate):
        follow(person, world["b"])
    db.session.commit()
    theirs = _uids(client.get(_personal(client, secretariat)))
    mine = _uids(client.get(_personal(client, delegate)))
    assert world["r"].uid in theirs and world["r"].uid not in mine


def test_a_kept_feed_is_rendered_again_after_ten_minutes(client, world):
    """The bytes are kept no longer than the feed's Cache-Control lets any cache keep them."""
    url = "/calendars/bodies/b.ics"
    with time_machine.travel(datetime(2026, 5, 4, 9, 0, tzinfo=UTC), tick=False) as traveller:
        client.get(url)
        counts = []
        for minutes in (9, 2):
            traveller.shift(timedelta(minutes=minutes))
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
    assert counts == [2, 4]  # kept; then read again: the meetings and their sessions


def test_a_request_under_another_mount_point_changes_no_kept_links(app, client, world):
    """A proxy may set the mount point from X-Forwarded-Prefix: whatever a request says, the
    feed's links start with PUBLIC_BASE_URL, for that reader and every reader after."""
    app.config["PUBLIC_BASE_URL"] = "https://meetings.example"
    url = "/calendars/bodies/b.ics"
    odd = client.get(url, environ_overrides={"SCRIPT_NAME": ".attacker.example"})
    plain = client.get(url)
    for response in (odd, plain):
        links = {str(e["URL"]) for e in events(response.data).values()}
        assert len(links) == 2  # the meeting and its open session
        assert all(
            link.startswith(f"https://meetings.example/meetings/{world['p'].id}") for link in links
        )


def test_without_a_public_base_url_each_mount_point_has_its_own_links(client, world):
    url = "/calendars/bodies/b.ics"
    mounted = client.get(url, environ_overrides={"SCRIPT_NAME": "/site"})
    plain = client.get(url)
    links = [{str(e["URL"]) for e in events(r.data).values()} for r in (mounted, plain)]
    assert all("/site/meetings/" in link for link in links[0])
    assert not any("/site/" in link for link in links[1])
    assert mounted.headers["ETag"] != plain.headers["ETag"]


def test_the_two_feeds_under_one_secret_are_kept_apart(client, world):
    person = factories.secretariat_of(world["m"])
    follow(person, world["b"])
    factories.action(world["b"], title="Report on air quality", due="2026-06-30")
    db.session.commit()
    meetings_url = _personal(client, person)
    deadlines_url = meetings_url.replace(".ics", "/deadlines.ics")
    mine, deadlines = client.get(meetings_url), client.get(deadlines_url)
    assert world["p"].uid in _uids(mine) and world["p"].uid not in _uids(deadlines)
    assert any("air quality" in str(e["SUMMARY"]) for e in events(deadlines.data).values())


def test_a_personal_feed_kept_before_a_new_role_shows_what_the_role_opens(client, world):
    person = factories.delegate_of(world["m"])
    follow(person, world["b"])
    db.session.commit()
    url = _personal(client, person)
    before = _uids(client.get(url))
    grant_role(person, role="secretariat", mechanism_id=world["m"].id)
    db.session.commit()
    after = _uids(client.get(url))
    assert world["r"].uid not in before and world["r"].uid in after


# Who sees what


def test_public_feeds_show_only_public_meetings_and_sessions(client, world):
    public = {world["p"].uid, world["open"].uid}
    assert _uids(client.get("/calendars/mechanisms/m.ics")) == public
    assert _uids(client.get("/calendars/bodies/b.ics")) == public
    assert _uids(client.get(f"/calendars/meetings/{world['p'].id}.ics")) == public


@pytest.mark.parametrize(
    "url",
    [
        "/calendars/mechanisms/n.ics",
        "/calendars/bodies/nb.ics",
        "/calendars/bodies/rb.ics",
        "/calendars/mechanisms/nothing.ics",
        "/calendars/meetings/999999.ics",
    ],
)
def test_restricted_or_unknown_feeds_are_not_found(client, world, url):
    assert client.get(url).status_code == 404


def test_restricted_meetings_own_feeds_are_not_found(client, world):
    for name in ("r", "q", "rb_meeting"):
        assert client.get(f"/calendars/meetings/{world[name].id}.ics").status_code == 404


def test_public_feeds_ignore_who_is_signed_in(app, client, world):
    staff = app.test_client()
    sign_in(staff, factories.secretariat_of(world["m"]))
    anonymous = client.get("/calendars/bodies/b.ics")
    signed_in = staff.get("/calendars/bodies/b.ics")
    assert signed_in.data == anonymous.data
    assert signed_in.headers["ETag"] == anonymous.headers["ETag"]
    assert staff.get(f"/calendars/meetings/{world['r'].id}.ics").status_code == 404


def test_personal_feed_shows_what_an_entitled_person_follows(client, world):
    secretariat = factories.secretariat_of(world["m"])
    follow(secretariat, world["b"])
    url = _personal(client, secretariat)
    expected = {world[k].uid for k in ("p", "open", "closed", "r", "r_session", "q")}
    assert _uids(client.get(url)) == expected


def test_personal_feed_leaves_out_what_the_person_may_not_see(client, world):
    delegate = factories.delegate_of(world["m"])
    follow(delegate, world["b"])
    follow(delegate, world["rb"])  # followed when it was visible, say
    assert _uids(client.get(_personal(client, delegate))) == {world["p"].uid, world["open"].uid}


def test_personal_feed_has_the_meetings_one_takes_part_in(client, world):
    guest = factories.user(email="guest@example.org")
    add_participant(world["q"], "guest@example.org")
    follow(guest, world["p"])
    db.session.commit()
    expected = {world["q"].uid, world["p"].uid, world["open"].uid}
    assert _uids(client.get(_personal(client, guest))) == expected


def test_personal_feed_changes_when_the_person_follows_more(client, world):
    person = factories.delegate_of(world["m"])
    url = _personal(client, person)
    first = client.get(url)
    follow(person, world["p"])
    db.session.commit()
    second = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert (_uids(first), second.status_code) == (set(), 200)
    assert _uids(second) == {world["p"].uid, world["open"].uid}


def test_unknown_renewed_or_revoked_address_is_not_found(client, world):
    person = factories.delegate_of(world["m"])
    old = _personal(client, person)
    new = _personal(client, person)
    assert [client.get(u).status_code for u in (old, new)] == [404, 200]
    revoke_feed_token(person)
    db.session.commit()
    assert client.get(new).status_code == 404
    assert client.get("/calendars/personal/made-up.ics").status_code == 404


def test_personal_feed_notes_its_use_at_most_once_an_hour(client, world):
    person = factories.delegate_of(world["m"])
    url = _personal(client, person)
    uses = []
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        for moment in (time(9, 0), time(9, 40), time(10, 5)):
            clock.move_to(datetime.combine(date(2026, 3, 1), moment, tzinfo=UTC))
            etag = client.get(url).headers["ETag"]
            db.session.expire_all()
            uses.append((feed_token_of(person).last_used_at.time(), etag))
    assert [u[0] for u in uses] == [time(9, 0), time(9, 0), time(10, 5)]
    assert len({u[1] for u in uses}) == 1  # noting the use is not a change of the feed


# Statements per feed


def _statements(client, url: str, headers=None) -> int:
    db.session.expire_all()  # as in production, where each request starts afresh
    with count_queries() as statements:
        assert client.get(url, headers=headers or {}).status_code in (200, 304)
    return len(statements)


def _counts(client, urls: list[str]) -> list[tuple[int, int]]:
    result = []
    for url in urls:
        etag = client.get(url).headers["ETag"]  # also notes a personal feed's use
        result.append((_statements(client, url), _statements(client, url, {"If-None-Match": etag})))
    return result


def _grow(world, person) -> None:
    for n in range(5):
        meeting = factories.meeting(world["b"], title=f"More {n}", start=f"202{n}-03-02", end="")
        for hour in (9, 11, 14):
            day = meeting.start_date
            factories.session(meeting, day=day, start_time=time(hour), end_time=time(hour + 1))
        follow(person, meeting)
    add_participant(world["r"], person.email)
    db.session.commit()


def test_each_feed_runs_a_fixed_number_of_statements(client, world, feeds_rendered_each_time):
    person = factories.secretariat_of(world["m"])
    follow(person, world["b"])
    urls = [
        "/calendars/mechanisms/m.ics",
        "/calendars/bodies/b.ics",
        f"/calendars/meetings/{world['p'].id}.ics",
        _personal(client, person),
    ]
    small = _counts(client, urls)
    _grow(world, person)
    assert _counts(client, urls) == small
    # Public: thing, validator, meetings, sessions. Personal: token and person (3), validator,
    # roles and participations (2), meetings, sessions.
    assert small == [(4, 2), (4, 2), (4, 2), (9, 4)]
