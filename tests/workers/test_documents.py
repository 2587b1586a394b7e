"""A file uploaded through the site is read by a real worker and found by search (issue 7).

The upload hands the file over after its commit; the worker reads its text from the shared
storage and writes its words into the index, on Redis and on RabbitMQ.
"""

import io

import pytest

from meetings.access.principal import principal_for
from meetings.documents.models import DocumentFile, TextStatus
from meetings.extensions import db
from meetings.search.query import SearchFilter, search_documents
from tests import factories
from tests.conftest import sign_in
from tests.documents import samples
from tests.workers.support import wait_until

pytestmark = pytest.mark.broker

READ_TIMEOUT = 30


def _text_status(file_id: int) -> TextStatus:
    db.session.rollback()  # see the worker's commits
    return db.session.get(DocumentFile, file_id).text_status


@pytest.mark.parametrize("broker", ["redis", "amqp"], indirect=True)
def test_an_uploaded_pdf_is_read_by_the_worker_and_found(site, start_worker, tmp_path):
    storage = tmp_path / "documents"
    site.app.config["DOCUMENT_STORAGE_PATH"] = str(storage)
    worker = start_worker(beat=False, DOCUMENT_STORAGE_PATH=str(storage))
    meeting = factories.meeting(status="held", start="2025-09-02")
    document = factories.document(meeting=meeting, title="Regional action agenda")
    client = site.app.test_client()
    sign_in(client, factories.secretariat_of(meeting.body.mechanism))
    pdf = samples.pdf_with_text("Mangrove restoration in the Mekong delta")

    response = client.post(
        f"/documents/{document.id}/files/new",
        data={"language": "en", "note": "", "file": (io.BytesIO(pdf), "agenda.pdf")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 302, response.text
    (file_id,) = [f.id for f in document.files]
    wait_until(
        lambda: _text_status(file_id) is not TextStatus.PENDING,
        READ_TIMEOUT,
        "the worker to read the uploaded PDF",
        worker.log_tail,
    )
    assert _text_status(file_id) is TextStatus.DONE
    found = search_documents(principal_for(None), SearchFilter(text="mangrove mekong"), 1, 10)
    assert [d.id for d in found.items] == [document.id]
