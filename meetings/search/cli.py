"""`flask --app wsgi search rebuild`: write every search entry again."""

import click
from flask import Flask
from flask.cli import AppGroup

from meetings.extensions import db
from meetings.search.index import rebuild

search_cli = AppGroup(
    "search", help="The search index of meetings, sessions, documents, actions and people."
)


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Write the words of every entry again (after changing the word rules)."""
    count = rebuild()
    db.session.commit()
    click.echo(f"Indexed {count} entries (meetings, sessions, documents, actions and people).")


def init_app(app: Flask) -> None:
    app.cli.add_command(search_cli)
