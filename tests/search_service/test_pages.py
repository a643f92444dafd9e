"""The HTML pages: each shows what its JSON twin returns, errors are HTML for browsers and JSON
for the API, and no page carries inline script or style."""

from __future__ import annotations

import logging
import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from search_service import create_app

RESULT_LINK = re.compile(r'class="[^"]*\b(?:nhsuk-card__heading|app-result__title)\b[^"]*">\s*'
                         r'<a[^>]*href="/cases/([^"]+)"')
CASE_ID = "falls-bundle-evidence-review-northmoor"


def twin_of(response: TestResponse) -> str:
    found = re.fullmatch(r'<([^>]+)>; rel="alternate"; type="application/json"',
                         response.headers["Link"])
    assert found, response.headers["Link"]
    return found.group(1)


def result_ids(html: str) -> list[str]:
    return RESULT_LINK.findall(html)


def count_text(html: str) -> str:
    found = re.search(r'id="result-count"[^>]*>(.*?)</p>', html, re.S)
    assert found
    return unescape(found.group(1)).strip()


SEARCH_URLS = [
    "/",
    "/?q=falls",
    "/?q=falls&page=2",
    "/?q=sepsis&sector=acute",
    "/?q=frailty&region=midlands&region=london&sort=newest",
    "/?impact_type=saved_money_or_contributed_to_financial_effectiveness&sort=title",
    "/?has_savings=true&year_from=2020&year_to=2023&sort=oldest",
    "/?q=%22business+case%22+-frailty",
    "/?q=zzqqxx",
    "/?q=sepsis&per_page=5&page=2",
    "/?q=falls&boost_region=north_west&boost_sector=ambulance",
]


@pytest.mark.parametrize("url", SEARCH_URLS)
def test_search_page_shows_what_its_json_twin_returns(client: FlaskClient, url: str) -> None:
    page = client.get(url)
    assert page.status_code == 200
    twin = twin_of(page)
    assert twin.startswith("/api/v1/search")
    data = client.get(twin).get_json()
    html = page.get_data(as_text=True)
    assert result_ids(html) == [hit["id"] for hit in data["hits"]]
    if data["total"]:
        assert count_text(html).startswith(f"{data['total']:,} case stud")
    else:
        assert count_text(html).startswith("No case studies found")


def test_case_page_shows_the_case_and_its_similar_cases(client: FlaskClient) -> None:
    page = client.get(f"/cases/{CASE_ID}")
    assert page.status_code == 200
    assert twin_of(page) == f"/api/v1/cases/{CASE_ID}"
    case = client.get(twin_of(page)).get_json()
    html = page.get_data(as_text=True)
    assert f"<h1 class=\"nhsuk-heading-l\">{case['title']}</h1>" in html
    similar = client.get(f"/api/v1/cases/{CASE_ID}/similar?k=5").get_json()
    assert result_ids(html) == [hit["id"] for hit in similar["hits"]]
    assert "£14,800 saved" in html  # the vignette's headline is the money saved
    # Facets link to filtered searches that include this case.
    region = case["facets"]["region"]["key"]
    assert f'href="/?region={region}"' in html
    assert CASE_ID in result_ids(client.get(f"/?region={region}&per_page=100").get_data(
        as_text=True))


def test_similar_page_shows_what_the_api_returns_for_the_same_draft(
        client: FlaskClient) -> None:
    draft = "Business case for a frailty virtual ward with remote monitoring at home"
    page = client.post("/similar", data={"text": draft, "region": "midlands"})
    assert page.status_code == 200
    assert twin_of(page) == "/api/v1/similar"
    data = client.post("/api/v1/similar", json={"text": draft, "k": 10,
                                                "filters": {"region": ["midlands"]}}).get_json()
    assert data["hits"]
    assert result_ids(page.get_data(as_text=True)) == [hit["id"] for hit in data["hits"]]
    assert page.headers["Cache-Control"] == "no-store"


def test_similar_page_works_by_get_too(client: FlaskClient) -> None:
    draft = "sepsis screening in the emergency department"
    page = client.get("/similar?" + urlencode({"text": draft, "k": 3}))
    data = client.post("/api/v1/similar", json={"text": draft, "k": 3}).get_json()
    assert result_ids(page.get_data(as_text=True)) == [hit["id"] for hit in data["hits"]]


def test_similar_page_asks_for_a_draft_when_posted_empty(client: FlaskClient) -> None:
    page = client.post("/similar", data={"text": "  "})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "nhsuk-error-summary" in html and 'href="#text"' in html


def test_the_draft_is_never_logged(client: FlaskClient,
                                   caplog: pytest.LogCaptureFixture) -> None:
    secret = "Unpublished draft about the Wexcombe haematology pilot"
    with caplog.at_level(logging.DEBUG):
        client.post("/similar", data={"text": secret})
    assert all("Wexcombe" not in record.getMessage() for record in caplog.records)


def test_about_page_counts_the_collection_like_its_twin(client: FlaskClient) -> None:
    page = client.get("/about")
    assert twin_of(page) == "/api/v1/facets"
    overview = client.get("/api/v1/facets").get_json()
    assert f"The {overview['total']:,} case studies" in page.get_data(as_text=True)


def test_a_chosen_facet_value_stays_visible_at_count_zero(client: FlaskClient) -> None:
    # "falls" with the ambulance sector chosen, then a region with no ambulance falls cases.
    html = client.get("/?q=falls&sector=ambulance&region=london").get_data(as_text=True)
    assert re.search(r'id="f-region-london"[^>]*checked', html)
    assert re.search(r'for="f-region-london">London <span class="app-count">\(0\)', html)
    assert re.search(r'id="f-sector-ambulance"[^>]*checked', html)
    assert re.search(r'for="f-sector-ambulance">Ambulance <span class="app-count">\(0\)', html)


def test_active_filters_can_be_removed_one_at_a_time(client: FlaskClient) -> None:
    html = client.get("/?q=falls&sector=acute&has_savings=true").get_data(as_text=True)
    removals = re.findall(r'class="app-filter-tag" rel="nofollow" href="([^"]+)"', html)
    assert [unescape(u) for u in removals] == ["/?q=falls&has_savings=true",
                                               "/?q=falls&sector=acute"]
    assert 'href="/?q=falls">Clear all filters' in html


def test_empty_search_lists_everything_newest_first(client: FlaskClient) -> None:
    data = client.get("/api/v1/search?sort=newest&per_page=10").get_json()
    html = client.get("/").get_data(as_text=True)
    assert result_ids(html) == [hit["id"] for hit in data["hits"]]
    assert "newest first" in html


@pytest.mark.parametrize("url", ["/", "/?q=falls&sector=acute", f"/cases/{CASE_ID}",
                                 "/similar?text=falls", "/about", "/cases/nope"])
def test_pages_have_no_inline_script_or_style(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"
    assert "https://" not in re.sub(r'<svg[^>]*xmlns="http://www.w3.org/2000/svg"', "", html)


def _json_error(response: TestResponse) -> dict[str, Any]:
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


@pytest.mark.parametrize(("url", "status"), [
    ("/cases/no-such-case", 404), ("/no/such/page", 404), ("/?sort=sideways", 400),
    ("/?page=0", 400), ("/?region=atlantis", 400),
])
def test_errors_are_html_pages_for_browsers_and_json_for_the_api(
        client: FlaskClient, url: str, status: int) -> None:
    page = client.get(url, headers={"Accept": "text/html"})
    assert page.status_code == status
    assert page.mimetype == "text/html"
    assert 'class="nhsuk-heading-l"' in page.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers
    api_url = "/api/v1/search" + url[1:] if url.startswith("/?") else "/api/v1" + url
    body = _json_error(client.get(api_url))
    assert body["ok"] is False and body["status"] == status
    asked_for_json = _json_error(client.get(url, headers={"Accept": "application/json"}))
    assert asked_for_json["status"] == status


def test_static_assets_are_served_from_this_origin(client: FlaskClient) -> None:
    with client.get("/static/vendor/nhsuk-frontend/nhsuk-frontend.min.css") as css:
        assert css.status_code == 200
        text = css.get_data(as_text=True)
    assert "assets.nhs.uk" not in text and "@font-face" not in text
    for path in ("/static/js/site.js", "/static/css/site.css",
                 "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.js",
                 "/static/vendor/nhsuk-frontend/assets/images/nhsuk-icon-cross.svg"):
        with client.get(path) as response:
            assert response.status_code == 200, path


@pytest.mark.parametrize(("url", "notice"), [
    ("/?q=(falls+AND", "could not read the query"),
    ("/?q=colour:red", "There is no field called"),
])
def test_query_fallbacks_are_explained(client: FlaskClient, url: str, notice: str) -> None:
    html = client.get(url).get_data(as_text=True)
    found = re.search(r'class="nhsuk-inset-text app-notice">.*?<p>(.*?)</p>', html, re.S)
    assert found and notice in unescape(found.group(1))


def test_did_you_mean_keeps_the_filters(client: FlaskClient) -> None:
    html = client.get("/?q=dementai&sector=acute&exact=true").get_data(as_text=True)
    found = re.search(r'Did you mean <a rel="nofollow" href="([^"]+)">([^<]+)</a>', html)
    assert found, "a misspelling searched as typed gets a suggestion"
    assert unescape(found.group(1)) == f"/?q={found.group(2)}&sector=acute&exact=true"


def test_a_sure_correction_shows_its_results_and_links_to_the_words_as_typed(
        client: FlaskClient) -> None:
    html = client.get("/?q=dementai&sector=acute").get_data(as_text=True)
    found = re.search(r'Showing results for <strong>([^<]+)</strong>\. Search instead for '
                      r'<a rel="nofollow" href="([^"]+)">([^<]+)</a>', html)
    assert found and found.group(1) == "dementia" and found.group(3) == "dementai"
    assert unescape(found.group(2)) == "/?q=dementai&sector=acute&exact=true"
    assert "Showing results for “dementia”" not in html  # shown once, not also as a notice
    assert 'class="app-result"' in html and "<mark>dementia</mark>" in html.lower()


@pytest.mark.parametrize("url", ["/?q=falls&region=north_west&sector=acute",
                                 "/cases/falls-bundle-evidence-review-northmoor", "/about"])
def test_links_to_filtered_searches_are_nofollow(client: FlaskClient, url: str) -> None:
    # Crawlers must not walk every facet combination (robots.txt also keeps them off "/?").
    html = client.get(url).get_data(as_text=True)
    links = re.findall(r"<a\b[^>]*>", html)
    filtered = [a for a in links if re.search(r'href="/\?([^"]*&amp;)?(region|sector|'
                                                r'impact_type|group_impacted|service_type|'
                                                r'organisation|year_from)=', a)]
    assert filtered, url
    assert all('rel="nofollow"' in a for a in filtered), [a for a in filtered
                                                           if "nofollow" not in a]


@pytest.mark.parametrize(("url", "typed", "message"), [
    ("/?q=s*&region=london", "s*", "a wildcard needs at least 3 letters"),
    ("/?q=" + "+".join(["falls"] * 40), " ".join(["falls"] * 40), "the limit is 32"),
    ("/?q=" + "x" * 600, "x" * 600, "the limit is 500"),
])
def test_a_bad_query_keeps_the_search_box_and_the_query(client: FlaskClient, url: str,
                                                        typed: str, message: str) -> None:
    page = client.get(url)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    # The box with what was typed, the NHS.UK error message beside it, and the summary.
    assert f'id="q" name="q" type="search" value="{typed}"' in html
    assert 'nhsuk-input app-search__input nhsuk-input--error"' in html
    assert 'aria-describedby="q-hint q-error"' in html
    error = re.search(r'<span class="nhsuk-error-message" id="q-error">(.*?)</span>\s*<div',
                      html, re.S)
    assert error and message in error.group(1)
    assert 'class="nhsuk-error-summary"' in html and 'href="#q"' in html
    assert "<title>Error: " in html
    assert twin_of(page).startswith("/api/v1/search?q=")


def test_a_bad_query_keeps_the_other_choices_for_the_next_search(client: FlaskClient) -> None:
    html = client.get("/?q=s*&region=london&sector=acute").get_data(as_text=True)
    assert '<input type="hidden" name="region" value="london">' in html
    assert '<input type="hidden" name="sector" value="acute">' in html


def test_a_bad_parameter_keeps_the_box_and_drops_only_that_parameter(
        client: FlaskClient) -> None:
    page = client.get("/?q=falls&per_page=1000&region=london")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'value="falls"' in html and "per_page: must be between 1 and 100" in html
    assert 'name="per_page"' not in html and 'name="region" value="london"' in html
    assert 'id="q-error"' not in html  # the box is not what is wrong


@pytest.mark.parametrize("field", ["q", "region", "page", "sector"])
def test_a_bad_parameter_is_shown_as_text_on_the_error_page(client: FlaskClient,
                                                            field: str) -> None:
    # The error summary is the design system's macro, whose template is not autoescaped.
    payload = '"><script>window.x=1</script><b>bold</b>*'
    html = client.get("/", query_string={"q": "s*" if field != "q" else payload,
                                         field: payload}).get_data(as_text=True)
    assert "<script>window.x" not in html and "<b>bold" not in html
    assert "&lt;b&gt;bold" in html


def test_settings_are_shown_as_text_in_the_footer(index_dir: Path) -> None:
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                      "SAMPLE_NOTICE": "Sample <b>A&E</b> data",
                      "CONTACT_EMAIL": "o'neil@x.nhs.uk"})
    html = app.test_client().get("/about").get_data(as_text=True)
    assert "Sample &lt;b&gt;A&amp;E&lt;/b&gt; data" in html
    assert "<b>A&E" not in html
    assert "mailto:o&#39;neil@x.nhs.uk" in html or "mailto:o&#x27;neil@x.nhs.uk" in html
