"""The JSON access log and /metrics (in-process; the multi-worker sums are tested under
gunicorn in test_prod_rebuild)."""

from __future__ import annotations

import json
import logging

import pytest
from flask.testing import FlaskClient

NAME = "Joan Aldous"  # a quoted person in the bundled corpus


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(r.getMessage()) for r in caplog.records
            if r.name == "impact_search.access"]


def test_access_log_fields(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="impact_search.access")
    client.get("/api/v1/search?q=falls")
    client.get("/api/v1/cases/no-such-case")
    client.get("/nowhere/at/all")
    search, missing, nowhere = access_lines(caplog)
    assert search["route"] == "/api/v1/search" and search["status"] == 200
    assert isinstance(search["results"], int) and search["results"] > 0
    assert isinstance(search["latency_ms"], float) and search["method"] == "GET"
    assert str(search["time"]).endswith("+00:00")
    assert (missing["route"], missing["status"]) == ("/api/v1/cases/<case_id>", 404)
    assert (nowhere["route"], nowhere["status"]) == ("(no route)", 404)


def test_access_log_never_holds_query_draft_or_names(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client.get("/api/v1/search", query_string={"q": NAME})
    client.get("/api/v1/suggest", query_string={"q": "Joan Ald"})
    client.post("/api/v1/similar", json={"text": f"{NAME} asked about sepsis screening"})
    client.post("/api/v1/similar", json={"text": f"{NAME} " + "x" * 30_000})  # a 400
    client.get(f"/api/v1/cases/{NAME}")
    lines = access_lines(caplog)
    assert [line["status"] for line in lines] == [200, 200, 200, 400, 404]
    everything = caplog.text + "".join(json.dumps(line) for line in lines)
    for secret in ("Joan", "Aldous", "Ald", "sepsis"):
        assert secret not in everything


def test_metrics_in_prometheus_text_format(client: FlaskClient) -> None:
    client.get("/api/v1/search?q=falls")
    client.get("/api/v1/search?per_page=9999")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "# TYPE impact_search_requests_total counter" in text
    assert "# TYPE impact_search_request_seconds histogram" in text
    assert 'route="/api/v1/search",status="200"' in text
    assert 'route="/api/v1/search",status="400"' in text
    assert "impact_search_index_documents 185.0" in text
    assert "impact_search_index_degraded 0.0" in text
    assert 'impact_search_index_generation{built_at="' in text


def test_metrics_can_be_switched_off(index_dir: object) -> None:
    from search_service import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "METRICS_ENABLED": False})
    assert app.test_client().get("/metrics").status_code == 404
