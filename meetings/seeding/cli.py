"""`flask --app wsgi seed`: load the seed history (safe to run again)."""

import click
from flask import Flask

from meetings.audit.recorder import Actor, acting_as
from meetings.seeding.loader import load_history

# Who the audit log names for what the seed adds.
SEED_ACTOR = Actor(None, "seed loader", "cli")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed)


@click.command("seed")
def seed() -> None:
    """Load the mechanisms, bodies, meetings and documents of the seed documents."""
    with acting_as(SEED_ACTOR):
        report = load_history()
    click.echo(str(report))
