"""The API fuzzed from its own OpenAPI document (schemathesis) on the seed history: every
operation, anonymous and as an administrator, with valid and invalid input, on ids of records
that exist and on generated ones. No answer may be a server error.

The examples are derandomized, so a run repeats the last one. For a longer hunt by hand,
FUZZ_EXAMPLES (default 10) sets how many each operation gets per variant, and FUZZ_RANDOM=1
draws new ones each run.
"""

import os
import traceback
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup

from meetings.actions.attachments import post_progress
from meetings.actions.models import Action
from meetings.documents.models import Document, DocumentFile
from meetings.documents.services import Upload
from meetings.extensions import db as _db
from meetings.mechanisms.models import Mechanism, ProgrammeArea
from meetings.registrations import services as registrations
from meetings.schedule.models import Meeting
from meetings.seeding.loader import load_history
from meetings.themes.models import Theme
from tests import factories
from tests.api.test_write_api import bearer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)
# Valid input on existing records, invalid input on them, valid input on generated ids.
VARIANTS = [
    (GenerationMode.POSITIVE, True),
    (GenerationMode.NEGATIVE, True),
    (GenerationMode.POSITIVE, False),
]


def seed() -> dict[str, object]:
    """Load the seed history, add what it lacks (a session, a registration, an attachment),
    and return an existing record for each path parameter of the API."""
    load_history()
    mechanism = _first(Mechanism)
    area = _first(ProgrammeArea, ProgrammeArea.mechanism_id == mechanism.id)
    meeting = _first(Meeting, Meeting.body.has(mechanism_id=mechanism.id))
    session = factories.session(meeting, day=meeting.start_date)
    registration = _registration(meeting)
    document = _first(Document, Document.files.any())
    action = _first(Action)
    update = post_progress(action, None, "Report attached.", uploads=[_report()])
    _db.session.commit()
    return {
        "mechanism_id": mechanism.id,
        "area_id": area.id,
        "body_id": meeting.body_id,
        "meeting_id": meeting.id,
        "session_id": session.id,
        "registration_id": registration.id,
        "document_id": document.id,
        "file_id": _first(DocumentFile, DocumentFile.document_id == document.id).id,
        "action_id": action.id,
        "attachment_id": update.attachments[0].id,
        "slug": _first(Theme).slug,
    }


def _first(model, *where):
    """The row of the model with the lowest id (among those matching)."""
    return _db.session.scalars(sa.select(model).where(*where).order_by(model.id).limit(1)).one()


def _registration(meeting: Meeting):
    now = datetime.now(UTC)
    registrations.save_settings(
        meeting,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        categories=["delegation", "ngo", "observer"],
        open_to_public=True,
    )
    person = {"name": "Ada Tan", "email": "ada@example.org", "category": "ngo"}
    return registrations.register(meeting, source="secretariat", **person).registration


def _report() -> Upload:
    return Upload("report.txt", b"Workshop held in Ulaanbaatar.\n")


def operations(schema) -> list:
    """Every operation of the document, deletions last (they empty what the others use)."""
    found = [result.ok() for result in schema.get_all_operations()]
    return sorted(found, key=lambda op: op.method.upper() == "DELETE")


def fuzz(operation, mode: GenerationMode, ids: dict | None, headers: dict) -> list[str]:
    """Run the operation's examples; name the first server error found, if any."""
    fixed = {p.name: ids[p.name] for p in operation.path_parameters} if ids else None
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

    @FUZZ
    @given(case=strategy)
    def run(case):
        _db.session.remove()  # a session of its own for each request, as in production
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    try:
        run()
    except Unsatisfiable:
        return []  # nothing to make invalid: an operation without input beyond its path
    except (FailureGroup, Exception) as exc:  # the check's failure, or what a view raised
        where = "existing" if ids else "generated"
        return [f"{operation.label} ({mode.value} input, {where} ids): {describe(exc)}"]
    return []


def describe(exc: BaseException) -> str:
    """The failure, and for an exception the last line of ours it went through."""
    if isinstance(exc, FailureGroup):
        return str(exc)
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/meetings/" in f.filename] or frames
    return f"{exc!r} at {ours[-1].filename}:{ours[-1].lineno}"


@pytest.mark.parametrize("caller", ["anonymous", "admin"])
def test_no_operation_answers_a_server_error(app, caller):
    ids = seed()
    admin = factories.admin(email="admin@example.org")
    headers = bearer(admin) if caller == "admin" else {}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    found = operations(schema)
    failures = [
        failure
        for operation in found
        for mode, existing in VARIANTS
        for failure in fuzz(operation, mode, ids if existing else None, headers)
    ]
    assert len(found) >= 50
    assert failures == []


@pytest.mark.parametrize("disposition", ["form-data", 'form-data; filename="a.txt"'])
def test_a_form_part_without_a_name_is_a_400(client, disposition):
    """Found by the fuzz: werkzeug files a part without a readable name under None."""
    body = f"--XyZ\r\nContent-Disposition: {disposition}\r\n\r\nvalue\r\n--XyZ--\r\n"
    response = client.post(
        "/api/v1/documents/1/files", data=body, content_type="multipart/form-data; boundary=XyZ"
    )
    assert (response.status_code, response.json["message"]) == (
        400,
        "Each part of a form needs a name (Content-Disposition).",
    )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/bodies?mechanism=²",
        "/api/v1/meetings?mechanism=²",
        "/api/v1/meetings?body=²",
        "/api/v1/documents?body=²",
        "/api/v1/actions?body=²",
    ],
)
def test_a_digit_that_is_not_a_number_names_no_record(client, url):
    """Found by the fuzz: "²".isdigit() is true, but int("²") raises."""
    response = client.get(url)
    assert response.status_code == 422
