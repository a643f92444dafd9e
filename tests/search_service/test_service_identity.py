"""The service's name, its contact address and the sample notice are settings; the notice that
the collection is made up shows only while the bundled sample corpus is what is served."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from search_service import create_app
from search_service.settings import SAMPLE_NOTICE
from tests.builders import make_record


def _page(index: Path, path: str, **config: Any) -> str:
    client = create_app({"TESTING": True, "INDEX_DIR": str(index), **config}).test_client()
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_bundled_sample_is_called_made_up(index_dir: Path) -> None:
    for path in ("/", "/about", "/cases/falls-bundle-evidence-review-northmoor"):
        assert SAMPLE_NOTICE in _page(index_dir, path)


def test_a_real_collection_is_never_called_made_up(
        small_index: Callable[[list[dict[str, Any]]], Path]) -> None:
    index = small_index([make_record(id="real-case")])
    for path in ("/", "/about", "/cases/real-case"):
        page = _page(index, path)
        assert SAMPLE_NOTICE not in page and "illustrative" not in page
        assert "Not an official NHS service." in page


def test_the_notice_name_and_contact_are_settings(index_dir: Path) -> None:
    config = {"SERVICE_NAME": "Wessex LKS impact finder", "CONTACT_EMAIL": "lks@example.nhs.uk",
              "SAMPLE_NOTICE": "Demonstration data only."}
    for path in ("/", "/about"):
        page = _page(index_dir, path, **config)
        assert "– Wessex LKS impact finder</title>" in page
        assert ">Wessex LKS impact finder</a>" in page
        assert 'href="mailto:lks@example.nhs.uk"' in page
        assert "Demonstration data only." in page and SAMPLE_NOTICE not in page
    assert "mailto:" not in _page(index_dir, "/about")
