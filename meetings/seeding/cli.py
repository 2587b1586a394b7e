"""`flask --app wsgi seed`: load the seed history (safe to run again)."""

import click
from flask import Flask

from meetings.seeding.loader import load_history


def init_app(app: Flask) -> None:
    app.cli.add_command(seed)


@click.command("seed")
def seed() -> None:
    """Load the mechanisms, bodies and meetings of the seed documents."""
    click.echo(str(load_history()))
