import stat

import pytest

from meetings.accounts.models import Role
from meetings.accounts.passwords import verify_password
from meetings.accounts.services import find_user
from tests import factories
from tests.accounts.helpers import NEW_PASSWORD, PASSWORD


@pytest.fixture
def cli(app, tmp_path):
    app.instance_path = str(tmp_path)
    return app.test_cli_runner()


def test_create_admin_reads_the_password_from_stdin(cli):
    result = cli.invoke(args=["users", "create-admin", "Chief@Example.org"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Administrator chief@example.org created." in result.output
    user = find_user("chief@example.org")
    assert [r.role for r in user.roles] == [Role.ADMIN]
    assert verify_password(user.password_hash, PASSWORD)


def test_create_admin_refuses_a_short_password(cli):
    result = cli.invoke(args=["users", "create-admin", "chief@example.org"], input="short\n")
    assert result.exit_code != 0
    assert "password: Use at least 10 characters." in result.output
    assert find_user("chief@example.org") is None


def test_create_admin_refuses_a_bad_address(cli):
    result = cli.invoke(args=["users", "create-admin", "not-an-address"], input=PASSWORD + "\n")
    assert result.exit_code != 0
    assert "email: Give an email address." in result.output


def test_create_admin_promotes_an_existing_account(cli):
    factories.user(email="chief@example.org", password=PASSWORD)
    result = cli.invoke(args=["users", "create-admin", "chief@example.org"], input=NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    user = find_user("chief@example.org")
    assert [r.role for r in user.roles] == [Role.ADMIN]
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_demo_accounts_share_one_kept_password(cli, tmp_path):
    neaspec = factories.mechanism(slug="neaspec", short_name="NEASPEC", member_states="JP KR")
    first = cli.invoke(args=["users", "demo"])
    assert first.exit_code == 0, first.output
    kept = tmp_path / "demo-accounts.txt"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    password = next(
        line.split(": ", 1)[1]
        for line in kept.read_text().splitlines()
        if line.startswith("password: ")
    )
    assert f"password: {password}" in first.output
    for email in (
        "demo-admin@example.org",
        "secretariat.neaspec@example.org",
        "nfp.japan.neaspec@example.org",
        "delegate.neaspec@example.org",
    ):
        assert email in first.output
        assert verify_password(find_user(email).password_hash, password)
    nfp = find_user("nfp.japan.neaspec@example.org").roles[0]
    assert (nfp.role, nfp.mechanism_id, nfp.country_code) == (Role.NFP, neaspec.id, "JP")
    second = cli.invoke(args=["users", "demo"])
    assert f"password: {password}" in second.output
    assert len(find_user("demo-admin@example.org").roles) == 1
