"""Cards in headless Chromium: the endorsement form and the case page's share section pass
axe-core (WCAG 2.2 A and AA), the copy button copies the alt text under the strict CSP (and
stays hidden without JavaScript), and the real form makes a card download in a browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.axe_helpers import axe_violations

CASE_ID = "falls-bundle-evidence-review-northmoor"
REJECTED = ("console error: Failed to load resource: the server responded with a status of "
            "400 (BAD REQUEST)")


def submit_unconfirmed(page: Any, base: str) -> None:
    page.goto(base + "/endorsement-card")
    page.fill("#quote", "Brilliant 😀")
    page.get_by_role("button", name="Make the card").click()
    page.wait_for_selector(".nhsuk-error-summary")
    assert page.problems.count(REJECTED) == 1  # the 400 page itself, expected here
    page.problems.remove(REJECTED)


STATES = {
    "form": lambda page, base: page.goto(base + "/endorsement-card"),
    "form with errors": submit_unconfirmed,
    "case share section": lambda page, base: page.goto(f"{base}/cases/{CASE_ID}#share-heading"),
}


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("state", list(STATES))
def test_no_wcag_violations(page: Any, live_server: Any, state: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    STATES[state](page, live_server.url)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def test_the_copy_button_copies_the_alt_text(browser: Any, live_server: Any) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{live_server.url}/cases/{CASE_ID}")
        button = page.get_by_role("button", name="Copy alt text")
        button.wait_for(state="visible")
        button.click()
        status = page.locator("[data-copy-status]")
        status.filter(has_text="Alt text copied").wait_for()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == page.locator("#card-alt-text").input_value()
        assert copied.startswith("Impact card: £14,800 saved.")
    finally:
        context.close()
    assert problems == []


def test_without_javascript_the_alt_text_is_there_and_the_button_is_not(
        browser: Any, live_server: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/cases/{CASE_ID}")
        assert page.locator("#card-alt-text").input_value().startswith("Impact card:")
        assert not page.get_by_role("button", name="Copy alt text").is_visible()
        assert page.get_by_role("link", name="Social media card", exact=True).get_attribute(
            "href") == f"/cases/{CASE_ID}/card.png"
    finally:
        context.close()


def test_the_form_makes_a_card_download_in_a_real_browser(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/endorsement-card")
    page.fill("#quote", "The library's evidence is behind every big decision we make.")
    page.fill("#name", "Dr Amina Shah")
    page.fill("#job_title", "Medical Director")
    page.fill("#organisation", "Northmoor Teaching Hospitals NHS Foundation Trust")
    page.check("#format-square")
    page.check("#confirm")
    with page.expect_download() as download:
        page.get_by_role("button", name="Make the card").click()
    assert download.value.suggested_filename == "endorsement-card-square.png"
    with open(download.value.path(), "rb") as made:
        assert made.read(8) == b"\x89PNG\r\n\x1a\n"
