"""Followers of a body or meeting are told when one of its documents is published or adopted:
once per document and person, only what they may open, and as they chose."""

import sqlalchemy as sa

from meetings.accounts.services import grant_role
from meetings.calendars.subscriptions import follow
from meetings.core.models import utcnow
from meetings.documents.models import Document
from meetings.documents.notices import (
    DOCUMENT_ADOPTED,
    DOCUMENT_PUBLISHED,
    adopted_applies,
    published_applies,
)
from meetings.documents.services import delete_document, mark_adopted, update_document
from meetings.extensions import db
from meetings.notifications.digest import send_digests
from meetings.notifications.models import Mode, Notification, NotificationStatus
from meetings.notifications.preferences import set_mode
from meetings.participants.models import Participant
from tests import factories
from tests.documents import samples

READER = "reader@example.org"


def _setup(body_fields=None, meeting_fields=None):
    body = factories.body(
        name="Meeting of National Focal Points of NEASPEC",
        short_name="NFP Meeting",
        number_prefix="NFP",
        **(body_fields or {}),
    )
    meeting = factories.meeting(
        body,
        number=2,
        title="2nd Meeting of National Focal Points of NEASPEC (NFP-2)",
        start="2025-08-06",
        end="2025-08-06",
        status="held",
        **(meeting_fields or {}),
    )
    return body, meeting


def _draft(meeting, **fields):
    values = {
        "type": "working",
        "symbol": "NEASPEC/NFP-2/1",
        "title": "Background for the Strategic Plan 2021-2025",
        "status": "draft",
        "upload": ("background.pdf", samples.pdf(), "en"),
    }
    values.update(fields)
    return factories.document(meeting=meeting, **values)


def _reader(target, email=READER, **fields):
    person = factories.user(email=email, **fields)
    follow(person, target)
    db.session.commit()
    return person


def _set(document: Document, **fields) -> None:
    update_document(document, **fields)
    db.session.commit()


def _subject(message) -> str:
    # Python folds a long Subject right after its colon; read back, it keeps that space.
    return message["Subject"].strip()


def _rows(kind=None):
    stmt = sa.select(Notification).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def test_a_follower_of_the_body_is_told_once_a_draft_is_issued(app, smtp_server):
    body, meeting = _setup()
    _reader(body)
    document = _draft(meeting)
    assert smtp_server == [] and _rows() == []  # a draft is news to no one

    _set(document, status="issued")
    (message,) = smtp_server
    assert message["To"] == READER
    assert _subject(message) == (
        "Published: NEASPEC/NFP-2/1 Background for the Strategic Plan 2021-2025"
    )
    text = message.get_content()
    assert "A document of Meeting of National Focal Points of NEASPEC, which you follow" in text
    assert "Type: Working document\nStatus: Issued\n" in text
    assert "Meeting: 2nd Meeting of National Focal Points of NEASPEC (NFP-2) (6 August 2025" in text
    assert "Languages: English\n" in text
    assert f"Read it: http://meetings.test/documents/{document.id}\n" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://meetings.test/notifications/")
    assert "To stop these emails:" in text
    (row,) = _rows()
    assert (row.key, row.status) == (
        f"document-published:{document.id}:{row.user_id}",
        NotificationStatus.QUEUED,
    )

    # Issued again after a spell in draft: not news a second time.
    _set(document, status="draft")
    _set(document, status="issued")
    assert len(smtp_server) == 1


def test_a_follower_is_told_when_it_is_adopted_and_once_only(app, smtp_server):
    body, meeting = _setup()
    _reader(body)
    document = _draft(meeting, symbol="", title="Report of the meeting", type="report")
    _set(document, status="for_comment")
    mark_adopted(document, meeting.id)
    db.session.commit()
    assert [_subject(m) for m in smtp_server] == [
        "Published: Report of the meeting",
        "Adopted at NFP-2: Report of the meeting",
    ]
    text = smtp_server[1].get_content()
    assert "has been adopted:\n\n    Report of the meeting\n" in text
    assert "Status: Adopted\n" in text
    assert "Meeting: 2nd Meeting of National Focal Points of NEASPEC (NFP-2)" in text
    assert "Adopted at:" not in text  # where it was tabled

    # Adoption withdrawn and given again: the follower was told already.
    _set(document, status="for_comment", adopted_at_id=None)
    mark_adopted(document, meeting.id)
    db.session.commit()
    assert len(smtp_server) == 2
    assert len(_rows(DOCUMENT_ADOPTED)) == 1


def test_a_document_adopted_straight_from_draft_is_told_as_adopted(app, smtp_server):
    body, meeting = _setup()
    _reader(body)
    document = _draft(meeting, symbol="", title="Chair's summary", type="chairs_summary")
    mark_adopted(document, meeting.id)
    db.session.commit()
    assert [_subject(m) for m in smtp_server] == ["Adopted at NFP-2: Chair's summary"]


def test_a_document_adopted_on_a_date_names_the_year(app, smtp_server):
    body, _meeting = _setup()
    _reader(body)
    factories.document(
        body, type="action_plan", title="Action Plan 2011-2013", status="adopted", adopted_on="2011"
    )
    assert [_subject(m) for m in smtp_server] == ["Adopted on 2011: Action Plan 2011-2013"]
    text = smtp_server[0].get_content()
    assert "Type: Action plan\nStatus: Adopted\nAdopted: 2011\n" in text


def test_followers_of_the_meeting_are_told_and_each_person_once(app, smtp_server):
    body, meeting = _setup()
    both = _reader(body, email="both@example.org")
    follow(both, meeting)
    _reader(meeting, email="meeting-only@example.org")
    _reader(factories.body(), email="elsewhere@example.org")  # another body: not told
    _set(_draft(meeting), status="issued")
    assert sorted(m["To"] for m in smtp_server) == ["both@example.org", "meeting-only@example.org"]
    (row,) = [r for r in _rows() if r.recipient == "meeting-only@example.org"]
    assert row.payload["follows"] == "2nd Meeting of National Focal Points of NEASPEC (NFP-2)"


def test_no_one_is_told_of_what_they_may_not_open(app, smtp_server):
    mechanism = factories.mechanism()
    body, meeting = _setup(body_fields={"mech": mechanism, "visibility": "members"})
    _reader(body, email="public@example.org")
    member = _reader(body, email="member@example.org")
    grant_role(member, role="delegate", mechanism_id=mechanism.id)
    db.session.commit()
    _set(_draft(meeting), status="issued")
    assert [m["To"] for m in smtp_server] == ["member@example.org"]


def test_a_restricted_meeting_is_announced_to_its_participants_only(app, smtp_server):
    body, meeting = _setup(meeting_fields={"visibility": "participants"})
    _reader(body, email="outsider@example.org")
    participant = _reader(body, email="delegate@example.org")
    db.session.add(Participant(meeting_id=meeting.id, user_id=participant.id))
    db.session.commit()
    _set(_draft(meeting), status="issued")
    assert [m["To"] for m in smtp_server] == ["delegate@example.org"]


def test_a_person_who_turned_the_kind_off_is_not_told(app, smtp_server):
    body, meeting = _setup()
    _reader(body)
    set_mode(READER, DOCUMENT_PUBLISHED, Mode.OFF)
    db.session.commit()
    document = _draft(meeting)
    _set(document, status="issued")
    assert smtp_server == []
    (row,) = _rows()
    assert (row.status, row.reason) == (NotificationStatus.SKIPPED, "Turned off by the recipient.")
    mark_adopted(document, meeting.id)  # the other kind is still on
    db.session.commit()
    assert [_subject(m) for m in smtp_server] == [
        "Adopted at NFP-2: Background for the Strategic Plan 2021-2025"
    ]


def test_the_digest_carries_it_for_who_chose_the_digest(app, smtp_server):
    body, meeting = _setup()
    _reader(body)
    set_mode(READER, DOCUMENT_PUBLISHED, Mode.DIGEST)
    db.session.commit()
    _set(_draft(meeting), status="issued")
    assert smtp_server == []
    app.config["NOTIFY_DIGEST_HOUR"] = 0
    assert send_digests() == 1
    (digest,) = smtp_server
    assert "Published: NEASPEC/NFP-2/1 Background for the Strategic Plan 2021-2025" in (
        digest.get_content()
    )


def test_when_due_it_is_skipped_if_no_longer_true(app, smtp_server):
    body, meeting = _setup()
    reader = _reader(body)
    document = _draft(meeting)
    mark_adopted(document, meeting.id)
    db.session.commit()
    (row,) = _rows()
    now = utcnow()
    assert adopted_applies(row, now) is None

    _set(document, status="issued", adopted_at_id=None)
    assert adopted_applies(row, now) == "The document is no longer adopted."
    _set(document, status="draft")
    assert published_applies(row, now) == "The document went back to draft."
    _set(document, status="issued")
    _set(document, visibility="secretariat")
    assert published_applies(row, now) == "The person may no longer see the document."
    _set(document, visibility="")
    assert published_applies(row, now) is None
    reader.is_active = False
    db.session.commit()
    assert published_applies(row, now) == "The person's account is closed."
    delete_document(document)
    db.session.commit()
    assert published_applies(row, now) == "The document was deleted."
