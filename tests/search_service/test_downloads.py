"""``/search.csv|ris|jsonl``, ``/feed.atom`` and ``/opensearch.xml`` over HTTP."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree as ET

import feedparser
import pytest
from flask.testing import FlaskClient

from tests.search_service.engine.test_exports import read_ris

QUERIES = ["", "q=falls", "q=care&sector=acute&sort=title", "has_savings=true&year_from=2020",
           "q=zzzqqqxx"]


def _total(client: FlaskClient, query: str) -> int:
    return int(client.get(f"/api/v1/search?{query}").get_json()["total"])


@pytest.mark.parametrize("query", QUERIES)
def test_csv_row_count_is_the_search_total(client: FlaskClient, query: str) -> None:
    response = client.get(f"/search.csv?{query}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="impact-')
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == _total(client, query) == int(response.headers["X-Total-Count"])
    assert all(row["url"].startswith("http://localhost/cases/") for row in rows)


def test_whole_collection_is_exported_past_the_thousand_result_page_cap(
        client: FlaskClient) -> None:
    # The pages stop at result 1,000; an export does not. Here: all of them, every format.
    total = _total(client, "")
    jsonl = client.get("/search.jsonl").get_data(as_text=True).splitlines()
    assert len(jsonl) == total
    assert {json.loads(line)["url"].rsplit("/", 1)[1] for line in jsonl} == {
        json.loads(line)["id"] for line in jsonl}
    ris = read_ris(client.get("/search.ris").get_data(as_text=True))
    assert len(ris) == total


def test_bad_parameters_are_refused_before_streaming(client: FlaskClient) -> None:
    response = client.get("/search.csv?region=atlantis", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "region" in response.get_json()["error"]
    assert client.get("/search.xlsx").status_code == 404


def test_feed_is_atom_with_absolute_links(client: FlaskClient) -> None:
    response = client.get("/feed.atom?q=falls&sort=title&page=3")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.data)
    assert not feed.bozo
    assert feed.feed.title == "New case studies for “falls”"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "http://localhost/feed.atom?q=falls",
                     "alternate": "http://localhost/?q=falls&sort=newest"}
    dates = [entry.updated for entry in feed.entries]
    assert dates == sorted(dates, reverse=True) and 0 < len(dates) <= 20


def test_opensearch_description(client: FlaskClient) -> None:
    response = client.get("/opensearch.xml")
    assert response.headers["Content-Type"].startswith("application/opensearchdescription+xml")
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.fromstring(response.data)
    assert root.tag == "{http://a9.com/-/spec/opensearch/1.1/}OpenSearchDescription"
    short = root.find("os:ShortName", ns)
    assert short is not None and short.text and len(short.text) <= 16
    templates = {url.get("type"): url.get("template") for url in root.findall("os:Url", ns)}
    assert templates["text/html"] == "http://localhost/?q={searchTerms}"
    assert templates["application/atom+xml"] == "http://localhost/feed.atom?q={searchTerms}"
    page = client.get(templates["text/html"].replace("{searchTerms}", "sepsis").replace(
        "http://localhost", ""))
    assert page.status_code == 200


def test_downloads_set_no_cookies(client: FlaskClient) -> None:
    for url in ("/search.csv", "/feed.atom", "/insights", "/opensearch.xml"):
        assert "Set-Cookie" not in client.get(url).headers
