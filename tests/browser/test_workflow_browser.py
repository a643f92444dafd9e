"""The whole workflow in headless Chromium: a librarian signs in by the emailed link (a real
SMTP server on loopback), starts from a .docx, fills and saves the draft, sees the precedents
and checklist hints update as she types, submits; a reviewer asks for changes; she resubmits;
the reviewer accepts; the case study is found in search and in the widget. axe-core finds no
WCAG 2.2 A/AA violation on any workflow page, and the same journey works without JavaScript.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from search_service import create_app
from search_service.workflow import accounts, publisher
from search_service.workflow.collection import seed_bundled
from search_service.workflow.db import database, make_engine, upgrade
from search_service.workflow.models import Role
from tests.browser.axe_helpers import run_axe
from tests.builders import word_case_study
from tests.search_service.workflow.mailserver import MailServer

TITLE = "Quillwort ward rounds cut delirium"


class Site:
    def __init__(self, url: str, smtp: MailServer, app: Any) -> None:
        self.url, self.smtp, self.app = url, smtp, app


@pytest.fixture()
def site(tmp_path: Path, index_dir: Path) -> Iterator[Site]:
    url = f"sqlite:///{tmp_path / 'workflow.sqlite'}"
    engine = make_engine(url)
    upgrade(engine, seed_bundled)
    engine.dispose()
    shutil.copytree(index_dir, tmp_path / "index")
    smtp = MailServer()
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"),
                      "DATABASE_URL": url, "SECRET_KEY": "browser", "SMTP_HOST": "127.0.0.1",
                      "SMTP_PORT": smtp.port, "RATELIMIT_ENABLED": False,
                      "PUBLISH_DEBOUNCE_SECONDS": 0.05})
    with app.app_context():
        session = database().session()
        accounts.add_user(session, "reviewer@nhs.net", Role.REVIEWER)
        accounts.add_user(session, "admin@nhs.net", Role.ADMIN)
        session.commit()
        session.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", smtp, app)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        publisher(app).wait_idle()
        smtp.stop()
        with app.app_context():
            database().dispose()


def docx_case_study(path: Path) -> Path:
    path.write_bytes(word_case_study(TITLE))
    return path


def axe(page: Any, found: list[str], name: str) -> None:
    result = run_axe(page, page.problems)
    found += [f"{name}: {v['id']} at {', '.join(v['nodes'][:3])}" for v in result["violations"]]


def sign_in(page: Any, site: Site, email: str, violations: list[str]) -> None:
    page.goto(site.url + "/submissions")
    assert "/sign-in" in page.url
    axe(page, violations, "sign in")
    page.fill("#email", email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.wait_for_selector("h1:has-text('Check your email')")
    axe(page, violations, "check your email")
    page.goto(site.smtp.inbox.link_for(email))
    axe(page, violations, "confirm sign in")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/submissions$"))


def fill_the_rest(page: Any) -> None:
    page.fill("#summary", "A clinical librarian on ward rounds brought delirium screening "
              "evidence that halved missed delirium.")
    page.fill("#patient_benefit", "Older patients with delirium were found and treated sooner.")
    page.fill("#quote__text", "The librarian changed how we look for delirium.")
    page.fill("#quote__name", "Dr Quill Wort")
    page.fill("#quote__role", "Consultant Geriatrician")
    page.fill("#quote__organisation", "Testford Hospitals NHS Trust")
    page.check("#impact_types-improved_the_quality_of_patient_care")
    page.select_option("#group_impacted", "nursing_and_midwifery")
    page.select_option("#sector", "acute")
    page.select_option("#region", "north_west")
    page.fill("#organisation", "Testford Hospitals NHS Trust")
    page.check("#service_types-clinical_librarian")
    page.check("#purpose-patient_care")
    page.fill("#topics", "delirium, ward rounds")
    for question in ("named", "internal", "external"):
        page.check(f"#consent__{question}-yes")


def review(page: Any, site: Site, decision: str, comment: str = "") -> None:
    page.goto(site.url + "/reviews")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_selector("h1:has-text('Review:')")
    for key in ("achievement", "impact", "library_role", "quantified", "named_champion"):
        page.check(f"#criteria__{key}-yes")
    page.fill("#comment", comment)
    page.check(f"#decision-{decision}")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_selector("text=Your decision on")


def test_the_whole_journey(site: Site, page: Any, browser: Any, tmp_path: Path) -> None:
    violations: list[str] = []
    sign_in(page, site, "librarian@nhs.net", violations)
    axe(page, violations, "your case studies")
    page.get_by_role("button", name="Start a new case study").click()
    page.wait_for_selector("#case-form")
    axe(page, violations, "new case study")
    # Start from a Word document: the importer fills the form and marks what it filled.
    page.set_input_files("#document", str(docx_case_study(tmp_path / "case.docx")))
    page.get_by_role("button", name="Upload and fill in the form").click()
    page.wait_for_selector("text=The form has been filled in from your document")
    assert page.input_value("#title") == TITLE
    assert "4AT" in page.input_value("#outcome")
    assert page.locator(".app-origin").count() >= 3
    axe(page, violations, "form filled from a document")
    # Live help: hints and precedents follow the draft as it is typed.
    assert "No cost or time figure" in page.inner_text("#assist-panel")
    assert page.locator("#assist-panel .app-precedent").count() > 0
    fill_the_rest(page)
    page.fill("#savings__staff_hours", "120")
    page.wait_for_function("() => !document.querySelector('#assist-panel')"
                           ".innerText.includes('No cost or time figure')")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_selector("text=Your draft has been saved.")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_selector("text=Your case study has been submitted for review.")
    axe(page, violations, "status")
    status_url = page.url

    reviewer_context = browser.new_context()
    reviewer = reviewer_context.new_page()
    reviewer.problems = []
    sign_in(reviewer, site, "reviewer@nhs.net", violations)
    reviewer.goto(site.url + "/reviews")
    axe(reviewer, violations, "queue")
    reviewer.get_by_role("link", name=TITLE).click()
    axe(reviewer, violations, "review")
    review(reviewer, site, "changes", "Please add the money saved, if any.")

    page.goto(status_url)
    assert "Please add the money saved, if any." in page.inner_text("main")
    page.get_by_role("button", name="Edit and resubmit").click()
    page.fill("#savings__money_gbp", "8000")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_selector("text=Your case study has been submitted for review.")

    review(reviewer, site, "accept")
    reviewer_context.close()
    assert publisher(site.app).wait_idle(120)
    page.goto(status_url)
    assert "It is published" in page.inner_text("main")
    page.goto(site.url + "/?q=quillwort")
    page.get_by_role("link", name=TITLE).wait_for()
    page.goto(site.url + "/embed?q=quillwort")
    assert TITLE in page.inner_text("body")
    # Withdraw: confirmation page, then it leaves search.
    page.goto(status_url)
    page.get_by_role("button", name="Withdraw").click()
    axe(page, violations, "withdraw")
    page.get_by_role("button", name="Withdraw it").click()
    page.wait_for_selector("text=has been withdrawn")
    assert not violations, "\n".join(violations)


def test_admin_pages_are_accessible(site: Site, page: Any) -> None:
    violations: list[str] = []
    sign_in(page, site, "admin@nhs.net", violations)
    page.goto(site.url + "/admin/audit")
    assert "signed in" in page.inner_text("main")
    axe(page, violations, "audit")
    page.goto(site.url + "/submissions/new")
    page.fill("#savings__money_gbp", "lots")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_selector(".nhsuk-error-summary")
    # Chromium logs the form page's own 400 as a console error; that one is expected here.
    page.problems.remove("console error: Failed to load resource: the server responded with "
                         "a status of 400 (BAD REQUEST)")
    axe(page, violations, "form with errors")
    assert not violations, "\n".join(violations)


def test_the_journey_without_javascript(site: Site, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.problems = []
    page.goto(site.url + "/sign-in?next=/submissions")
    page.fill("#email", "nojs@nhs.net")
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.goto(site.smtp.inbox.link_for("nojs@nhs.net"))
    page.get_by_role("button", name="Continue").click()
    page.goto(site.url + "/submissions/new")
    page.fill("#title", TITLE)
    page.fill("#challenge", "Delirium on the wards was often missed at night.")
    page.fill("#lks_contribution", "The clinical librarian searched for delirium screening "
              "evidence and summarised it for the ward team in two pages, within a week.")
    page.fill("#outcome", "The wards adopted the 4AT screening tool for every older patient "
              "on admission, trained all nurses, and missed delirium fell by half.")
    page.get_by_role("button", name="Save and check").click()
    page.wait_for_selector("text=Your draft has been saved and checked")
    panel = page.inner_text("#assist-panel")
    assert "No cost or time figure" in panel and "Done well in" in panel
    assert page.locator("#assist-panel .app-precedent").count() > 0
    fill_the_rest(page)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_selector("text=Your case study has been submitted for review.")
    reviewer = context.new_page()
    reviewer.goto(site.url + "/sign-in")
    reviewer.fill("#email", "reviewer@nhs.net")
    reviewer.get_by_role("button", name="Email me a sign-in link").click()
    reviewer.goto(site.smtp.inbox.link_for("reviewer@nhs.net"))
    reviewer.get_by_role("button", name="Continue").click()
    # One browser, one cookie: the reviewer's sign-in replaced the librarian's.
    review(reviewer, site, "accept")
    assert publisher(site.app).wait_idle(120)
    reviewer.goto(site.url + "/?q=quillwort")
    assert TITLE in reviewer.inner_text("main")
    context.close()
