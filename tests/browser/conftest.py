"""Browser tests: the real app served on loopback, driven by Debian's Chromium through
Playwright, checked with axe-core, with screenshots kept as test artifacts.

- `site`: the app of tests/conftest.py's `app` fixture (SQLite, and PostgreSQL when
  TEST_DATABASE_URL is set; Alembic-migrated; tables emptied after each test; Celery tasks
  eager), served by a werkzeug server on 127.0.0.1 on a port of its own, with CSRF
  protection on, links in mail under the server's address and mail sent to the SMTP server
  on loopback of `smtp_server`. One server and one database per test (per xdist worker), so
  parallel runs do not meet.
- `browser`: Chromium from /usr/bin/chromium, one per test process; never downloaded. Missing,
  the tests skip, except under CI (env CI set), where they fail.
- `visit(actor)`: a new browser (context) for one person of the journey, whose `check(step)`
  saves a full-page screenshot `<journey>-<step>.png` to $BROWSER_ARTIFACTS (else
  test-artifacts/browser/), per backend, and fails on any serious or critical axe violation.
"""

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from werkzeug.serving import make_server
from werkzeug.wsgi import ClosingIterator

from meetings.extensions import db
from meetings.mail import transport
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ROOT = Path(__file__).resolve().parents[2]
# The readers of the journeys are in Paris: their times differ from every venue's.
READER_ZONE = "Europe/Paris"
PASSWORD = "a long browser-test password"


def neaspec_som(**mechanism_fields):
    """NEASPEC (its six member states) and its Senior Officials Meeting, as the journeys'
    pages name them: (mechanism, body)."""
    mech = factories.mechanism(
        slug="neaspec",
        name="North-East Asian Subregional Programme for Environmental Cooperation",
        short_name="NEASPEC",
        member_states="CN JP KP KR MN RU",
        **mechanism_fields,
    )
    som = factories.body(mech, slug="som", name="Senior Officials Meeting", short_name="SOM")
    return mech, som


BLOCKING_IMPACTS = ("serious", "critical")
TIMEOUT_MS = 10_000


def artifacts_folder() -> Path:
    return Path(os.environ.get("BROWSER_ARTIFACTS") or ROOT / "test-artifacts" / "browser")


# ---- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        reason = f"Debian's Chromium is not at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must have it: {reason}; browser tests may not skip.", pytrace=False)
        pytest.skip(reason)
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


# ---- the site ---------------------------------------------------------------------------------


@dataclass
class Site:
    url: str
    app: Flask
    mail: list[EmailMessage]

    def emails_to(self, address: str, timeout: float = 5.0) -> list[EmailMessage]:
        """The messages the SMTP server received for `address`, waiting for the first."""
        deadline = time.monotonic() + timeout
        while True:
            found = [m for m in self.mail if address in str(m["To"])]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def subjects_to(self, address: str) -> list[str]:
        # A long subject is folded right after "Subject:": unfolded, it starts with a space.
        return [str(m["Subject"]).strip() for m in self.emails_to(address)]


def _closing_smtp(wsgi_app: Callable) -> Callable:
    """Close the request thread's SMTP connection once its response is sent: eager tasks send
    mail from the request's thread, whose kept connection would otherwise outlive it."""

    def serve(environ, start_response):
        return ClosingIterator(wsgi_app(environ, start_response), [transport._close])

    return serve


@pytest.fixture
def site(app: Flask, smtp_server: list[EmailMessage]) -> Iterator[Site]:
    server = make_server("127.0.0.1", 0, _closing_smtp(app), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config.update(
        WTF_CSRF_ENABLED=True,  # a real browser submits real forms, with their tokens
        SERVER_NAME=None,  # the server's own address, not tests/conftest.py's meetings.test
        PUBLIC_BASE_URL=url,  # links in mail and calendar addresses
    )
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    # The test's own session (for factories) keeps nothing open while the server writes.
    db.session.commit()
    try:
        yield Site(url, app, smtp_server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        transport._close()  # mail the test itself caused, in this thread


# ---- people in browsers -----------------------------------------------------------------------


def _journey_name(request: pytest.FixtureRequest) -> str:
    """test_schedule_next_som.py -> schedule-next-som."""
    return request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_").replace("_", "-")


def _backend(request: pytest.FixtureRequest) -> str:
    callspec = getattr(request.node, "callspec", None)
    return str(callspec.params.get("app", "sqlite")) if callspec else "sqlite"


@dataclass
class Visitor:
    """One person's browser during a journey."""

    actor: str
    page: Page
    site: Site
    folder: Path
    journey: str
    steps: list[str]  # the journey's steps so far, of all its people

    def open(self, path: str = "/") -> None:
        self.page.goto(self.site.url + path)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in through the sign-in page, from the link every page has."""
        self.page.get_by_role("navigation", name="Account").get_by_role(
            "link", name="Sign in"
        ).click()
        expect(self.page.get_by_role("heading", name="Sign in")).to_be_visible()
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        account = self.page.get_by_role("navigation", name="Account")
        expect(account.get_by_role("button", name="Sign out")).to_be_visible()

    def keep(self, name: str, data: bytes) -> None:
        """Keep something the journey received (a calendar feed) beside its screenshots."""
        (self.folder / f"{self.journey}-{name}").write_bytes(data)

    def check(self, step: str) -> None:
        """Keep a full-page screenshot of this step, then fail on serious or critical axe
        violations (and keep every violation found, for the record)."""
        self.steps.append(step)
        name = f"{self.journey}-{len(self.steps):02d}-{step}"
        self.page.screenshot(path=self.folder / f"{name}.png", full_page=True)
        violations = Axe().run(self.page).response["violations"]
        if violations:
            report = self.folder / f"{name}.axe.json"
            report.write_text(json.dumps(violations, indent=2))
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe on {self.page.url} ({name}):\n" + describe(blocking)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{targets}]")
    return "\n".join(lines)


@pytest.fixture
def visit(request, browser: Browser, site: Site) -> Iterator[Callable[[str], Visitor]]:
    """Open a browser for an actor of the journey: visit("secretariat")."""
    journey = _journey_name(request)
    folder = artifacts_folder() / _backend(request)
    folder.mkdir(parents=True, exist_ok=True)
    contexts: list[BrowserContext] = []
    steps: list[str] = []

    def open_browser(actor: str) -> Visitor:
        context = browser.new_context(
            timezone_id=READER_ZONE,
            locale="en-GB",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return Visitor(actor, context.new_page(), site, folder, journey, steps)

    yield open_browser
    for context in contexts:
        context.close()


def text_of(locator) -> str:
    """What a reader sees in an element, on one line."""
    return re.sub(r"\s+", " ", locator.inner_text()).strip()
