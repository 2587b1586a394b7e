"""Build records through the services, with sensible defaults a test can override."""

from datetime import date, time
from itertools import count

from meetings.accounts.services import create_user, grant_role
from meetings.bodies.services import create_body
from meetings.extensions import db
from meetings.mechanisms.services import create_mechanism
from meetings.schedule.services import create_meeting, create_session

_seq = count(1)


def mechanism(**fields):
    n = next(_seq)
    values = {
        "slug": f"mech-{n}",
        "name": f"Mechanism {n}",
        "short_name": f"M{n}",
        "default_timezone": "Asia/Seoul",
        "member_states": "CN JP KR",
        "secretariat": "ESCAP ENEA",
    }
    values.update(fields)
    result = create_mechanism(**values)
    db.session.commit()
    return result


def body(mech=None, **fields):
    n = next(_seq)
    values = {
        "slug": f"body-{n}",
        "name": "Senior Officials Meeting",
        "short_name": "SOM",
        "kind": "governing",
        "cadence": "annual",
        "numbering_style": "prefixed",
        "number_prefix": "SOM",
    }
    values.update(fields)
    result = create_body(mech or mechanism(), **values)
    db.session.commit()
    return result


def meeting(of_body=None, **fields):
    values = {
        "title": "A meeting",
        "start": "2026-09-02",
        "end": "2026-09-05" if "start" not in fields else "",
        "timezone": "Asia/Kuala_Lumpur",
        "city": "Langkawi",
        "country_code": "MY",
        "status": "confirmed",
        "format": "in_person",
    }
    values.update(fields)
    result = create_meeting(of_body or body(), **values)
    db.session.commit()
    return result


def session(of_meeting, **fields):
    values = {
        "title": "Opening",
        "kind": "opening",
        "day": date(2026, 9, 2),
        "start_time": time(9, 0),
        "end_time": time(10, 30),
        "room": "Hall A",
    }
    values.update(fields)
    result = create_session(of_meeting, **values)
    db.session.commit()
    return result


def user(email=None, password=None, name="", roles=()):
    """An account; roles are dicts of grant_role's fields ({"role": "secretariat", ...})."""
    n = next(_seq)
    result = create_user(email or f"person{n}@example.org", name=name, password=password)
    for fields in roles:
        grant_role(result, **fields)
    db.session.commit()
    return result


def admin(**fields):
    return user(roles=[{"role": "admin"}], **fields)


def secretariat_of(mech, **fields):
    return user(roles=[{"role": "secretariat", "mechanism_id": mech.id}], **fields)


def manager_of(of_body, **fields):
    return user(roles=[{"role": "body_manager", "body_id": of_body.id}], **fields)


def nfp_of(mech, country_code, **fields):
    scope = {"role": "nfp", "mechanism_id": mech.id, "country_code": country_code}
    return user(roles=[scope], **fields)


def delegate_of(mech, **fields):
    return user(roles=[{"role": "delegate", "mechanism_id": mech.id}], **fields)


def document(of_body=None, meeting=None, upload=None, **fields):
    """A document of the body (or of the meeting's body), committed; `upload` is an
    (filename, bytes[, language]) tuple for its first file."""
    from meetings.documents.services import Upload, create_document

    values = {"type": "information", "title": "Information note", "status": "issued"}
    values.update(fields)
    if meeting is not None:
        values.setdefault("meeting_id", meeting.id)
    the_body = of_body or (meeting.body if meeting is not None else body())
    file = Upload(*upload) if upload else None
    result = create_document(the_body, upload=file, **values)
    db.session.commit()
    return result


def action(of_body=None, **fields):
    """A follow-up action of the body, committed."""
    from meetings.actions.services import create_action

    values = {"title": "Hold a regional workshop", "status": "not_started"}
    values.update(fields)
    result = create_action(of_body or body(), **values)
    db.session.commit()
    return result
