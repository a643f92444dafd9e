"""The card routes: files with an ETag and 304, one render per generation, 404 through the one
error handler, and the case page and its JSON twin offering the same downloads and alt text."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from search_service.cards import views
from search_service.cards.cache import CardCache
from tests.search_service.cards.records import NAMED, SECRET_NAME, UNNAMED

FILES = {"card.png": ("image/png", (1200, 675)), "card-square.png": ("image/png", (1080, 1080)),
         "card.pdf": ("application/pdf", None)}


@pytest.mark.parametrize("file", list(FILES))
def test_each_card_file_is_served_with_its_type_size_and_cache_headers(
        cards_app: Flask, file: str) -> None:
    response = cards_app.test_client().get(f"/cases/{NAMED}/{file}")
    media_type, size = FILES[file]
    assert response.status_code == 200 and response.mimetype == media_type
    if size:
        assert Image.open(io.BytesIO(response.data)).size == size
    else:
        assert response.data.startswith(b"%PDF-")
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["ETag"])
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Content-Disposition"] == f'inline; filename="{NAMED}-{file}"'
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("file", list(FILES))
def test_a_matching_etag_gets_304_without_drawing(cards_app: Flask, file: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    client = cards_app.test_client()
    first = client.get(f"/cases/{NAMED}/{file}")
    monkeypatch.setattr(views, "render", lambda layout: pytest.fail("drew a card for a 304"))
    again = client.get(f"/cases/{NAMED}/{file}",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    stale = client.get(f"/cases/{NAMED}/{file}", headers={"If-None-Match": '"0123"'})
    assert stale.status_code == 200 and stale.data == first.data  # from the cache


def test_a_card_is_drawn_once_per_generation_and_bytes_repeat(
        cards_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []
    real = views.render

    def counting(layout: Any) -> bytes:
        drawn.append(layout.format.name)
        return real(layout)

    monkeypatch.setattr(views, "render", counting)
    client = cards_app.test_client()
    one = client.get(f"/cases/{NAMED}/card.png").data
    two = client.get(f"/cases/{NAMED}/card.png").data
    assert one == two and drawn == ["LANDSCAPE"]
    cache: CardCache = cards_app.extensions["card_cache"]
    # A new generation empties the cache: the next request draws again, the same bytes.
    cache.get("another-generation", "x")
    assert client.get(f"/cases/{NAMED}/card.png").data == one and len(drawn) == 2


def test_different_content_has_a_different_etag(cards_index: Any) -> None:
    from search_service import create_app

    etags = set()
    for url in ("https://a.example.nhs.uk", "https://b.example.nhs.uk"):
        app = create_app({"TESTING": True, "INDEX_DIR": str(cards_index), "PUBLIC_URL": url})
        etags.add(app.test_client().get(f"/cases/{NAMED}/card.png").headers["ETag"])
    assert len(etags) == 2


@pytest.mark.parametrize("file", list(FILES))
def test_an_unknown_case_is_a_404_from_the_one_error_handler(cards_app: Flask,
                                                              file: str) -> None:
    client = cards_app.test_client()
    as_json = client.get(f"/cases/no-such-case/{file}", headers={"Accept": "application/json"})
    assert as_json.status_code == 404
    assert as_json.get_json() == {"ok": False, "status": 404,
                                  "error": "No published case study has the id 'no-such-case'"}
    as_html = client.get(f"/cases/no-such-case/{file}")
    assert as_html.status_code == 404 and as_html.mimetype == "text/html"
    assert "No published case study has the id" in as_html.text


def test_the_json_twin_and_the_page_offer_the_same_downloads_and_alt_text(
        cards_app: Flask) -> None:
    client = cards_app.test_client()
    twin = client.get(f"/api/v1/cases/{NAMED}").get_json()["cards"]
    assert [d["url"] for d in twin["downloads"]] == [f"/cases/{NAMED}/{f}" for f in FILES]
    assert twin["alt_text"].startswith("Impact card: £62,000 saved.")
    assert twin["alt_text"].endswith(f"https://impact.example.nhs.uk/cases/{NAMED}")
    page = client.get(f"/cases/{NAMED}").text
    for download in twin["downloads"]:
        assert f'href="{download["url"]}" download' in page
    alt = re.search(r'<textarea[^>]*id="card-alt-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert alt is not None
    assert alt.group(1).replace("&#34;", '"').replace("&#39;", "'") == twin["alt_text"]
    assert re.search(r'<button[^>]*data-copy="card-alt-text"[^>]*hidden', page)
    assert '<script type="module" src="/static/js/cards.js">' in page


def test_no_unconsented_name_in_the_twin_or_the_page(cards_app: Flask) -> None:
    client = cards_app.test_client()
    surname = SECRET_NAME.split()[-1]
    assert surname not in client.get(f"/api/v1/cases/{UNNAMED}").text
    assert surname not in client.get(f"/cases/{UNNAMED}").text
    assert surname in client.get(f"/api/v1/cases/{NAMED}").get_json()["cards"]["alt_text"]


def test_the_card_routes_spend_the_search_budget(cards_index: Any) -> None:
    from search_service import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(cards_index),
                      "RATELIMIT_SEARCH": "2/minute"})
    client = app.test_client()
    codes = [client.get(f"/cases/{NAMED}/card.png").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_cache_keeps_to_its_byte_bound_least_recently_used_first() -> None:
    cache = CardCache(max_bytes=10)
    cache.put("g1", "a", b"1234")
    cache.put("g1", "b", b"5678")
    assert cache.get("g1", "a") == b"1234"  # a is now the most recently used
    cache.put("g1", "c", b"90ab")
    assert cache.get("g1", "b") is None and cache.get("g1", "a") == b"1234"
    assert cache.size == 8
    cache.put("g1", "huge", b"x" * 11)
    assert cache.get("g1", "huge") is None
    assert cache.get("g2", "a") is None and len(cache) == 0
