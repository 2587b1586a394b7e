"""`flask search rebuild` writes the index again from the records."""

import sqlalchemy as sa

from meetings.access.principal import principal_for
from meetings.extensions import db
from meetings.search.models import SearchEntry
from meetings.search.query import SearchFilter, search_documents, search_meetings
from tests import factories


def test_rebuild_restores_a_lost_index(app):
    meeting = factories.meeting(title="Forum on coastal wetlands", status="held", start="2016-03")
    factories.document(meeting=meeting, title="Wetland remedy report", type="report")
    db.session.execute(sa.update(SearchEntry).values(terms=""))
    db.session.commit()
    anyone = principal_for(None)
    assert search_meetings(anyone, SearchFilter(text="wetlands"), 1, 10).total == 0

    result = app.test_cli_runner().invoke(args=["search", "rebuild"])

    assert result.exit_code == 0, result.output
    assert "Indexed 2 entries (meetings, sessions, documents, actions and people)." in result.output
    assert search_meetings(anyone, SearchFilter(text="wetlands"), 1, 10).items == [meeting]
    assert search_documents(anyone, SearchFilter(text="remedy"), 1, 10).total == 1
