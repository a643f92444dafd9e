"""The insights page, its JSON twin and the chart files; the links between a search and its
insights in both directions."""

from __future__ import annotations

import csv
import io
import re
import struct
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import pytest
from flask.testing import FlaskClient

SVG = "{http://www.w3.org/2000/svg}"
QUERY = "q=falls&region=south_east&region=london&has_savings=true"


class Links(HTMLParser):
    """Every <a href> and <link rel href> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[str] = []
        self.heads: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "a" and "href" in found:
            self.anchors.append(found["href"])
        if tag == "link":
            self.heads.append((found.get("rel", ""), found.get("type", ""), found.get("href", "")))


def links_of(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def test_page_and_api_agree_with_the_search(client: FlaskClient) -> None:
    search = client.get(f"/api/v1/search?{QUERY}").get_json()
    api = client.get(f"/api/v1/insights?{QUERY}")
    assert api.status_code == 200
    body = api.get_json()
    assert body["total"] == search["total"] > 0
    page = client.get(f"/insights?{QUERY}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"{search['total']:,} case studies found for “falls”" in html
    assert f'<{"/api/v1/insights?" + QUERY}>; rel="alternate"' in page.headers["Link"]
    money = body["figures"]["money_gbp"]
    assert f"£{money['sum']:,.0f}" in html
    assert f"reported by {money['reported']} of {body['total']} case studies" in html


def test_search_page_links_to_its_insights_and_back(client: FlaskClient) -> None:
    found = links_of(client.get(f"/?{QUERY}&sort=newest&page=2&per_page=5").get_data(
        as_text=True))
    insights_link = f"/insights?{QUERY}&sort=newest"  # every result: no page, no per_page
    assert insights_link in found.anchors
    back = links_of(client.get(insights_link).get_data(as_text=True))
    assert f"/?{QUERY}&sort=newest" in back.anchors


def test_every_search_page_names_its_downloads_and_feed(client: FlaskClient) -> None:
    found = links_of(client.get("/?q=sepsis").get_data(as_text=True))
    for path in ("/search.csv?q=sepsis", "/search.ris?q=sepsis", "/search.jsonl?q=sepsis",
                 "/feed.atom?q=sepsis", "/insights?q=sepsis"):
        assert path in found.anchors
    assert ("alternate", "application/atom+xml", "/feed.atom?q=sepsis") in found.heads
    assert ("search", "application/opensearchdescription+xml", "/opensearch.xml") in found.heads


def test_insights_of_nothing_say_so(client: FlaskClient) -> None:
    response = client.get("/insights?q=zzzqqqxx")
    assert response.status_code == 200
    assert "nothing to chart" in response.get_data(as_text=True)
    assert client.get("/api/v1/insights?q=zzzqqqxx").get_json()["total"] == 0


@pytest.mark.parametrize("url", ["/insights?region=atlantis", "/api/v1/insights?year_from=x",
                                 "/insights/charts/region.svg?sort=sideways"])
def test_bad_parameters_get_the_usual_400(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["ok"] is False


def test_inline_charts_are_labelled_and_use_no_style_attributes(client: FlaskClient) -> None:
    html = client.get("/insights").get_data(as_text=True)
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) == 6
    assert " style=" not in html and "<style" not in html
    for svg in svgs:
        root = ET.fromstring(svg)
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None and desc is not None and title.text and desc.text
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # Each chart has a table of its numbers beside it.
    assert html.count('class="nhsuk-table nhsuk-table--responsive"') >= 6


def _chart_numbers(client: FlaskClient, name: str, query: str) -> list[list[str]]:
    response = client.get(f"/insights/charts/{name}.csv?{query}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_chart_numbers_are_the_breakdown(client: FlaskClient) -> None:
    body = client.get("/api/v1/insights?q=falls").get_json()
    rows = _chart_numbers(client, "region", "q=falls")
    assert rows[0] == ["Region", "Case studies", "Money saved (GBP)", "Staff hours saved"]
    assert [(r[0], int(r[1]), float(r[2])) for r in rows[1:]] == [
        (b["label"], b["count"], b["money_gbp"]) for b in body["breakdowns"]["region"]]


def test_chart_files_are_real_svg_and_png(client: FlaskClient) -> None:
    svg = client.get("/insights/charts/impact-type.svg?q=falls")
    assert svg.headers["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(svg.data)
    assert root.tag == f"{SVG}svg"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Case studies by impact type" in texts  # a file carries its title
    png = client.get("/insights/charts/impact-type.png?q=falls")
    assert png.headers["Content-Type"] == "image/png"
    assert png.data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png.data[16:24])
    assert width == 720 and height == int(root.get("height", "0")) * 2


@pytest.mark.parametrize("url", ["/insights/charts/nope.svg", "/insights/charts/region.gif"])
def test_unknown_charts_are_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_insights_spend_the_search_budget(client: FlaskClient) -> None:
    budgets = client.application.extensions["rate_budgets"]
    for endpoint in ("insights.insights_page", "insights.insights_api", "insights.chart_file",
                     "downloads.export", "downloads.feed"):
        assert budgets[endpoint] == "search"
