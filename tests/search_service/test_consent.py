"""A quoted person who did not consent is named nowhere: not in any response, stored index
file or log line. A case without consent to publish appears nowhere at all."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from search_service import create_app
from tests.builders import make_record

SECRET_NAME = "Philippa Quarterman-Xanthe"
HIDDEN_TITLE = "Zygomatic arch fracture pathway nobody may publish"

QUOTE = {"text": "The evidence changed our minds.", "name": SECRET_NAME,
         "role": "Ward Sister", "organisation": "Testford Hospitals NHS Trust"}


@pytest.fixture()
def consent_index(small_index: Any) -> Path:
    root: Path = small_index([
        make_record(id="anonymous", quote=QUOTE,
                    consent={"named": False, "internal": True, "external": True}),
        make_record(id="named", quote={**QUOTE, "name": "Named Person"}),
        make_record(id="hidden", title=HIDDEN_TITLE, quote=QUOTE,
                    consent={"named": True, "internal": True, "external": False}),
    ])
    return root


@pytest.fixture()
def consent_client(consent_index: Path) -> FlaskClient:
    return create_app({"TESTING": True, "INDEX_DIR": str(consent_index)}).test_client()


URLS = ["/api/v1/search?q=evidence", "/api/v1/search",
        "/api/v1/cases/anonymous", "/api/v1/cases/named/similar", "/api/v1/facets",
        "/api/v1/suggest?q=phi", "/api/v1/suggest?q=zyg", "/api/v1/cases/hidden",
        "/api/v1/search?q=zygomatic"]


def test_no_response_names_the_unconsented_person(consent_client: FlaskClient,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # Searching for the name finds nothing: it was never indexed.
    assert consent_client.get("/api/v1/search?q=Philippa").get_json()["total"] == 0
    bodies = [consent_client.get(url).get_data(as_text=True) for url in URLS]
    draft = consent_client.post("/api/v1/similar", json={"text": f"{SECRET_NAME} evidence"})
    assert draft.status_code == 200
    bodies.append(draft.get_data(as_text=True))
    for body in bodies:
        assert "Philippa" not in body and "Quarterman" not in body
    assert "Philippa" not in caplog.text


def test_named_person_with_consent_is_shown(consent_client: FlaskClient) -> None:
    assert consent_client.get("/api/v1/cases/named").get_json()["quote"]["name"] == "Named Person"
    quote = consent_client.get("/api/v1/cases/anonymous").get_json()["quote"]
    assert quote == {"text": QUOTE["text"], "role": "Ward Sister",
                     "organisation": "Testford Hospitals NHS Trust"}


def test_unpublishable_case_is_nowhere(consent_client: FlaskClient) -> None:
    assert consent_client.get("/api/v1/cases/hidden").status_code == 404
    assert consent_client.get("/api/v1/search?q=zygomatic").get_json()["total"] == 0
    total = consent_client.get("/api/v1/search").get_json()["total"]
    assert total == 2
    for url in URLS:
        assert "Zygomatic" not in consent_client.get(url).get_data(as_text=True)


def test_no_stored_index_file_contains_the_name(consent_index: Path) -> None:
    files = [p for p in consent_index.rglob("*") if p.is_file()]
    assert len(files) > 5
    for path in files:
        data = path.read_bytes()
        assert b"Philippa" not in data and b"Quarterman" not in data, path
        assert b"Zygomatic" not in data and b"zygomat" not in data, path
