"""The widget's files, the /embed frame and the /widget page, without a browser (the
browser behaviour is in tests/browser/test_widget*.py)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from indexer.paths import web_dir
from search_service import create_app
from search_service.widget import ASSETS, embed_args

SCRIPT = web_dir() / "widget" / "impact-search.js"
BUDGET_GZIP = 12 * 1024
# What a strict host policy (or Trusted Types) refuses, and what the issue rules out.
FORBIDDEN_JS = [r"\beval\s*\(", r"new\s+Function\b", r"\bFunction\s*\(", r"innerHTML",
                r"outerHTML", r"insertAdjacentHTML", r"document\.write", r"WebAssembly",
                r"\.style\b", r"setAttribute\(\s*['\"]style", r"createElement\(\s*['\"]style",
                r"setTimeout\(\s*['\"]", r"\bimport\s*\("]
INLINE = [r"<script(?![^>]*\bsrc=)", r"<style", r"\sstyle=", r"\son[a-z]+=", r"javascript:"]


def test_script_is_within_the_size_budget() -> None:
    size = len(gzip.compress(SCRIPT.read_bytes(), compresslevel=9))
    assert size <= BUDGET_GZIP, f"impact-search.js is {size} bytes gzipped"


@pytest.mark.parametrize("pattern", FORBIDDEN_JS)
@pytest.mark.parametrize("name", ["impact-search.js", "builder.js"])
def test_scripts_avoid_what_strict_policies_block(name: str, pattern: str) -> None:
    source = (web_dir() / "widget" / name).read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|^\s*//.*$", "", source, flags=re.DOTALL | re.MULTILINE)
    assert not re.search(pattern, code), f"{name} uses {pattern}"


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_assets_are_served_with_type_and_caching(client: FlaskClient, name: str) -> None:
    with client.get(f"/widget/v1/{name}") as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == ASSETS[name]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "public" in response.headers["Cache-Control"]
        assert "max-age=3600" in response.headers["Cache-Control"]
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
        etag = response.headers["ETag"]
    with client.get(f"/widget/v1/{name}", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


@pytest.mark.parametrize("name", ["../pyproject.toml", "nope.js", "widget.py"])
def test_only_listed_assets_are_served(client: FlaskClient, name: str) -> None:
    assert client.get(f"/widget/v1/{name}").status_code == 404


def test_embed_sends_frame_ancestors_from_the_setting(index_dir: Path) -> None:
    from search_service import create_app

    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                         "FRAME_ANCESTORS": "https://a.nhs.uk https://b.nhs.uk"}).test_client()
    policy = client.get("/embed").headers["Content-Security-Policy"]
    assert "frame-ancestors https://a.nhs.uk https://b.nhs.uk" in policy
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_embed_default_allows_any_https_ancestor(client: FlaskClient) -> None:
    policy = client.get("/embed").headers["Content-Security-Policy"]
    assert policy.endswith("frame-ancestors https:")


def test_embed_renders_results_and_keeps_presets_in_its_form(client: FlaskClient) -> None:
    response = client.get("/embed?q=falls&region=north_west&mode=boost&per_page=6")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    api = client.get("/api/v1/search?q=falls&boost_region=north_west&per_page=6").json
    titles = re.findall(r'class="title"[^>]*>([^<]+)<', html)
    assert titles == [h["title"] for h in api["hits"]]
    assert "From your region" in html and "Other case studies" in html
    for name, value in [("region", "north_west"), ("mode", "boost"), ("per_page", "6")]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
    assert "/?q=falls&amp;boost_region=north_west" in html


def test_embed_without_a_query_is_just_the_form(client: FlaskClient) -> None:
    html = client.get("/embed?region=london").get_data(as_text=True)
    assert 'role="search"' in html and 'class="hit"' not in html


def test_embed_shows_a_readable_error_in_html(client: FlaskClient) -> None:
    response = client.get("/embed?q=falls&region=atlantis")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "The search did not work: region: unknown value" in response.get_data(as_text=True)


@pytest.mark.parametrize(("args", "expected"), [
    ({"q": ["x"]}, ({"q": ["x"], "per_page": ["5"]}, 5)),
    ({"q": ["x"], "per_page": ["50"], "region": ["london"]},
     ({"q": ["x"], "per_page": ["20"], "region": ["london"]}, 20)),
    ({"mode": ["boost"], "sector": ["acute"], "organisation": ["a", "b"]},
     ({"q": [""], "per_page": ["5"], "boost_sector": ["acute"], "boost_organisation": ["a", "b"]},
      5)),
])
def test_embed_args_map_element_attributes_to_search(
        args: dict[str, list[str]], expected: tuple[dict[str, list[str]], int]) -> None:
    assert embed_args(args) == expected


def test_embed_rejects_an_unknown_mode(client: FlaskClient) -> None:
    response = client.get("/embed?q=falls&mode=shuffle")
    assert response.status_code == 400
    assert "mode: use filter or boost" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/embed?q=falls&region=north_west&mode=boost", "/embed",
                                 "/widget", "/widget?region=london&mode=boost&per_page=3"])
def test_pages_have_no_inline_script_or_style(client: FlaskClient, url: str) -> None:
    html = client.get(url).get_data(as_text=True)
    for pattern in INLINE:
        assert not re.search(pattern, html, re.IGNORECASE), f"{url} has {pattern}"


def test_widget_page_works_without_javascript(client: FlaskClient) -> None:
    response = client.get("/widget?region=london&mode=boost&per_page=3&placeholder=Try+sepsis")
    html = response.get_data(as_text=True)
    attrs = 'region="london" mode="boost" per-page="3" placeholder="Try sepsis"'
    assert f"&lt;impact-search {attrs}&gt;" in html  # the snippet
    assert f"<impact-search {attrs}>" in html  # the preview
    assert "/embed?region=london&amp;mode=boost&amp;per_page=3" in html
    assert "script-src http://localhost;\nconnect-src http://localhost;" in html
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_widget_page_is_in_the_site_layout_and_the_embed_is_not(client: FlaskClient) -> None:
    widget = client.get("/widget").get_data(as_text=True)
    assert 'class="nhsuk-header"' in widget and "nhsuk-footer" in widget
    assert re.search(r'href="/widget" aria-current="page">\s*<strong[^>]*>Embed on your site',
                     widget)
    assert "<select class=\"nhsuk-select\" id=\"f-region\" name=\"region\"" in widget
    about = client.get("/about").get_data(as_text=True)
    assert re.search(r'href="/widget">\s*Embed on your site', about)  # in every page's menu
    embed = client.get("/embed?q=falls").get_data(as_text=True)
    assert "nhsuk-header" not in embed and "nhsuk-frontend" not in embed


def test_widget_snippet_quotes_attribute_values_as_html(client: FlaskClient) -> None:
    html = client.get('/widget?placeholder=Say+"hi"+%26+<go>').get_data(as_text=True)
    # Shown escaped twice, so the copied text is valid HTML; the live preview's attribute
    # is escaped once.
    assert 'placeholder="Say &amp;#34;hi&amp;#34; &amp;amp; &amp;lt;go&amp;gt;"' in html
    assert '<impact-search placeholder="Say &#34;hi&#34; &amp; &lt;go&gt;">' in html


def test_embed_code_uses_the_public_address_never_a_forged_host(index_dir: Path) -> None:
    forged = {"Host": "attacker.example"}
    configured = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                             "PUBLIC_URL": "https://search.example.nhs.uk/"}).test_client()
    html = configured.get("/widget", headers=forged).get_data(as_text=True)
    assert "https://search.example.nhs.uk/widget/v1/impact-search.js" in html
    assert "attacker.example" not in html and "Service address not set" not in html
    production = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                             "PRODUCTION": True}).test_client()
    html = production.get("/widget", headers=forged).get_data(as_text=True)
    assert "attacker.example" not in html
    assert "https://YOUR-SERVICE-ADDRESS/widget/v1/impact-search.js" in html
    assert "Service address not set" in html and "IMPACT_SEARCH_PUBLIC_URL" in html
    embed = production.get("/embed?q=falls", headers=forged).get_data(as_text=True)
    assert "attacker.example" not in embed and 'href="/cases/' in embed


def test_the_element_clamps_per_page_to_the_servers_bounds() -> None:
    """The element runs on other sites and cannot ask the server, so its literal per-page
    default and maximum must be the ones /embed and the builder use."""
    import re

    from indexer.paths import web_dir
    from search_service.widget import EMBED_PER_PAGE

    script = (web_dir() / "widget" / "impact-search.js").read_text(encoding="utf-8")
    found = re.search(r"Math\.min\(isNaN\(value\) \? (\d+) : value, (\d+)\)", script)
    assert found is not None
    assert (int(found[1]), int(found[2])) == EMBED_PER_PAGE
