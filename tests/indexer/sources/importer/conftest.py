"""The sample documents, with their PDFs made once per test session by LibreOffice."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.indexer.sources.importer.samples import SHAPES, to_pdf


@pytest.fixture(scope="session")
def sample_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder: Path = tmp_path_factory.mktemp("pdfs")
    return to_pdf({name: make() for name, make in SHAPES.items()}, folder)
