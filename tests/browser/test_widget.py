"""<impact-search> on a host page of another origin whose policy is only
``script-src SERVICE; connect-src SERVICE; style-src SERVICE``, in real Chromium.

The ``page`` fixture fails a test on any console error or CSP violation, so each test here
also proves the widget needs nothing beyond those three directives.
"""

from __future__ import annotations

import json
import socket
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.axe_helpers import run_axe

HostSite = Any  # tests/browser/conftest.py: HostSite and LiveServer
LiveServer = Any



def strict_policy(service: str) -> str:
    return f"script-src {service}; connect-src {service}; style-src {service}"


def element(service: str, attrs: str = "") -> str:
    return (f'<script src="{service}/widget/v1/impact-search.js" defer></script>'
            f"<impact-search {attrs}><a href=\"{service}/\">Search impact case studies</a>"
            "</impact-search>")


def api(service: str, query: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{service}/api/v1/search?{query}") as response:
        body: dict[str, Any] = json.load(response)
    return body


def titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("impact-search a.title").all_inner_texts()]


def type_query(page: Any, text: str) -> None:
    box = page.locator("impact-search input[type=search]")
    box.press_sequentially(text)
    page.locator("impact-search li.hit").first.wait_for()


def active_text(page: Any) -> str:
    text: str = page.evaluate(
        "() => { const a = document.querySelector('impact-search').shadowRoot.activeElement;"
        " return a ? (a.tagName + ':' + (a.textContent || a.value)) : 'none'; }")
    return text


@pytest.fixture()
def service(widget_service: LiveServer) -> str:
    return widget_service.url


def test_types_a_query_and_shows_the_services_results(page: Any, host_site: HostSite,
                                                       service: str) -> None:
    url = host_site.add(element(service, 'per-page="5"'), strict_policy(service))
    page.goto(url)
    type_query(page, "falls")
    expected = api(service, "q=falls&per_page=5")
    page.wait_for_function("() => document.querySelector('impact-search').shadowRoot"
                           ".querySelector('[role=status]').textContent.includes('of')")
    assert titles(page) == [hit["title"] for hit in expected["hits"]]
    status = page.locator("impact-search [role=status]").inner_text()
    assert f"5 of {expected['total']}" in status
    more = page.locator("impact-search a.more-link")
    assert parse_qs(urlsplit(more.get_attribute("href")).query) == {"q": ["falls"]}
    assert more.get_attribute("href").startswith(service + "/?")
    # The linked stylesheet applied inside the shadow root under style-src SERVICE.
    background = page.locator("impact-search button").evaluate(
        "b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(0, 94, 184)"


def test_keyboard_moves_through_results_and_back(page: Any, host_site: HostSite,
                                                 service: str) -> None:
    page.goto(host_site.add(element(service, 'per-page="4"'), strict_policy(service)))
    type_query(page, "sepsis")
    page.wait_for_function("() => document.querySelector('impact-search').shadowRoot"
                           ".querySelectorAll('li.hit').length === 4")
    names = titles(page)
    page.keyboard.press("ArrowDown")
    assert active_text(page) == f"A:{names[0]}"
    page.keyboard.press("ArrowDown")
    assert active_text(page) == f"A:{names[1]}"
    page.keyboard.press("End")
    assert active_text(page) == f"A:{names[3]}"
    page.keyboard.press("ArrowDown")  # stays on the last result
    assert active_text(page) == f"A:{names[3]}"
    page.keyboard.press("Home")
    assert active_text(page) == f"A:{names[0]}"
    page.keyboard.press("ArrowUp")  # above the first result is the search box
    assert active_text(page) == "INPUT:sepsis"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert active_text(page) == "INPUT:sepsis"


def test_boost_mode_lists_the_region_first_then_the_rest(page: Any, host_site: HostSite,
                                                         service: str) -> None:
    attrs = 'region="north_west" mode="boost" per-page="8"'
    page.goto(host_site.add(element(service, attrs), strict_policy(service)))
    type_query(page, "falls")
    expected = api(service, "q=falls&boost_region=north_west&per_page=8")
    boosted = [h["title"] for h in expected["hits"] if h["boosted"]]
    others = [h["title"] for h in expected["hits"] if not h["boosted"]]
    assert boosted and others, "the query must reach both groups to test the ordering"
    assert all(h["region"]["key"] == "north_west" for h in expected["hits"][:len(boosted)])
    page.wait_for_function("() => document.querySelector('impact-search').shadowRoot"
                           ".querySelectorAll('.group').length === 2")
    groups = page.locator("impact-search .group")
    assert groups.nth(0).locator(".group-label").inner_text() == "From your region"
    assert groups.nth(1).locator(".group-label").inner_text() == "Other case studies"
    assert groups.nth(0).locator("a.title").all_inner_texts() == boosted
    assert groups.nth(1).locator("a.title").all_inner_texts() == others
    unboosted = api(service, "q=falls&per_page=8")
    assert [h["title"] for h in unboosted["hits"]] != boosted + others
    more = page.locator("impact-search a.more-link").get_attribute("href")
    assert parse_qs(urlsplit(more).query) == {"q": ["falls"], "boost_region": ["north_west"]}


def test_filter_mode_shows_only_the_presets(page: Any, host_site: HostSite,
                                            service: str) -> None:
    attrs = 'region="north_west" sector="acute mental_health" per-page="10"'
    page.goto(host_site.add(element(service, attrs), strict_policy(service)))
    type_query(page, "care")
    expected = api(service, "q=care&region=north_west&sector=acute&sector=mental_health"
                            "&per_page=10")
    page.wait_for_function(f"() => document.querySelector('impact-search').shadowRoot"
                           f".querySelectorAll('li.hit').length === {len(expected['hits'])}")
    assert titles(page) == [h["title"] for h in expected["hits"]]
    # No boost groups; only the related case studies after few matches have a label.
    labels = page.locator("impact-search .group-label").all_inner_texts()
    assert labels == (["Related case studies (they do not use your words)"]
                      if expected["related"] else [])
    assert all(h["region"]["key"] == "north_west" for h in expected["hits"])


def test_host_theme_reaches_in_and_host_styles_do_not(page: Any, host_site: HostSite,
                                                      service: str) -> None:
    # A host-level sheet with the theme and the kind of blunt rules old CMS themes carry.
    page.goto(host_site.add(element(service, 'class="themed"'), strict_policy(service)))
    page.evaluate(
        "() => { const s = new CSSStyleSheet(); s.replaceSync("
        "'impact-search { --impact-search-accent: rgb(120, 20, 90); text-align: right; }"
        " button, a { background: rgb(255, 0, 0) !important; }');"
        " document.adoptedStyleSheets = [s]; }")
    type_query(page, "falls")
    button = page.locator("impact-search button")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(120, 20, 90)"
    link = page.locator("impact-search a.title").first
    assert link.evaluate("a => getComputedStyle(a).color") == "rgb(120, 20, 90)"
    assert link.evaluate("a => getComputedStyle(a).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert page.locator("impact-search .box").evaluate(
        "b => getComputedStyle(b).textAlign") in ("start", "left")


def test_axe_finds_no_wcag_violations_in_the_widget(page: Any, host_site: HostSite,
                                                    service: str) -> None:
    attrs = 'region="north_west" mode="boost" per-page="6"'
    page.goto(host_site.add(element(service, attrs), strict_policy(service)))
    type_query(page, "falls")
    page.wait_for_function("() => document.querySelector('impact-search').shadowRoot"
                           ".querySelectorAll('.group').length === 2")
    result = run_axe(page, page.problems, "impact-search")
    assert result["violations"] == []
    label_checks = {n for p in result["passes"] if p["id"] == "label" for n in p["nodes"]}
    assert '[["impact-search","#q"]]' in label_checks  # axe did look inside the shadow root


def test_without_javascript_the_fallback_link_shows(browser: Any, host_site: HostSite,
                                                    service: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(host_site.add(element(service, 'region="north_west"'),
                                strict_policy(service)))
        link = page.get_by_role("link", name="Search impact case studies")
        assert link.is_visible()
        assert link.get_attribute("href") == f"{service}/"
    finally:
        context.close()


def test_with_javascript_the_fallback_link_is_replaced(page: Any, host_site: HostSite,
                                                       service: str) -> None:
    page.goto(host_site.add(element(service), strict_policy(service)))
    page.locator("impact-search input[type=search]").wait_for()
    assert not page.get_by_role("link", name="Search impact case studies").is_visible()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_service_shows_a_readable_error(page: Any, host_site: HostSite,
                                                    service: str) -> None:
    dead = f"http://127.0.0.1:{closed_port()}"
    policy = f"script-src {service}; connect-src {dead}; style-src {service} {dead}"
    page.goto(host_site.add(element(service, f'service="{dead}"'), policy))
    page.locator("impact-search input[type=search]").press_sequentially("falls")
    alert = page.locator("impact-search [role=alert]")
    alert.get_by_text("could not be reached").wait_for()
    assert alert.get_by_role("link").get_attribute("href") == f"{dead}/?q=falls"
    # The browser itself reports the refused connections; nothing else may appear.
    page.problems[:] = [p for p in page.problems if "ERR_CONNECTION_REFUSED" not in p]


def test_a_host_policy_that_blocks_the_api_is_named(page: Any, host_site: HostSite,
                                                    service: str) -> None:
    policy = f"script-src {service}; connect-src 'self'; style-src {service}"
    page.goto(host_site.add(element(service), policy))
    page.locator("impact-search input[type=search]").press_sequentially("falls")
    page.locator("impact-search [role=alert]").get_by_text("security policy blocks").wait_for()
    expected = [p for p in page.problems if "connect-src" in p or "Content Security" in p]
    assert expected, "the block must come from the host policy"
    page.problems[:] = [p for p in page.problems if p not in expected]


def test_a_sure_correction_shows_its_results_and_search_instead_types_as_typed(
        page: Any, host_site: HostSite, service: str) -> None:
    page.goto(host_site.add(element(service, 'per-page="5"'), strict_policy(service)))
    type_query(page, "dementai")
    correction = page.locator("impact-search p.correction")
    correction.wait_for()
    expected = api(service, "q=dementai&per_page=5")
    assert expected["correction"] == {"original": "dementai", "corrected": "dementia"}
    assert correction.inner_text() == ("Showing results for “dementia”. "
                                       "Search instead for “dementai”")
    assert titles(page) == [hit["title"] for hit in expected["hits"]]
    link = page.locator("impact-search a.instead")
    assert parse_qs(urlsplit(link.get_attribute("href")).query) == {
        "q": ["dementai"], "exact": ["true"]}
    link.click()
    page.wait_for_function("() => document.querySelector('impact-search').shadowRoot"
                           ".querySelector('[role=status]').textContent.includes('No case')")
    assert correction.is_hidden() and titles(page) == []
    assert active_text(page) == "INPUT:dementai"


def test_related_case_studies_follow_few_matches_under_their_own_label(
        page: Any, host_site: HostSite, service: str) -> None:
    page.goto(host_site.add(element(service, 'per-page="5"'), strict_policy(service)))
    type_query(page, "lymphoedema")
    expected = api(service, "q=lymphoedema&per_page=5")
    matching = [h["title"] for h in expected["hits"] if not h["related"]]
    related = [h["title"] for h in expected["hits"] if h["related"]]
    assert matching and related and expected["total"] == len(matching)
    page.locator("impact-search .group-label").wait_for()
    assert page.locator("impact-search .group-label").inner_text() == (
        "Related case studies (they do not use your words)")
    assert titles(page) == matching + related
    status = page.locator("impact-search [role=status]").inner_text()
    assert f"{len(matching)} of {expected['total']}" in status
