"""Imported records (a body, no region or date, a name withheld) in the pages and the API."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.sources.importer import import_paths
from search_service import create_app
from tests.indexer.sources.importer.samples import SHAPES


def test_imported_case_study_pages(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "prose.docx").write_bytes(SHAPES["prose"]())  # no sections, region or date
    (docs / "template.docx").write_bytes(SHAPES["template"]())
    import_paths([docs], out=tmp_path / "out", published=True)
    build_index(tmp_path / "out", tmp_path / "index")
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()

    page = client.get("/cases/prose")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "plain dressings for most wounds" in html  # the body is shown
    assert "Submitted" in html and "Not stated" in html  # no date, said so
    for name in ("Anne Lewis", "Sam Patel", "Jo Bloggs"):
        assert name not in html

    results = client.get("/?q=formulary").get_data(as_text=True)
    assert "/cases/prose" in results and "None" not in results

    api = client.get("/api/v1/search?q=formulary").get_json()
    hit = api["hits"][0]
    assert hit["id"] == "prose" and hit["year"] is None
    assert hit["region"] == {"key": "not_stated", "label": "Not stated"}
    facets = client.get("/api/v1/facets").get_json()["facets"]
    regions = {v["key"] for v in facets["region"]}
    assert "not_stated" in regions
    filtered = client.get("/api/v1/search?region=not_stated").get_json()
    assert filtered["total"] == 2

    record = client.get("/api/v1/cases/prose").get_json()
    assert "provenance" not in record and "consent" not in record
    similar = client.get("/api/v1/cases/template/similar?k=1").get_json()
    assert similar["hits"][0]["id"] == "prose"
    assert all(s["key"] != "not_stated" for s in similar["hits"][0]["reasons"]["shared"])


@pytest.mark.parametrize(("named", "documents"), [
    (True, {"prose": "prose.docx", "template": "template.docx"}),
    (False, {"prose": "", "template": ""}),  # a file name is free text: it may name someone
])
def test_the_export_names_each_imported_document(tmp_path: Path, named: bool,
                                                 documents: dict[str, str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "prose.docx").write_bytes(SHAPES["prose"]())
    (docs / "template.docx").write_bytes(SHAPES["template"]())
    import_paths([docs], out=tmp_path / "out", published=True, names_consented=named)
    build_index(tmp_path / "out", tmp_path / "index")
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")}).test_client()
    text = client.get("/search.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["id"]: row["Document"] for row in rows} == documents
    assert client.get("/api/v1/cases/prose").get_json().get("document") == (
        documents["prose"] or None)
