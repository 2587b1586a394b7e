"""What templates may ask: who reads, and whether to offer a link to change something."""

from flask import Flask

from meetings.access import policies
from meetings.access.guards import current_principal


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        principal=current_principal,
        can_create_mechanism=lambda: policies.can_create_mechanism(current_principal()),
        can_manage_mechanism=lambda m: policies.can_manage_mechanism(current_principal(), m.id),
        can_manage_body=lambda b: policies.can_manage_body(current_principal(), b),
    )
