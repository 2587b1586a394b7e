"""`flask --app wsgi users ...`: create an administrator; make the demo accounts."""

import os
import secrets
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from meetings.accounts.models import Role, User
from meetings.accounts.passwords import verify_password
from meetings.accounts.services import create_user, find_user, grant_role, set_password
from meetings.core.validation import DomainValidationError
from meetings.extensions import db
from meetings.mechanisms.models import Mechanism

users = AppGroup("users", help="Manage accounts.")
DEMO_FILE = "demo-accounts.txt"
PASSWORD_LINE = "password: "  # nosec B105  # a label in a file


def init_app(app: Flask) -> None:
    app.cli.add_command(users)


@users.command("create-admin")
@click.argument("email")
def create_admin(email: str) -> None:
    """Create a site administrator (or make an account one and set its password).

    The password is asked twice on a terminal, else read from the first line of stdin.
    """
    password = _read_password()
    try:
        user, created = _admin(email, password)
        db.session.commit()
    except DomainValidationError as exc:
        db.session.rollback()
        raise click.ClickException(_problems(exc)) from None
    done = "created" if created else "is now an administrator; its password was changed"
    click.echo(f"Administrator {user.email} {done}.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _admin(email: str, password: str) -> tuple[User, bool]:
    """The administrator's account, and whether it is new."""
    user = find_user(email)
    created = user is None
    if created:
        user = create_user(email, password=password)
    else:
        set_password(user, password)
    grant_role(user, role=Role.ADMIN)
    return user, created


def _problems(exc: DomainValidationError) -> str:
    lines = [f"{field}: {message}" for field, ms in exc.errors.items() for message in ms]
    return "\n".join(["The account was not saved:", *lines])


@users.command("demo")
def demo() -> None:
    """Make sure the demo accounts exist, all with one password kept in the instance folder."""
    path = Path(current_app.instance_path) / DEMO_FILE
    password = _demo_password(path)
    accounts = _demo_accounts()
    for email, name, roles in accounts:
        _ensure(email, name, password, roles)
    db.session.commit()
    listing = _listing(accounts, password)
    _write_private(path, listing)
    click.echo(listing + f"(kept in {path})")


def _demo_password(path: Path) -> str:
    """The password of an earlier run, or a new random one."""
    if path.exists():
        for line in path.read_text().splitlines():
            if line.startswith(PASSWORD_LINE):
                return line.removeprefix(PASSWORD_LINE).strip()
    return secrets.token_urlsafe(12)


def _demo_accounts() -> list[tuple[str, str, list[dict]]]:
    """(email, name, roles) of each demo account the seeded mechanisms allow."""
    accounts = [("demo-admin@example.org", "Demo Administrator", [{"role": Role.ADMIN}])]
    mechanisms = {m.slug: m for m in db.session.scalars(sa.select(Mechanism).order_by("name"))}
    for m in mechanisms.values():
        scope = {"role": Role.SECRETARIAT, "mechanism_id": m.id}
        accounts.append(
            (f"secretariat.{m.slug}@example.org", f"{m.short_name} Secretariat", [scope])
        )
    if neaspec := mechanisms.get("neaspec"):
        nfp = {"role": Role.NFP, "mechanism_id": neaspec.id, "country_code": "JP"}
        accounts.append(("nfp.japan.neaspec@example.org", "NFP of Japan (NEASPEC)", [nfp]))
        delegate = {"role": Role.DELEGATE, "mechanism_id": neaspec.id, "country_code": "KR"}
        accounts.append(("delegate.neaspec@example.org", "Delegate of Korea (NEASPEC)", [delegate]))
    return accounts


def _ensure(email: str, name: str, password: str, roles: list[dict]) -> None:
    user = find_user(email) or create_user(email, name=name, password=password)
    if not verify_password(user.password_hash, password):
        set_password(user, password)
    for scope in roles:
        grant_role(user, **scope)


def _listing(accounts, password: str) -> str:
    lines = [
        "Demo accounts (for trying the site locally; sign in at /sign-in).",
        f"{PASSWORD_LINE}{password}",
        *(f"  {email:<44} {name}" for email, name, _ in accounts),
    ]
    if len(accounts) == 1:
        lines.append(
            "Run `flask --app wsgi seed` first for secretariat, NFP and delegate accounts."
        )
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    """Write a file that only its owner can read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    path.chmod(0o600)
