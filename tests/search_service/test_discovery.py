"""How search engines and reference managers find and cite the case studies: sitemap.xml
(named in robots.txt) and citation metadata on every case page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient

from search_service import discovery

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
CASE_ID = "falls-bundle-evidence-review-northmoor"


def _locs(client: FlaskClient, path: str, tag: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())
    return [e.text or "" for e in root.findall(f"s:{tag}/s:loc", NS)]


def test_the_sitemap_lists_every_published_case_and_nothing_withheld(
        client: FlaskClient, bundled_records: list[dict[str, Any]]) -> None:
    urls = _locs(client, "/sitemap.xml", "url")
    published = {r["id"] for r in bundled_records if r["consent"]["external"]}
    withheld = {r["id"] for r in bundled_records} - published
    cases = {u.removeprefix("http://localhost/cases/") for u in urls if "/cases/" in u}
    assert cases == published and len(published) == 185 and withheld
    assert urls[:2] == ["http://localhost/", "http://localhost/about"]
    assert len(urls) == len(set(urls))
    for url in urls[2:4]:
        assert client.get(url.removeprefix("http://localhost")).status_code == 200


def test_robots_txt_names_the_sitemap_and_still_keeps_crawlers_off_queries(
        client: FlaskClient) -> None:
    text = client.get("/robots.txt", base_url="https://impact.example.nhs.uk").get_data(
        as_text=True)
    assert "Sitemap: https://impact.example.nhs.uk/sitemap.xml\n" in text
    assert "Disallow: /*?" in text and "Disallow: /api/" in text


def test_a_large_collection_gets_a_sitemap_index(client: FlaskClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discovery, "URLS_PER_SITEMAP", 50)
    parts = _locs(client, "/sitemap.xml", "sitemap")
    assert parts == [f"http://localhost/sitemap-{n}.xml" for n in range(1, 5)]  # 187 URLs
    urls = [u for part in parts for u in _locs(client, part.removeprefix("http://localhost"),
                                                "url")]
    assert len(urls) == 187 == len(set(urls))
    assert client.get("/sitemap-5.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name") and found.get("content") is not None:
            self.meta.append((found["name"] or "", found["content"] or ""))
        if tag == "link" and found.get("rel") == "canonical":
            self.canonical = found.get("href")


def _meta(client: FlaskClient, case_id: str) -> _Meta:
    parser = _Meta()
    parser.feed(client.get(f"/cases/{case_id}").get_data(as_text=True))
    return parser


def test_case_pages_carry_citation_metadata_as_a_report_by_the_organisation(
        client: FlaskClient) -> None:
    case = client.get(f"/api/v1/cases/{CASE_ID}").get_json()
    parsed = _meta(client, CASE_ID)
    meta = dict(parsed.meta)
    organisation = case["facets"]["organisation"]["label"]
    url = f"http://localhost/cases/{CASE_ID}"
    assert parsed.canonical == url
    assert meta["citation_title"] == case["title"] == meta["DC.title"]
    assert meta["citation_author"] == organisation == meta["DC.creator"]
    # A report (Zotero's item type) by its institution; Highwire dates use slashes.
    assert meta["citation_technical_report_institution"] == organisation
    assert meta["citation_publication_date"] == case["submitted_date"].replace("-", "/")
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", meta["citation_publication_date"])
    assert meta["DC.date"] == case["submitted_date"]
    assert meta["citation_abstract_html_url"] == url == meta["DC.identifier"]
    assert [c for n, c in parsed.meta if n == "citation_keywords"] == case["topics"]


def test_citation_metadata_names_no_person(client: FlaskClient,
                                           bundled_records: list[dict[str, Any]]) -> None:
    # Quoted people, named or not, are never cited as authors.
    for record in bundled_records:
        if not record["consent"]["external"] or "quote" not in record:
            continue
        name = record["quote"].get("name")
        if not name:
            continue
        meta = _meta(client, record["id"]).meta
        assert all(name not in content for _, content in meta), record["id"]
