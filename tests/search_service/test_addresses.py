"""Absolute links never carry the request's Host header: a feed, sitemap or card fetched once
with a forged Host is kept by caches, feed readers and crawlers. They use ``PUBLIC_URL``, and
under ``serve --prod`` without it a placeholder that leads nowhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from search_service import create_app

FORGED = {"Host": "attacker.example"}
PUBLIC = "https://impact-search.example.nhs.uk"
CASE = "falls-bundle-evidence-review-northmoor"
# Every answer that holds an absolute address of the service.
URLS = ["/feed.atom", "/feed.atom?q=falls&region=north_west", "/opensearch.xml",
        "/sitemap.xml", "/robots.txt", f"/cases/{CASE}", f"/api/v1/cases/{CASE}",
        "/search.csv?q=falls", "/search.ris?q=falls", "/search.jsonl?q=falls", "/widget"]


@pytest.mark.parametrize(("config", "base"), [
    ({"PUBLIC_URL": PUBLIC + "/"}, PUBLIC),
    ({"PRODUCTION": True}, "https://YOUR-SERVICE-ADDRESS"),  # serve --prod, no PUBLIC_URL
], ids=["public-url", "production-without-it"])
def test_no_link_carries_a_forged_host(index_dir: Path, config: dict[str, object],
                                       base: str) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), **config}).test_client()
    for url in URLS:
        response = client.get(url, headers=FORGED)
        assert response.status_code == 200, url
        assert "attacker.example" not in response.get_data(as_text=True), url
    feed = client.get("/feed.atom?q=falls", headers=FORGED).get_data(as_text=True)
    assert f'href="{base}/feed.atom?q=falls"' in feed and f"<id>{base}/cases/" in feed
    assert f"Sitemap: {base}/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)
    case = client.get(f"/api/v1/cases/{CASE}", headers=FORGED).get_json()
    assert f"{base}/cases/{CASE}" in case["cards"]["alt_text"]
    page = client.get(f"/cases/{CASE}", headers=FORGED).get_data(as_text=True)
    assert f'<link rel="canonical" href="{base}/cases/{CASE}">' in page


def test_the_development_server_links_to_where_it_was_reached(index_dir: Path) -> None:
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    feed = client.get("/feed.atom", headers={"Host": "127.0.0.1:5000"}).get_data(as_text=True)
    assert 'href="http://127.0.0.1:5000/feed.atom"' in feed
