"""The pages in headless Chromium: accessibility (axe-core, WCAG 2.2 A and AA), keyboard use,
the live result count, the autocomplete, live filters with Back, and everything without
JavaScript. The ``page`` fixture fails a test on any console error or CSP violation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.axe_helpers import axe_violations

CASE_ID = "falls-bundle-evidence-review-northmoor"
DRAFT = ("Business case for a frailty virtual ward. The clinical librarian found evidence on "
         "remote monitoring of older people at home, admissions and length of stay.")


def open_similar_with_results(page: Any, base: str) -> None:
    page.goto(base + "/similar")
    page.fill("#text", DRAFT)
    page.get_by_role("button", name="Find similar case studies").click()
    page.wait_for_selector("#matches-heading")


def open_autocomplete(page: Any, base: str) -> None:
    page.goto(base + "/")
    page.locator("#q").press_sequentially("seps", delay=20)
    page.wait_for_selector("#q-suggestions [role=option]")


def open_with_status(page: Any, url: str, status: str) -> None:
    page.goto(url)
    # Chromium logs the document's own error status as a console error; that one is expected.
    expected = "console error: Failed to load resource: the server responded with a status " \
               f"of {status}"
    assert page.problems.count(expected) == 1
    page.problems.remove(expected)


def open_not_found(page: Any, base: str) -> None:
    open_with_status(page, base + "/cases/no-such-case", "404 (NOT FOUND)")


def open_bad_query(page: Any, base: str) -> None:
    open_with_status(page, base + "/?q=s*&region=london", "400 (BAD REQUEST)")


STATES = {
    "results": lambda page, base: page.goto(base + "/?q=falls"),
    "no results": lambda page, base: page.goto(base + "/?q=zzqqxx"),
    "filters applied": lambda page, base: page.goto(
        base + "/?q=falls&sector=acute&region=london&has_savings=true&year_from=2018"),
    "everything, page 2": lambda page, base: page.goto(base + "/?page=2"),
    "case": lambda page, base: page.goto(f"{base}/cases/{CASE_ID}"),
    "similar form": lambda page, base: page.goto(base + "/similar"),
    "similar with results": open_similar_with_results,
    "autocomplete open": open_autocomplete,
    "about": lambda page, base: page.goto(base + "/about"),
    "not found": open_not_found,
    "bad query": open_bad_query,
}


@pytest.mark.parametrize("state", list(STATES))
def test_no_wcag_violations(page: Any, live_server: Any, state: str) -> None:
    STATES[state](page, live_server.url)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def open_widget_preview_with_results(page: Any, base: str) -> None:
    # The owners' page with results in its live preview (which scrolls inside its frame on
    # a desktop).
    page.goto(base + "/widget?region=north_west&mode=boost")
    page.locator("#preview impact-search input[type=search]").press_sequentially("falls")
    page.locator("#preview impact-search .group-label").first.wait_for()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("open_page", [
    lambda page, base: page.goto(base + "/?q=falls&sector=acute"),
    lambda page, base: page.goto(base + "/widget"),
    open_widget_preview_with_results,
], ids=["search", "widget", "widget preview"])
def test_no_wcag_violations_at_phone_and_desktop_widths(page: Any, live_server: Any,
                                                        width: int, open_page: Any) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    open_page(page, live_server.url)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


def focused(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {id: el.id, tag: el.tagName, text: el.textContent.trim().slice(0, 80),
                href: el.getAttribute('href') || '',
                outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
                shadow: style.boxShadow !== 'none', background: style.backgroundColor};
    }""")
    return result


def tab_until(page: Any, predicate: Any, limit: int = 120) -> list[dict[str, Any]]:
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        seen.append(now)
        if predicate(now):
            return seen
    raise AssertionError(f"not reached in {limit} Tabs; last: {seen[-5:]}")


def test_keyboard_only_search_facet_pagination_and_result(page: Any,
                                                          live_server: Any) -> None:
    page.goto(live_server.url + "/")
    # The skip link comes first, then the header, then the search box.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    path = tab_until(page, lambda f: f["id"] == "q")
    assert [f["text"] for f in path][:1] == ["Library impact case study search"]
    assert all(f["outline"] or f["shadow"] for f in path), "every stop shows where focus is"
    page.keyboard.type("falls")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.getElementById('result-count').textContent.includes('falls')")
    assert "q=falls" in page.url

    # A facet: tab to the first checkbox and tick it with the space bar.
    facet = tab_until(page, lambda f: f["id"].startswith("f-impact_type-"))[-1]
    assert focused(page)["outline"] or focused(page)["shadow"]
    before = page.locator("#result-count").text_content()
    page.keyboard.press("Space")
    page.wait_for_function(
        "before => document.getElementById('result-count').textContent !== before", arg=before)
    key = facet["id"].removeprefix("f-impact_type-")
    assert f"impact_type={key}" in page.url
    assert focused(page)["id"] == facet["id"], "focus stays on the box after the update"

    # Pagination, after the facets and the results, in reading order.
    page.goto(live_server.url + "/?q=care")
    stops = tab_until(page, lambda f: "page=2" in f["href"])
    order = [s["id"] or s["href"] for s in stops]
    first_result = next(i for i, s in enumerate(stops) if s["href"].startswith("/cases/"))
    first_facet = next(i for i, s in enumerate(order) if s.startswith("f-"))
    assert order.index("q") < first_facet < first_result < len(stops) - 1
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=2"))
    assert focused(page)["id"] == "results", "after a new page, focus moves to the results"

    # A result link opens the case study.
    link = tab_until(page, lambda f: f["href"].startswith("/cases/"))[-1]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(link["href"]) + "$"))
    assert page.locator("h1").text_content() == link["text"]


def test_result_count_is_announced_in_a_live_region(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/?q=falls")
    count = page.locator("#result-count")
    assert count.get_attribute("role") == "status"
    first = count.text_content()
    node = count.element_handle()
    page.locator("label[for='f-sector-ambulance']").click()
    page.wait_for_function(
        "before => document.getElementById('result-count').textContent !== before", arg=first)
    # The same element changed its text (a replaced element would not be announced).
    assert node.evaluate("el => el.isConnected")
    total = page.evaluate("fetch('/api/v1/search?q=falls&sector=ambulance')"
                          ".then(r => r.json()).then(d => d.total)")
    assert count.text_content().startswith(f"{total} case stud")


def test_live_filters_keep_the_url_and_back_button_in_step(page: Any,
                                                           live_server: Any) -> None:
    page.goto(live_server.url + "/?q=falls")
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    first_ids = page.locator(".app-result__title a").all_text_contents()
    page.locator("label[for='f-sector-ambulance']").click()
    page.wait_for_url(re.compile(r"sector=ambulance"))
    page.wait_for_function("() => !document.getElementById('results').hasAttribute('aria-busy')")
    api = page.evaluate("fetch('/api/v1/search?q=falls&sector=ambulance')"
                        ".then(r => r.json()).then(d => d.hits.map(h => h.title))")
    assert page.locator(".app-result__title a").all_text_contents() == api
    page.select_option("#sort", "title")
    page.wait_for_url(re.compile(r"sort=title"))
    page.go_back()
    page.wait_for_url(re.compile(r"sector=ambulance$"))
    page.go_back()
    page.wait_for_url(re.compile(r"\?q=falls$"))
    page.wait_for_function(
        "n => document.querySelectorAll('.app-result__title a').length === n",
        arg=len(first_ids))
    assert page.locator(".app-result__title a").all_text_contents() == first_ids
    assert not page.locator("#f-sector-ambulance").is_checked()
    assert loads == [], "no full page load"


def test_autocomplete_is_an_aria_combobox_and_applies_a_filter(page: Any,
                                                               live_server: Any) -> None:
    page.goto(live_server.url + "/")
    box = page.locator("#q")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("north w", delay=20)
    page.wait_for_selector("#q-suggestions [role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    assert box.get_attribute("aria-controls") == "q-suggestions"
    options = page.locator("#q-suggestions [role=option]")
    labels = options.all_text_contents()
    index = next(i for i, text in enumerate(labels) if text.startswith("North West"))
    for _ in range(index + 1):
        box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert box.evaluate("el => el === document.activeElement"), "focus stays in the box"
    box.press("Enter")
    page.wait_for_url(re.compile(r"region=north_west"))
    assert page.locator("#f-region-north_west").is_checked()
    assert box.input_value() == ""
    # Escape closes the list without changing the text.
    box.press_sequentially("sep", delay=20)
    page.wait_for_selector("#q-suggestions [role=option]")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "sep"


def test_long_facet_lists_fold_and_can_be_filtered(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    group = page.locator("[data-facet=organisation]")
    assert group.locator("details").count() == 1
    assert not group.locator("details").evaluate("d => d.open")
    group.get_by_label("Find organisation").fill("northmoor")
    visible = group.locator(".nhsuk-checkboxes__item:visible label").all_text_contents()
    assert visible and all("Northmoor" in text for text in visible)


@pytest.fixture()
def no_js_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def test_search_and_filters_work_without_javascript(no_js_page: Any,
                                                    live_server: Any) -> None:
    page = no_js_page
    page.goto(live_server.url + "/")
    assert page.locator("#q").get_attribute("role") is None, "no half-built combobox"
    assert page.locator(".app-facet__filter").first.is_hidden()
    page.fill("#q", "falls")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=falls"))
    total = int(page.locator("#result-count").text_content().split()[0])
    page.check("#f-sector-ambulance")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"sector=ambulance"))
    narrowed = int(page.locator("#result-count").text_content().split()[0])
    assert 0 < narrowed < total
    page.select_option("#sort", "oldest")
    page.get_by_role("button", name="Sort", exact=True).click()
    page.wait_for_url(re.compile(r"sort=oldest"))
    years = [int(t.rsplit("·", 1)[1]) for t in
             page.locator(".app-result__meta").all_text_contents()]
    assert years == sorted(years)
    page.get_by_role("link", name=re.compile("Remove filter Sector")).click()
    page.wait_for_url(re.compile(r"^(?!.*sector=)"))
    assert int(page.locator("#result-count").text_content().split()[0]) == total


def test_pages_load_nothing_from_other_origins(page: Any, live_server: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/?q=falls", f"/cases/{CASE_ID}", "/similar", "/about"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert requested
    assert [url for url in requested if not url.startswith(live_server.url)] == []


def test_on_a_phone_the_filters_fold_behind_a_button(page: Any, live_server: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/?q=falls&sector=acute")
    toggle = page.locator(".app-filters-toggle")
    assert toggle.text_content() == "Show filters (1 chosen)"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("#filter-groups").is_hidden()
    assert page.locator(".app-result").first.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.locator("label[for='f-sector-ambulance']").click()
    page.wait_for_url(re.compile(r"sector=ambulance"))
    page.wait_for_function("() => !document.getElementById('results').hasAttribute('aria-busy')")
    assert page.locator("#filter-groups").is_visible(), "stays open across the update"
    assert page.locator(".app-filters-toggle").text_content() == "Hide filters (2 chosen)"


def test_a_bad_query_keeps_the_box_and_the_query_with_the_message_beside_it(
        page: Any, live_server: Any) -> None:
    open_bad_query(page, live_server.url)
    assert page.input_value("#q") == "s*"
    assert "wildcard needs at least 3 letters" in page.locator("#q-error").inner_text()
    assert page.get_attribute("#q", "aria-describedby") == "q-hint q-error"
    # The summary's link takes the keyboard to the box; correcting it searches, filters kept.
    page.locator(".nhsuk-error-summary a[href='#q']").click()
    assert page.evaluate("document.activeElement.id") == "q"
    page.fill("#q", "sepsis")
    page.keyboard.press("Enter")
    page.wait_for_selector("#result-count")
    assert re.search(r"[?&]q=sepsis", page.url) and "region=london" in page.url
    assert "found" in page.locator("#result-count").inner_text()


def test_a_case_study_prints_as_the_vignette_alone(page: Any, live_server: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/cases/{CASE_ID}")
    url = f"{live_server.url}/cases/{CASE_ID}"
    assert not page.locator(".app-print-only").is_visible()
    page.emulate_media(media="print")
    for hidden in (".nhsuk-header__navigation", ".nhsuk-back-link", ".app-similar",
                   ".nhsuk-footer__list"):
        assert not page.locator(hidden).first.is_visible(), hidden
    # Where it came from, and the footer's notice, go on the paper.
    assert page.locator(".app-print-only").inner_text() == url
    assert page.locator(".nhsuk-footer").is_visible()
    # The facts column prints full width under the story, not squeezed beside it.
    story = page.locator(".app-vignette .nhsuk-grid-column-two-thirds").bounding_box()
    facts = page.locator(".app-vignette .nhsuk-grid-column-one-third").bounding_box()
    assert story and facts and facts["width"] == pytest.approx(story["width"], abs=2)
    assert facts["y"] > story["y"] + story["height"] - 1
    # Facet links print as text, without the design system's "(Link: ...)".
    after = page.evaluate("getComputedStyle(document.querySelector('.app-facts a'), "
                          "'::after').content")
    assert after in ("none", "normal")
