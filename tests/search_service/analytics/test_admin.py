"""Analytics through the app: what a search request counts, and who may see the counts."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_service import create_app
from search_service.analytics.store import THRESHOLD

OWN = "http://localhost"
SITE = "https://library.example.nhs.uk"


@pytest.fixture()
def analytics_app(index_dir: Path, tmp_path: Path) -> Flask:
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "ANALYTICS_ENABLED": True,
                       "ANALYTICS_DB": str(tmp_path / "analytics.sqlite")})


@pytest.fixture()
def admin(analytics_app: Flask) -> FlaskClient:
    return analytics_app.test_client()


def _csv(client: FlaskClient) -> list[dict[str, str]]:
    response = client.get("/admin/analytics.csv?weeks=1")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _counts(client: FlaskClient, kind: str) -> dict[str, int]:
    return {row["label"]: int(row["count"]) for row in _csv(client) if row["kind"] == kind}


def test_off_by_default_nothing_counted_and_no_page(client: FlaskClient) -> None:
    client.get("/?q=falls")
    assert "analytics" not in client.application.extensions
    assert client.get("/admin/analytics").status_code == 404


def test_page_searches_are_counted_and_shown_from_five(admin: FlaskClient) -> None:
    for _ in range(THRESHOLD - 1):
        admin.get("/?q=Falls")
        admin.get("/?q=zzqqxx&region=london")
    assert _counts(admin, "query") == {}
    admin.get("/?q=falls")
    admin.get("/?q=zzqqxx&region=london")
    assert _counts(admin, "query") == {"falls": THRESHOLD, "zzqqxx": THRESHOLD}
    assert _counts(admin, "zero_query") == {"zzqqxx": THRESHOLD}
    assert _counts(admin, "filter") == {"Region: London": THRESHOLD}
    assert _counts(admin, "searches") == {"": 2 * THRESHOLD}
    html = admin.get("/admin/analytics?weeks=4").get_data(as_text=True)
    assert "zzqqxx" in html and "Searches that found nothing" in html


def test_refining_a_search_does_not_count_its_words_again(admin: FlaskClient) -> None:
    admin.get("/?q=delirium")
    for refinement in ("&region=london", "&sector=acute", "&sort=newest", "&has_savings=true"):
        admin.get(f"/?q=delirium{refinement}", headers={"Referer": f"{OWN}/?q=delirium"})
    admin.get("/?q=delirium&page=2")  # paging on is the same search
    for _ in range(THRESHOLD):  # another site's page with the same words is not ours
        admin.get("/?q=scabies", headers={"Referer": "https://elsewhere.example/?q=scabies"})
    rows = _csv(admin)
    searches = {r["label"]: int(r["count"]) for r in rows if r["kind"] == "searches"}
    assert searches == {"": 5 + THRESHOLD}
    assert _counts(admin, "query") == {"scabies": THRESHOLD}


def test_widget_searches_count_the_embedding_site(admin: FlaskClient) -> None:
    admin.get("/api/v1/search?q=falls", headers={"Origin": SITE})
    admin.get("/api/v1/search?q=sepsis", headers={"Origin": SITE.upper()})
    admin.get("/api/v1/search?q=sepsis", headers={"Origin": "javascript:alert(1)"})
    admin.get("/api/v1/search?q=sepsis", headers={"Origin": OWN})
    admin.get("/api/v1/search?q=sepsis")
    admin.get("/embed?q=falls", headers={"Referer": f"{SITE}/our-library/page?x=1"})
    admin.get("/embed?q=falls")
    admin.get("/embed")  # the empty frame is not a search
    assert _counts(admin, "widget") == {SITE: 3, "(no referrer)": 1}
    assert _counts(admin, "searches") == {"": 7}


def test_failed_and_not_modified_searches_are_not_counted(admin: FlaskClient) -> None:
    assert admin.get("/?region=atlantis").status_code == 400
    etag = admin.get("/api/v1/search?q=falls").headers["ETag"]
    assert admin.get("/api/v1/search?q=falls",
                     headers={"If-None-Match": etag}).status_code == 304
    assert _counts(admin, "searches") == {"": 1}


def test_no_cookies_and_no_address_anywhere(admin: FlaskClient, tmp_path: Path) -> None:
    response = admin.get("/?q=falls", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert "Set-Cookie" not in response.headers
    assert "Set-Cookie" not in admin.get("/admin/analytics").headers
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("analytics.sqlite*"))
    assert b"10.1.2.3" not in stored


@pytest.mark.parametrize(("address", "headers", "status"), [
    ("127.0.0.1", {}, 200),
    ("10.20.30.40", {}, 200),
    ("192.168.1.9", {}, 200),
    ("::1", {}, 200),
    ("8.8.8.8", {}, 403),
    ("2001:4860::8888", {}, 403),
    # A proxy this app does not trust: its own loopback address proves nothing.
    ("127.0.0.1", {"X-Forwarded-For": "8.8.8.8"}, 403),
])
def test_admin_page_only_for_private_addresses(admin: FlaskClient, address: str,
                                               headers: dict[str, str], status: int) -> None:
    for url in ("/admin/analytics", "/admin/analytics.csv", "/admin/analytics/charts/query.svg"):
        response = admin.get(url, headers=headers, environ_base={"REMOTE_ADDR": address})
        assert response.status_code == status, url
        if status == 200:
            assert response.headers["Cache-Control"] == "no-store"


def test_admin_charts_download(admin: FlaskClient) -> None:
    for _ in range(THRESHOLD):
        admin.get("/?q=falls")
    rows = list(csv.reader(io.StringIO(
        admin.get("/admin/analytics/charts/query.csv?weeks=2").get_data(as_text=True))))
    assert rows == [["Search words", "Requests"], ["falls", str(THRESHOLD)]]
    assert admin.get("/admin/analytics/charts/searches.png").data[:4] == b"\x89PNG"
    assert admin.get("/admin/analytics/charts/nope.svg").status_code == 404
    assert admin.get("/admin/analytics?weeks=99").status_code == 400


def test_a_broken_store_never_breaks_a_search(admin: FlaskClient, tmp_path: Path) -> None:
    store = admin.application.extensions["analytics"]
    store.close()
    store.path = tmp_path / "missing-folder" / "file-as-folder"
    (tmp_path / "missing-folder").write_text("not a folder")
    assert admin.get("/?q=falls").status_code == 200
