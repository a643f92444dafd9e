"""The insights and analytics pages in headless Chromium: axe-core (WCAG 2.2 A and AA) at
phone and desktop widths, charts readable at 375 px, and the way back to the search. The
``page`` fixture fails a test on any console error or CSP violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search_service.analytics.store import THRESHOLD
from tests.browser.axe_helpers import run_axe
from tests.browser.conftest import LiveServer, serve_app


def axe_violations(page: Any) -> list[str]:
    result = run_axe(page, page.problems)
    return [f"{v['id']} at {', '.join(v['nodes'][:3])}" for v in result["violations"]]


@pytest.fixture(scope="module")
def analytics_server(index_dir: Path, tmp_path_factory: pytest.TempPathFactory
                     ) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("analytics") / "analytics.sqlite"
    yield from serve_app(index_dir, ANALYTICS_ENABLED=True, ANALYTICS_DB=str(db))


PAGES = {
    "insights": "/insights",
    "insights of a search": "/insights?q=falls&region=south_east&has_savings=true",
    "insights of nothing": "/insights?q=zzqqxx",
    "search with its links": "/?q=sepsis",
}


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_no_wcag_violations(page: Any, live_server: LiveServer, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_analytics_page_has_no_wcag_violations(page: Any, analytics_server: LiveServer,
                                               width: int) -> None:
    for _ in range(THRESHOLD):
        page.request.get(analytics_server.url + "/?q=falls&region=london")
        page.request.get(analytics_server.url + "/?q=zzqqxx")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(analytics_server.url + "/admin/analytics")
    assert page.locator("td", has_text="zzqqxx").count() >= 1
    assert axe_violations(page) == []


def test_charts_are_readable_on_a_phone(page: Any, live_server: LiveServer) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/insights?q=care")
    measured = page.evaluate("""() => {
        const charts = [...document.querySelectorAll('.app-chart svg')];
        const texts = charts.flatMap(svg => [...svg.querySelectorAll('text')]);
        // The size a reader sees: the font size scaled as the drawing is.
        const heights = texts.map(t => {
            const svg = t.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return parseFloat(t.getAttribute('font-size')) * scale;
        });
        const overflow = texts.some(t => {
            const box = t.getBoundingClientRect();
            const frame = t.ownerSVGElement.getBoundingClientRect();
            return box.right > frame.right + 1;
        });
        return {charts: charts.length, smallest: Math.min(...heights), overflow,
                scrollWidth: document.documentElement.scrollWidth,
                widest: Math.max(...charts.map(svg => svg.getBoundingClientRect().width))};
    }""")
    assert measured["charts"] == 6
    assert measured["scrollWidth"] <= 375, "the page scrolls sideways"
    assert measured["widest"] <= 375
    assert measured["smallest"] >= 14, "chart text smaller than 14 px is hard to read"
    assert not measured["overflow"], "a label or value runs off its chart"


def test_from_search_to_insights_and_back(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/?q=falls")
    count = page.locator("#result-count").text_content()
    page.get_by_role("link", name="See the impact of these results").click()
    page.wait_for_url("**/insights?q=falls")
    total = count.split()[0]
    assert page.locator(".app-figure").first.text_content() == total
    page.get_by_role("link", name="Back to these search results").click()
    page.wait_for_url("**/?q=falls")
    assert page.locator("#result-count").text_content() == count
