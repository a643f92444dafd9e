"""A record with script and HTML payloads in every text field renders inert everywhere a
browser shows it: search snippets, the case page, the similar page, the widget and /embed.

Two checks catch a regression: nothing injected runs (``window.__xss`` stays unset, and the
``page`` fixture fails on any CSP violation, which an injected inline script would cause),
and no payload element exists in the DOM (or the widget's shadow DOM).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from indexer.build import build_index
from tests.browser.conftest import HostSite, LiveServer, serve_app
from tests.builders import make_record, write_corpus
from tests.hostile import MARKER, hostile_record

# An injected element is one that carries a payload: script text or an event handler that
# sets window.__xss, a javascript: URL, the payload's <style>, or the <b>/<i> of the
# organisation and quoted name. (Our own links may carry a payload URL-encoded in a query.)
PROBE = """() => {
  const roots = [document];
  for (const el of document.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  const found = [];
  for (const root of roots) for (const el of root.querySelectorAll('*')) {
    const names = el.getAttributeNames();
    const handler = names.some(n => n.startsWith('on') && el.getAttribute(n).includes('__xss'));
    const jsUrl = ['href', 'src', 'action'].some(
      n => (el.getAttribute(n) || '').trim().toLowerCase().startsWith('javascript:'));
    const tag = el.tagName.toLowerCase();
    if (handler || jsUrl || (tag === 'script' && el.textContent.includes('__xss'))
        || (tag === 'style' && el.textContent.includes('display:none'))
        || ((tag === 'b' || tag === 'i') && /Hostile|xssprobe/.test(el.textContent)))
      found.push(el.outerHTML.slice(0, 80));
  }
  return {ran: window.__xss === 1, found};
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    base = tmp_path_factory.mktemp("hostile")
    cases = write_corpus(base / "cases", [hostile_record(), make_record(id="plain")])
    build_index(cases, base / "index")
    yield from serve_app(Path(base / "index"), FRAME_ANCESTORS="http://localhost:*")


def assert_inert(page: Any) -> None:
    result = page.evaluate(PROBE)
    assert result == {"ran": False, "found": []}
    assert MARKER in page.content() or page.evaluate(
        "() => [...document.querySelectorAll('*')].some(e => e.shadowRoot && "
        "e.shadowRoot.textContent.includes('xssprobe'))")


@pytest.mark.parametrize("path", [f"/?q={MARKER}", "/cases/hostile-case",
                                  f"/similar?text={quote(MARKER + ' falls evidence')}",
                                  f"/embed?q={MARKER}"])
def test_pages_show_payloads_as_text(page: Any, hostile_server: LiveServer, path: str) -> None:
    page.goto(hostile_server.url + path)
    assert_inert(page)


def test_widget_shows_payloads_as_text(page: Any, hostile_server: LiveServer,
                                       host_site: HostSite) -> None:
    service = hostile_server.url
    body = (f'<script src="{service}/widget/v1/impact-search.js" defer></script>'
            f'<impact-search q="{MARKER}"><a href="{service}/">Search</a></impact-search>')
    policy = f"script-src {service}; connect-src {service}; style-src {service}"
    page.goto(host_site.add(body, policy))
    page.locator("impact-search li.hit").first.wait_for()
    assert_inert(page)
    titles = page.locator("impact-search a.title").all_inner_texts()
    assert any("<script>" in t for t in titles)  # shown as text, not run
