"""Response time of the main pages and API lists with 5,000 meetings (`make bench`).

Run on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set. Each benchmark also
reports the SQL statements the request ran, which must not depend on the volume.
"""

from datetime import date, timedelta

import pytest

from meetings.bodies.models import Body
from meetings.extensions import db
from meetings.schedule.models import Meeting, MeetingStatus
from meetings.seeding.loader import load_history
from tests.test_query_counts import count_queries

VOLUME = 5000


@pytest.fixture
def volume(app):
    """The seed history plus generated meetings spread over 2000-2040 across all bodies."""
    load_history()
    bodies = db.session.query(Body).all()
    start = date(2000, 1, 3)
    rows = []
    for n in range(VOLUME):
        day = start + timedelta(days=3 * n)
        rows.append(
            Meeting(
                body=bodies[n % len(bodies)],
                title=f"Generated meeting {n}",
                theme="",
                description="",
                start_date=day,
                end_date=day + timedelta(days=2),
                date_precision="day",
                timezone="Asia/Bangkok",
                city="Bangkok",
                country_code="TH",
                venue="",
                host="",
                format="in_person",
                status=MeetingStatus.CONFIRMED,
                source="",
            )
        )
    db.session.add_all(rows)
    db.session.commit()
    return db.session.query(Meeting).filter_by(title="Generated meeting 4000").one()


URLS = {
    "home": "/",
    "meeting_list": "/meetings/",
    "meeting_list_page_50": "/meetings/?page=50",
    "meeting_detail": "/meetings/{id}",
    "body": "/bodies/caecf",
    "api_meetings": "/api/v1/meetings?page_size=200",
    "api_meetings_filtered": "/api/v1/meetings?mechanism=asean-china&from=2020-01-01&to=2030-12-31",
    "api_meeting": "/api/v1/meetings/{id}",
}


@pytest.mark.parametrize("name", list(URLS))
def test_page(benchmark, client, volume, name):
    url = URLS[name].format(id=volume.id)
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    benchmark.extra_info["sql_statements"] = len(statements)
    benchmark.extra_info["meetings"] = db.session.query(Meeting).count()
    benchmark.pedantic(lambda: client.get(url), rounds=20, warmup_rounds=2)
