"""Bulk import of participants: read the file, preview every row's errors, save all or none."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from openpyxl import Workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from meetings.core.models import utcnow
from meetings.extensions import db
from meetings.registrations import import_jobs, imports
from meetings.registrations.models import ImportStatus, ParticipantImport, Registration
from tests import factories
from tests.conftest import sign_in
from tests.registrations.test_exports import _add, _meeting

HEADER = "Name,EMAIL,Title,Organisation,Country,Category,Delegation_Country,Delegation_Role\n"
GOOD = (
    "Tanaka Head,tanaka@example.org,Director,MOE,JP,delegation,JP,head\n"
    "Green NGO,green@example.org,,Green Earth,,Non-governmental organisation,,\n"
)


@pytest.fixture
def staff(app, client):
    meeting = _meeting()
    db.session.commit()
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    return meeting


def _count(meeting) -> int:
    stmt = sa.select(sa.func.count()).where(Registration.meeting_id == meeting.id)
    return db.session.scalar(stmt)


def _upload(client, meeting, data: bytes, filename="people.csv"):
    """Upload, then follow to the upload's page (its check, once done)."""
    # Encoded in memory: the test client's own spooling leaves a temporary file open.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename)})
    return client.post(
        f"/meetings/{meeting.id}/participants-import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        follow_redirects=True,
    )


def _last_job() -> ParticipantImport:
    db.session.expire_all()
    return db.session.scalars(sa.select(ParticipantImport).order_by(ParticipantImport.id)).all()[-1]


def _commit(client, meeting):
    job = _last_job()
    return client.post(f"/meetings/{meeting.id}/participants-import/{job.id}/commit")


def test_preview_lists_rows_with_their_errors_and_saves_nothing(client, staff):
    _add(staff, "Already Here", "ngo", email="here@example.org")
    db.session.commit()
    bad = (
        ",nobody@example.org,,,,ngo,,\n"
        "Dup,green@example.org,,,,ngo,,\n"
        "Here Again,here@example.org,,,,ngo,,\n"
        "Wrong State,ws@example.org,,,,delegation,TH,\n"
        "Odd,odd@example.org,,,,astronaut,,\n"
    )
    response = _upload(client, staff, (HEADER + GOOD + bad).encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "7 rows read" in page and "5 with errors" in page
    assert "name: Give the person&#39;s name." in page
    assert "already on row 3 of the file" in page
    assert "email: This email address is already registered for this meeting." in page
    assert "delegation_country: Choose a member state" in page
    assert "category: Choose a category." in page
    assert "Import 7 participants" not in page
    assert _count(staff) == 1


def test_commit_saves_every_valid_row(client, staff):
    page = _upload(client, staff, (HEADER + GOOD).encode()).get_data(as_text=True)
    assert "no errors" in page and "Import 2 participants" in page
    response = _commit(client, staff)
    assert response.status_code == 302
    page = client.get(response.location, follow_redirects=True).get_data(as_text=True)
    assert "2 participants imported from people.csv: 2 confirmed." in page
    rows = db.session.scalars(sa.select(Registration).order_by(Registration.email)).all()
    assert [(r.email, r.category.value, r.delegation_role, r.source) for r in rows] == [
        ("green@example.org", "ngo", None, "import"),
        ("tanaka@example.org", "delegation", "head", "import"),
    ]
    again = _commit(client, staff)  # imported once only
    assert "cannot be imported" in client.get(again.location, follow_redirects=True).text
    assert _count(staff) == 2
    assert _last_job().rows == []  # the upload's copy of the personal data is gone


def test_commit_saves_none_when_a_row_fails_at_commit_time(client, staff):
    _upload(client, staff, (HEADER + GOOD).encode())
    _add(staff, "Late Comer", "ngo", email="green@example.org")  # registered meanwhile
    db.session.commit()
    response = client.get(_commit(client, staff).location)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "nothing was saved" in page and "already registered" in page
    assert _count(staff) == 1


def test_xlsx_import_keeps_formulas_as_text(client, staff):
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "email", "category", "organisation"])
    sheet.append(["=1+1", "calc@example.org", "ngo", '=HYPERLINK("http://x")'])
    out = io.BytesIO()
    book.save(out)
    page = _upload(client, staff, out.getvalue(), "people.xlsx").get_data(as_text=True)
    assert "no errors" in page
    _commit(client, staff)
    saved = db.session.scalars(sa.select(Registration)).one()
    assert (saved.name, saved.organisation) == ("=1+1", '=HYPERLINK("http://x")')


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"name,email\n", "people.txt", "Upload a .csv or .xlsx file."),
        ("name,email,category\nJos\xe9,j@example.org,ngo\n".encode("latin-1"), "p.csv", "UTF-8"),
        (b"name,email\nA,a@example.org\n", "people.csv", "missing: category"),
        (b"not a zip", "people.xlsx", "not a readable XLSX"),
        (b"", "people.csv", "The file is empty."),
    ],
)
def test_malformed_file_gets_a_clear_message(client, staff, data, filename, message):
    response = _upload(client, staff, data, filename)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "Nothing has been saved." in page
    assert _count(staff) == 0


def test_too_big_or_too_long_file_is_refused(client, staff):
    big = HEADER.encode() + b"x" * (imports.MAX_BYTES + 10)
    assert "larger than 2 MB" in _upload(client, staff, big).get_data(as_text=True)
    huge = HEADER.encode() + b"x" * (imports.MAX_BYTES * 2)
    assert "larger than 2 MB" in _upload(client, staff, huge).get_data(as_text=True)
    long = HEADER + "A,a@example.org,,,,ngo,,\n" * (imports.MAX_ROWS + 1)
    page = _upload(client, staff, long.encode()).get_data(as_text=True)
    assert "more than 5,000 rows" in page
    assert _count(staff) == 0


def test_nfp_may_not_import(client, staff):
    sign_in(client, factories.nfp_of(staff.body.mechanism, "JP"))
    assert client.get(f"/meetings/{staff.id}/participants-import").status_code == 403
    assert _upload(client, staff, (HEADER + GOOD).encode()).status_code == 403
    assert _count(staff) == 0


def test_a_large_file_is_checked_and_imported_by_the_worker(app, client, staff):
    """Past IMPORT_INLINE_ROWS the work goes to Celery (run in-process here; tests/workers
    runs a real worker) and the page follows it."""
    app.config["IMPORT_INLINE_ROWS"] = 1
    page = _upload(client, staff, (HEADER + GOOD).encode()).get_data(as_text=True)
    job = _last_job()
    assert job.task_id and job.status is ImportStatus.CHECKED
    assert "no errors" in page and "Import 2 participants" in page
    _commit(client, staff)
    assert _last_job().status is ImportStatus.IMPORTED
    assert _count(staff) == 2


def test_the_progress_page_refreshes_while_the_worker_checks(app, client, staff):
    app.config["IMPORT_INLINE_ROWS"] = 1
    app.extensions["celery"].conf.task_always_eager = False
    app.extensions["celery"].conf.broker_url = "redis://127.0.0.1:1/0"  # no broker there
    try:
        response = _upload(client, staff, (HEADER + GOOD).encode())
    finally:
        app.extensions["celery"].conf.task_always_eager = True
    page = response.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "2 rows are being checked in the background" in page
    assert _count(staff) == 0
    # The hand-over failed: the worker's periodic resume hands it over a minute later.
    assert import_jobs.resume_stalled() == 0
    with time_machine.travel(utcnow() + timedelta(seconds=61), tick=False):
        assert import_jobs.resume_stalled() == 1
    assert _last_job().status is ImportStatus.CHECKED


def test_an_upload_is_seen_by_its_uploader_only(client, staff):
    _upload(client, staff, (HEADER + GOOD).encode())
    job = _last_job()
    sign_in(client, factories.secretariat_of(staff.body.mechanism))
    assert client.get(f"/meetings/{staff.id}/participants-import/{job.id}").status_code == 404
    response = client.post(f"/meetings/{staff.id}/participants-import/{job.id}/commit")
    assert response.status_code == 404
    assert _count(staff) == 0
