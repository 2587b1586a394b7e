"""Build records through the services, with sensible defaults a test can override."""

from datetime import date, time
from itertools import count

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
