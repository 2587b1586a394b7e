"""Search finds sessions, follow-up actions and people, each only by those who may see them,
on SQLite (FTS5) and PostgreSQL alike; the index follows their changes; the page and the API
list every kind.
"""

import re
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from meetings.access.principal import ANONYMOUS, principal_for
from meetings.accounts.models import User
from meetings.accounts.services import grant_role
from meetings.actions.services import update_action
from meetings.extensions import db
from meetings.participants.services import add_participant
from meetings.registrations import services as registrations
from meetings.schedule import services as schedule
from meetings.search.models import SearchEntry
from meetings.search.people import search_people
from meetings.search.query import SearchFilter, search_actions, search_sessions
from tests import factories
from tests.api.test_write_api import bearer
from tests.conftest import sign_in
from tests.test_query_counts import count_queries

# ---- sessions ----------------------------------------------------------------------------


def sessions_found(viewer, text: str, **filters) -> list[str]:
    found = search_sessions(viewer, SearchFilter(text=text, **filters), 1, 50)
    assert found.total == len(found.items)
    return [s.title for s in found.items]


@pytest.fixture
def som(app):
    mech = factories.mechanism(slug="neaspec", short_name="NEASPEC", member_states="CN JP KR")
    body = factories.body(mech, slug="neaspec-som")
    meeting = factories.meeting(
        body, title="Twenty-sixth Senior Officials Meeting", start="2025-10-21", end="2025-10-23"
    )
    return mech, body, meeting


def timed(meeting, title: str, hour: int, day: date = date(2025, 10, 22), **fields):
    return factories.session(
        meeting,
        title=title,
        day=day,
        start_time=time(hour),
        end_time=time(hour + 1),
        **fields,
    )


def test_sessions_are_found_by_title_description_room_and_meeting(som):
    _mech, _body, meeting = som
    timed(meeting, "Dugong workshop", 9, room="Hall Mangrove", description="Seagrass beds")
    timed(meeting, "Lunch", 12, kind="break", room="Terrace")

    assert sessions_found(ANONYMOUS, "dugong") == ["Dugong workshop"]
    assert sessions_found(ANONYMOUS, "mangrove") == ["Dugong workshop"]
    assert sessions_found(ANONYMOUS, "seagr") == ["Dugong workshop"]
    assert sessions_found(ANONYMOUS, "twenty sixth") == ["Lunch", "Dugong workshop"]
    assert sessions_found(ANONYMOUS, "dugong terrace") == []


def test_sessions_follow_the_filters(som):
    mech, _body, meeting = som
    timed(meeting, "Dugong workshop", 9)
    other = factories.body(factories.mechanism(), slug="other-body")
    census = factories.meeting(other, start="2019-05-02", end="2019-05-03")
    timed(census, "Dugong census", 9, day=date(2019, 5, 2))

    assert sessions_found(ANONYMOUS, "dugong") == ["Dugong workshop", "Dugong census"]
    assert sessions_found(ANONYMOUS, "dugong", mechanism_id=mech.id) == ["Dugong workshop"]
    assert sessions_found(ANONYMOUS, "dugong", body_id=other.id) == ["Dugong census"]
    assert sessions_found(ANONYMOUS, "dugong", year=2019) == ["Dugong census"]
    assert sessions_found(ANONYMOUS, "dugong", language="en") == []


def test_a_restricted_session_is_found_only_by_those_who_may_see_it(som):
    mech, body, meeting = som
    timed(meeting, "Closed consultation on budget", 9, visibility="secretariat")
    hidden = factories.meeting(body, title="Members retreat", visibility="participants")
    timed(hidden, "Retreat on budget", 9, day=date(2026, 9, 2))
    participant = factories.user(name="Ji-woo Han")
    add_participant(hidden, participant.email)
    db.session.commit()

    assert sessions_found(ANONYMOUS, "budget") == []
    assert sessions_found(principal_for(factories.delegate_of(mech)), "budget") == []
    assert sessions_found(principal_for(participant), "budget") == ["Retreat on budget"]
    staff = principal_for(factories.secretariat_of(mech))
    assert sorted(sessions_found(staff, "budget")) == [
        "Closed consultation on budget",
        "Retreat on budget",
    ]


def test_the_index_follows_renamed_and_deleted_sessions(som):
    _mech, _body, meeting = som
    session = timed(meeting, "Peatland fires", 9)

    schedule.update_session(
        session,
        title="Mangrove forests",
        kind="plenary",
        day=date(2025, 10, 22),
        start_time=time(9),
        end_time=time(10),
    )
    db.session.commit()
    assert sessions_found(ANONYMOUS, "peatland") == []
    assert sessions_found(ANONYMOUS, "mangrove") == ["Mangrove forests"]

    schedule.delete_session(session)
    db.session.commit()
    assert sessions_found(ANONYMOUS, "mangrove") == []
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(SearchEntry.session_id.is_not(None)))
        == 0
    )


def test_renaming_a_meeting_renames_its_sessions_in_the_index(som):
    _mech, _body, meeting = som
    timed(meeting, "Opening", 9)
    fields = {
        "start": "2025-10-21",
        "end": "2025-10-23",
        "timezone": meeting.timezone,
        "city": "Busan",
        "country_code": "KR",
        "status": "held",
        "format": "in_person",
    }

    schedule.update_meeting(meeting, title="Forum on coral reefs", **fields)
    db.session.commit()

    assert sessions_found(ANONYMOUS, "senior officials") == []
    assert sessions_found(ANONYMOUS, "coral opening") == ["Opening"]

    schedule.delete_meeting(meeting)
    db.session.commit()
    assert sessions_found(ANONYMOUS, "coral") == []


# ---- actions -----------------------------------------------------------------------------


def actions_found(viewer, text: str, **filters) -> list[str]:
    found = search_actions(viewer, SearchFilter(text=text, **filters), 1, 50)
    assert found.total == len(found.items)
    return [a.title for a in found.items]


def test_actions_are_found_by_title_item_description_and_lead(som):
    _mech, body, _meeting = som
    factories.action(
        body,
        title="Assess kelp forests",
        item="1-2-3",
        description="With the fisheries institutes",
        lead_kind="organisation",
        lead_organisation="ESCAP East and North-East Asia Office",
        due="2024",
    )
    factories.action(body, title="Map seagrass", lead_kind="member_state", lead_country="JP")

    assert actions_found(ANONYMOUS, "kelp") == ["Assess kelp forests"]
    assert actions_found(ANONYMOUS, "1-2-3") == ["Assess kelp forests"]
    assert actions_found(ANONYMOUS, "fisheries") == ["Assess kelp forests"]
    assert actions_found(ANONYMOUS, "escap") == ["Assess kelp forests"]
    assert actions_found(ANONYMOUS, "japan") == ["Map seagrass"]
    assert actions_found(ANONYMOUS, "kelp", year=2024) == ["Assess kelp forests"]
    assert actions_found(ANONYMOUS, "kelp", year=2025) == []


def test_an_action_of_a_restricted_body_is_found_only_by_who_may_see_it(som):
    mech, _body, _meeting = som
    closed = factories.body(mech, slug="closed-body", visibility="secretariat")
    factories.action(closed, title="Draft the ozone budget")

    assert actions_found(ANONYMOUS, "ozone") == []
    assert actions_found(principal_for(factories.delegate_of(mech)), "ozone") == []
    assert actions_found(principal_for(factories.manager_of(closed)), "ozone") == [
        "Draft the ozone budget"
    ]


def test_the_index_follows_changed_and_deleted_actions(som):
    _mech, body, _meeting = som
    action = factories.action(body, title="Survey peatland fires")

    update_action(action, title="Survey mangrove forests", item="2-1")
    db.session.commit()
    assert actions_found(ANONYMOUS, "peatland") == []
    assert actions_found(ANONYMOUS, "mangrove 2-1") == ["Survey mangrove forests"]

    db.session.delete(action)
    db.session.commit()
    assert actions_found(ANONYMOUS, "mangrove") == []
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(SearchEntry.action_id.is_not(None))) == 0
    )


# ---- people ------------------------------------------------------------------------------

REGISTERED = {
    # name: (email, fields)
    "Haruki Tanaka": (
        "tanaka@jp.example",
        {"category": "delegation", "delegation_country": "JP", "delegation_role": "head"},
    ),
    "Min-jun Lee": (
        "lee@kr.example",
        {"category": "delegation", "delegation_country": "KR", "delegation_role": "head"},
    ),
    "Ayesha Green": ("green@ngo.example", {"category": "ngo", "organisation": "Green Earth"}),
}


@pytest.fixture
def people(som):
    """A meeting with three confirmed registrations, one declined; a lead of a public action,
    a lead of a secretariat-only action, a participant account, an NFP's account; and the
    people who search."""
    mech, body, meeting = som
    registrations.save_settings(
        meeting,
        opens_at=datetime(2025, 1, 1, tzinfo=UTC),
        closes_at=datetime(2025, 10, 1, tzinfo=UTC),
        categories=["delegation", "ngo"],
        needs_approval=False,
    )
    for name, (email, fields) in REGISTERED.items():
        registrations.register(meeting, source="secretariat", name=name, email=email, **fields)
    declined = registrations.register(
        meeting, source="secretariat", name="Ayesha Declined", email="d@ngo.example", category="ngo"
    ).registration
    registrations.decline(declined)
    lead = factories.user(name="Ayesha Rahman", email="rahman@escap.example")
    factories.action(body, title="Assess kelp forests", lead_kind="person", lead_user_id=lead.id)
    closed = factories.body(mech, slug="closed-body", visibility="secretariat")
    secret_lead = factories.user(name="Ayesha Hidden", email="hidden@escap.example")
    factories.action(closed, title="Ozone", lead_kind="person", lead_user_id=secret_lead.id)
    taking_part = factories.user(name="Ayesha Park", email="park@example.org")
    add_participant(meeting, taking_part.email)
    factories.nfp_of(mech, "KR", name="Ayesha Kim", email="kim@kr.example")
    manager_nfp = factories.manager_of(body)
    grant_role(manager_nfp, role="nfp", mechanism_id=mech.id, country_code="JP")
    other = factories.mechanism(slug="other-mech")
    db.session.commit()
    viewers = {
        "anonymous": None,
        "secretariat": factories.secretariat_of(mech),
        "admin": factories.admin(),
        "manager": factories.manager_of(body),
        "manager and NFP of JP": manager_nfp,
        "NFP of JP": factories.nfp_of(mech, "JP"),
        "NFP of JP elsewhere": factories.nfp_of(other, "JP"),
        "secretariat elsewhere": factories.secretariat_of(other),
        "delegate": factories.delegate_of(mech),
        "the NGO person": factories.user(email="green@ngo.example"),
    }
    return meeting, viewers


# Whom each viewer finds among the registered, by the names they already see on the list of
# participants, and among the accounts (as leads, participants, holders of roles).
FINDS = {
    "anonymous": {"Ayesha Rahman"},
    "secretariat": {
        *REGISTERED,
        "Ayesha Rahman",
        "Ayesha Hidden",
        "Ayesha Park",
        "Ayesha Kim",
    },
    "admin": {*REGISTERED, "Ayesha Rahman", "Ayesha Hidden", "Ayesha Park", "Ayesha Kim"},
    "manager": {*REGISTERED, "Ayesha Rahman", "Ayesha Park"},
    "manager and NFP of JP": {*REGISTERED, "Ayesha Rahman", "Ayesha Park"},
    "NFP of JP": {"Haruki Tanaka", "Ayesha Rahman"},
    "NFP of JP elsewhere": {"Ayesha Rahman"},
    "secretariat elsewhere": {"Ayesha Rahman"},
    "delegate": {"Ayesha Rahman"},
    "the NGO person": {"Ayesha Green", "Ayesha Rahman"},
}
QUERY = "ayesha haruki min jun tanaka lee"


def people_found(viewer, text: str) -> set[str]:
    found = set()
    for word in text.split():
        results = search_people(viewer, SearchFilter(text=word), 1, 50)
        assert results.total == len(results.items)
        found |= {person.name for person in results.items}
    return found


def test_people_are_found_only_where_their_name_is_shown(people):
    _meeting, viewers = people
    found = {
        name: people_found(principal_for(user) if user else ANONYMOUS, QUERY)
        for name, user in viewers.items()
    }
    assert found == FINDS


def test_registered_people_found_are_those_of_the_list_of_participants(app, people):
    """The search and the list of participants agree, viewer by viewer."""
    meeting, viewers = people
    for name, user in viewers.items():
        client = app.test_client()
        if user is not None:
            sign_in(client, user)
        listed = client.get(f"/meetings/{meeting.id}/participants-list")
        html = listed.get_data(as_text=True) if listed.status_code == 200 else ""
        shown = {person for person in REGISTERED if f"<td>{person}</td>" in html}
        assert FINDS[name] & set(REGISTERED) == shown, name


def test_a_person_result_says_where_and_links_there_without_email(client, people):
    meeting, viewers = people
    html = page(client, q="ayesha")
    assert "People (1)" in html
    assert "Ayesha Rahman" in html and "Leads the follow-up action “Assess kelp forests”" in html
    assert "rahman@escap.example" not in html

    sign_in(client, viewers["secretariat"])
    html = page(client, q="ayesha", kind="people")
    assert "People (5)" in html
    assert (
        f'<a href="/meetings/{meeting.id}/participants-list">'
        f"Non-governmental organisation: list of participants of {meeting.title}</a>"
    ) in html
    assert (
        f'<a href="/meetings/{meeting.id}/participants">Participant of {meeting.title}</a>' in html
    )
    assert "Account (National Focal Point of Republic of Korea, NEASPEC)" in html
    for email in ("green@ngo.example", "rahman@escap.example", "kim@kr.example", "park@"):
        assert email not in html
    tanaka = page(client, q="tanaka", kind="people")
    assert "Japan, Head of delegation: list of participants of" in tanaka


def test_a_person_links_only_to_pages_the_viewer_may_open(app, people):
    _meeting, viewers = people
    client = app.test_client()
    sign_in(client, viewers["secretariat elsewhere"])
    html = page(client, q="rahman")
    assert "People (1)" in html and "Leads the follow-up action" in html
    assert not re.search(r'href="/users/\d', html)

    admin = app.test_client()
    sign_in(admin, viewers["admin"])
    html = page(admin, q="rahman")
    link = re.search(r'<a href="(/users/\d+)">Account</a>', html)
    assert link is not None and admin.get(link.group(1)).status_code == 200


def test_people_are_found_by_words_alone(people):
    _meeting, viewers = people
    staff = principal_for(viewers["secretariat"])
    assert search_people(staff, SearchFilter(text="ayesha"), 1, 50).total == 5
    assert search_people(staff, SearchFilter(text="ayesha", year=2025), 1, 50).total == 0
    assert search_people(staff, SearchFilter(text=""), 1, 50).total == 0


def test_the_index_follows_renamed_people(people):
    lead = db.session.scalar(sa.select(SearchEntry).where(SearchEntry.terms == "ayesha rahman"))
    lead.user.name = "Nur Rahman"
    db.session.commit()
    assert people_found(ANONYMOUS, "ayesha") == set()
    assert people_found(ANONYMOUS, "nur") == {"Nur Rahman"}

    db.session.delete(lead.user)
    db.session.commit()
    assert people_found(ANONYMOUS, "nur") == set()


# ---- the page ----------------------------------------------------------------------------


def page(client, **args) -> str:
    response = client.get("/search", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="\w+-heading">([^<]*)</h2>', html)


def test_page_groups_every_kind_with_counts(client, som):
    _mech, body, meeting = som
    timed(meeting, "Dugong workshop", 9)
    factories.action(body, title="Count dugongs", lead_kind="organisation", lead_organisation="X")
    factories.document(meeting=meeting, title="Dugong survey report")

    html = page(client, q="dugong")

    assert headings(html) == [
        "Meetings (0)",
        "Sessions (1)",
        "Documents (1)",
        "Follow-up actions (1)",
        "People (0)",
    ]
    assert f'href="/meetings/{meeting.id}#session-' in html and "Dugong workshop" in html
    assert "22 Oct 2025, 09:00</time>–10:00 (Asia/Kuala_Lumpur)" in html
    assert "Count dugongs" in html and "Lead: X" in html


def test_page_lists_the_first_of_each_kind_and_links_to_all(client, som):
    _mech, body, meeting = som
    for n in range(7):
        timed(meeting, f"Dugong session {n}", 8 + n)
        factories.action(body, title=f"Dugong action {n}")

    html = page(client, q="dugong", mechanism="neaspec")

    assert "Sessions (7)" in html and html.count("Dugong session") == 5
    assert (
        'href="/search?q=dugong&amp;mechanism=neaspec&amp;kind=sessions">All 7 sessions</a>' in html
    )
    assert "All 7 follow-up actions" in html

    all_sessions = page(client, q="dugong", mechanism="neaspec", kind="sessions")
    assert headings(all_sessions) == ["Sessions (7)"]
    assert all_sessions.count("Dugong session") == 7
    assert "Show every kind of result" in all_sessions


def test_page_of_one_kind_is_paged(client, som):
    _mech, body, _meeting = som
    for n in range(23):
        factories.action(body, title=f"Dugong action {n}", due=f"{2000 + n}")

    first = page(client, q="dugong", kind="actions")
    assert first.count('class="search-result"') == 20
    assert 'rel="next" href="/search?q=dugong&amp;kind=actions&amp;page=2"' in first
    assert first.index("Dugong action 22") < first.index("Dugong action 3<")

    second = page(client, q="dugong", kind="actions", page="2")
    assert second.count('class="search-result"') == 3
    assert "Page 2 of 2" in second
    assert "No follow-up actions on this page." in page(client, q="dugong", kind="actions", page=9)


@pytest.mark.parametrize(
    ("args", "notice"),
    [
        ({"q": "dugong", "kind": "memos"}, "There is no kind of result “memos”"),
        ({"q": "dugong", "kind": "x" * 500}, "There is no kind of result"),
        ({"q": "dugong " * 100}, "Only the first 500 characters were searched for."),
    ],
)
def test_page_bad_kind_or_long_query_is_a_notice(client, args, notice):
    html = page(client, **args)
    assert notice in html
    assert "Meetings (0)" in html and "People (0)" in html


def test_page_documents_only_filters_and_people_filters_say_why(client, som):
    html = page(client, q="dugong", type="report")
    assert "apply to documents only: no sessions listed." in html
    assert "apply to documents only: no follow-up actions listed." in html
    html = page(client, q="dugong", year="2025")
    assert "People are found by their names alone" in html


def test_page_query_count_does_not_grow_with_more_kinds(client, people):
    meeting, viewers = people
    body = meeting.body
    urls = [
        "/search?q=ayesha",
        "/search?q=ayesha&kind=people",
        "/search?q=dugong",
        "/search?q=dugong&kind=sessions",
        "/search?q=dugong&kind=actions",
    ]

    def grow(start: int, stop: int) -> None:
        """More of each kind, and more places for the people listed first."""
        rahman = db.session.scalar(sa.select(User).where(User.name == "Ayesha Rahman"))
        for n in range(start, stop):
            timed(meeting, f"Dugong session {n}", 8 + n % 10)
            lead = factories.user(name=f"Ayesha Zu {n}")
            for who in (lead, rahman):
                factories.action(
                    body, title=f"Dugong action {n}", lead_kind="person", lead_user_id=who.id
                )
            add_participant(meeting, lead.email)
            registrations.register(
                meeting,
                source="secretariat",
                name=f"Ayesha Zr {n}",
                email=f"a{n}@x.org",
                category="ngo",
            )
        db.session.commit()

    def counts() -> dict[str, int]:
        result = {}
        for url in urls:
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            result[url] = len(statements)
        return result

    sign_in(client, viewers["secretariat"])
    grow(0, 2)
    small = counts()
    grow(2, 12)
    assert counts() == small


# ---- the API -----------------------------------------------------------------------------

URL = "/api/v1/search"


def test_api_answers_every_kind(client, people):
    meeting, viewers = people
    timed(meeting, "Ayesha's session", 9)
    data = client.get(URL, query_string={"q": "ayesha"}).json
    assert set(data) == {"meetings", "sessions", "documents", "actions", "people"}
    assert [s["title"] for s in data["sessions"]["items"]] == ["Ayesha's session"]
    assert data["sessions"]["items"][0]["meeting_title"] == meeting.title
    assert data["people"]["items"] == [
        {
            "name": "Ayesha Rahman",
            "places": [
                {
                    "label": "Leads the follow-up action “Assess kelp forests”",
                    "url": data["people"]["items"][0]["places"][0]["url"],
                }
            ],
            "more": 0,
        }
    ]
    assert data["people"]["items"][0]["places"][0]["url"].startswith(
        "http://meetings.test/actions/"
    )

    staff = bearer(viewers["secretariat"], scope="read")
    data = client.get(URL, query_string={"q": "green", "kind": "people"}, headers=staff).json
    assert list(data) == ["people"]
    assert [p["name"] for p in data["people"]["items"]] == ["Ayesha Green"]
    assert "green@ngo.example" not in str(data)


def test_api_actions_name_their_lead_without_email(client, people):
    data = client.get(URL, query_string={"q": "kelp", "kind": ["actions", "people"]}).json
    assert set(data) == {"actions", "people"}
    lead = data["actions"]["items"][0]["lead"]
    assert lead["label"] == "Ayesha Rahman"
    assert "rahman@escap.example" not in str(data)


def test_api_unknown_kind_is_a_422(client, app):
    response = client.get(URL, query_string={"q": "x", "kind": "memos"})
    assert response.status_code == 422
    assert list(response.json["errors"]["query"]) == ["kind"]
