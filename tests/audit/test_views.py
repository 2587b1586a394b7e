"""The audit log pages: a mechanism's log for its secretariat, everything for administrators."""

import re

import pytest
import sqlalchemy as sa

from meetings.audit.recorder import AUDITED
from meetings.audit.services import ENTITY_TYPES
from meetings.extensions import db
from meetings.schedule.services import delete_meeting
from tests import factories
from tests.conftest import sign_in
from tests.test_query_counts import count_queries


@pytest.fixture
def two_mechanisms(app):
    """M with a meeting and N with another, each logged; and an account (no mechanism)."""
    m = factories.mechanism(short_name="NEASPEC")
    n = factories.mechanism(short_name="ACEF")
    m_meeting = factories.meeting(factories.body(m), title="SOM-25")
    n_meeting = factories.meeting(factories.body(n), title="CAECF 2026")
    factories.user(email="lonely@example.org")
    return m, n, m_meeting, n_meeting


def _reader(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def test_secretariat_reads_its_mechanism_log_only(app, two_mechanisms):
    m, n, m_meeting, _ = two_mechanisms
    client = _reader(app, factories.secretariat_of(m))
    response = client.get(f"/mechanisms/{m.slug}/audit?type=meeting")
    assert response.status_code == 200
    assert "SOM-25" in response.text and "CAECF 2026" not in response.text
    assert f'href="/meetings/{m_meeting.id}"' in response.text
    assert client.get(f"/mechanisms/{n.slug}/audit").status_code == 403
    assert client.get("/audit").status_code == 403


def test_administrator_reads_every_log(admin_client, two_mechanisms):
    m, n, _, _ = two_mechanisms
    page = admin_client.get("/audit").text
    assert "SOM-25" in page and "CAECF 2026" in page and "lonely@example.org" in page
    assert f'href="/mechanisms/{m.slug}/audit"' in page
    assert "CAECF 2026" in admin_client.get(f"/mechanisms/{n.slug}/audit").text


@pytest.mark.parametrize("role", ["manager", "nfp", "delegate"])
def test_other_roles_may_not_read_the_log(app, two_mechanisms, role):
    m, _, m_meeting, _ = two_mechanisms
    person = {
        "manager": lambda: factories.manager_of(m_meeting.body),
        "nfp": lambda: factories.nfp_of(m, "JP"),
        "delegate": lambda: factories.delegate_of(m),
    }[role]()
    client = _reader(app, person)
    assert client.get(f"/mechanisms/{m.slug}/audit").status_code == 403
    assert "Audit log" not in client.get(f"/mechanisms/{m.slug}").text


def test_mechanism_page_links_its_log_for_the_secretariat(app, two_mechanisms):
    m = two_mechanisms[0]
    page = _reader(app, factories.secretariat_of(m)).get(f"/mechanisms/{m.slug}").text
    assert f'href="/mechanisms/{m.slug}/audit"' in page


def test_a_mechanism_one_may_not_see_is_not_found(app):
    hidden = factories.mechanism(visibility="secretariat")
    client = _reader(app, factories.delegate_of(factories.mechanism()))
    assert client.get(f"/mechanisms/{hidden.slug}/audit").status_code == 404
    assert client.get("/mechanisms/no-such-thing/audit").status_code == 404


def test_log_shows_old_and_new_values_newest_first(admin_client, two_mechanisms):
    m, _, m_meeting, _ = two_mechanisms
    m_meeting.city = "Incheon"
    db.session.commit()
    html = admin_client.get(f"/mechanisms/{m.slug}/audit?action=update").text
    assert re.search(r"<th scope=\"row\">City</th><td>Langkawi</td><td>Incheon</td>", html)
    assert "1 entry, newest first." in html
    newest = admin_client.get(f"/mechanisms/{m.slug}/audit").text
    actions = re.findall(r'<span class="badge action-(\w+)">', newest)
    assert actions[0] == "update" and set(actions[1:]) == {"create"}


def test_deleted_things_are_shown_without_a_link(admin_client, two_mechanisms):
    m, _, m_meeting, _ = two_mechanisms
    meeting_id = m_meeting.id
    delete_meeting(m_meeting)
    db.session.commit()
    html = admin_client.get(f"/mechanisms/{m.slug}/audit?type=meeting").text
    assert "SOM-25" in html and f'href="/meetings/{meeting_id}"' not in html


def test_filters_keep_to_their_mechanism_and_page(admin_client, two_mechanisms):
    m, _, m_meeting, _ = two_mechanisms
    for n in range(55):
        m_meeting.city = f"City {n}"
        db.session.commit()
    first = admin_client.get(f"/mechanisms/{m.slug}/audit?action=update").text
    assert "55 entries" in first and "Page 1 of 2" in first and "City 54" in first
    assert f'href="/mechanisms/{m.slug}/audit?action=update&amp;page=2"' in first
    second = admin_client.get(f"/mechanisms/{m.slug}/audit?action=update&page=2").text
    assert "City 4</td>" in second and "City 54" not in second


def test_log_page_query_count_does_not_grow(admin_client, two_mechanisms):
    m, _, m_meeting, _ = two_mechanisms
    url = f"/mechanisms/{m.slug}/audit"
    db.session.expire_all()
    with count_queries() as small:
        admin_client.get(url)
    for n in range(5):
        factories.session(m_meeting, title=f"Session {n}")
        factories.meeting(m_meeting.body, title=f"Other {n}", start=f"20{10 + n}", end="")
    db.session.expire_all()
    with count_queries() as large:
        assert admin_client.get(url).status_code == 200
    assert len(large) == len(small)


def test_every_audited_table_has_a_name_for_readers():
    assert set(ENTITY_TYPES) == {sa.inspect(model).local_table.name for model in AUDITED}


def test_anonymous_readers_are_sent_to_sign_in(client, two_mechanisms):
    m = two_mechanisms[0]
    for url in (f"/mechanisms/{m.slug}/audit", "/audit"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in?next=")
