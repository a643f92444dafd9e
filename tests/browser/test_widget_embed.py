"""The iframe variant (/embed) on a host that allows no third-party script, and the /widget
page for site owners, in real Chromium."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.browser.axe_helpers import run_axe

HostSite = Any  # tests/browser/conftest.py
LiveServer = Any


@pytest.fixture()
def service(widget_service: LiveServer) -> str:
    return str(widget_service.url)


def test_iframe_searches_without_script_on_the_host(page: Any, host_site: HostSite,
                                                    service: str) -> None:
    frame_src = f"{service}/embed?region=north_west&mode=boost&per_page=8"
    url = host_site.add(f'<iframe src="{frame_src}" title="Search impact case studies" '
                        'width="600" height="800"></iframe>',
                        f"default-src 'none'; frame-src {service}")
    page.goto(url)
    frame = page.frame_locator("iframe")
    frame.get_by_label("Search NHS library impact case studies").fill("falls")
    frame.get_by_role("button", name="Search").press("Enter")
    frame.locator("li.hit").first.wait_for()
    with urllib.request.urlopen(f"{service}/api/v1/search?q=falls&boost_region=north_west"
                                "&per_page=8") as response:
        expected = json.load(response)
    shown = [t.replace("(opens in a new tab)", "").strip()
             for t in frame.locator("a.title").all_inner_texts()]
    assert shown == [h["title"] for h in expected["hits"]]
    labels = frame.locator(".group-label").all_inner_texts()
    assert labels == ["From your region", "Other case studies"]
    inner = page.frames[1]
    assert "q=falls" in inner.url and "region=north_west" in inner.url  # presets kept
    assert run_axe(inner, page.problems)["violations"] == []


def test_builder_writes_the_snippet_and_updates_the_preview(page: Any, service: str) -> None:
    page.goto(f"{service}/widget")
    page.get_by_label("Region").select_option("north_west")
    page.get_by_label("Show these first, then all others").check()
    page.get_by_label("Results shown (1 to 20)").fill("7")
    snippet = page.locator("#snippet-element code").inner_text()
    assert f'<script src="{service}/widget/v1/impact-search.js" defer></script>' in snippet
    assert '<impact-search region="north_west" mode="boost" per-page="7">' in snippet
    iframe = page.locator("#snippet-iframe code").inner_text()
    assert f"{service}/embed?region=north_west&amp;mode=boost&amp;per_page=7" in iframe
    preview = page.locator("#preview impact-search")
    assert preview.get_attribute("region") == "north_west"
    assert preview.get_attribute("mode") == "boost"
    preview.locator("input[type=search]").press_sequentially("falls")
    page.locator("#preview impact-search .group-label").first.wait_for()
    policy = page.locator("#policy-element code").inner_text()
    assert policy.splitlines() == [f"script-src {service};", f"connect-src {service};",
                                   f"style-src {service};"]
    assert run_axe(page, page.problems)["violations"] == []
