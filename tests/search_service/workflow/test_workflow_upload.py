"""Starting a draft from a document: the type is sniffed from the bytes, the size bounded,
the file never stored or served back; the importer's fields fill the form, each marked for
the writer to check, and never the consent answers."""

from __future__ import annotations

import io
import sys
import types
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from search_service.workflow.importing import sniff
from search_service.workflow.models import Role
from tests.builders import word_case_study
from tests.search_service.workflow.conftest import Person


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_a_word_document_fills_the_form_through_the_importer(app: Flask) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    response = writer.form("/submissions/upload", {
        "document": (io.BytesIO(word_case_study()), "case study.docx")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = writer.browser.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Quillwort ward rounds cut delirium"' in page
    assert "4AT screening tool" in page
    assert page.count("Read from your document: check it") == 4  # title and three sections
    assert "Guessed from your document: check it" in page  # the summary, by a rule
    number = response.headers["Location"].split("/")[2]
    body = writer.api("GET", f"/api/v1/submissions/{number}").get_json()
    assert body["origins"]["challenge"] == "read" and body["origins"]["summary"] == "inferred"
    assert "consent" not in body["record"]


@pytest.mark.parametrize("kind", ["doc", "odt", "rtf"])
def test_older_word_processor_files_fill_the_form_too(app: Flask, tmp_path: Any,
                                                      kind: str) -> None:
    """Converted by LibreOffice (as `.ci/run` installs it), read as the .docx would be."""
    from tests.indexer.sources.importer.samples import convert

    data = convert({"case": word_case_study()}, tmp_path, kind)["case"]
    assert sniff(data) == kind
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    response = writer.form("/submissions/upload", {"document": (io.BytesIO(data),
                                                                f"case study.{kind}")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = writer.browser.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Quillwort ward rounds cut delirium"' in page
    assert "4AT screening tool" in page
    assert "converted from" in page  # the importer's warning is shown to the writer


@pytest.mark.parametrize(("data", "kind"), [
    (b"%PDF-1.7\n...", "pdf"), (_zip(["word/document.xml", "[Content_Types].xml"]), "docx"),
    (_zip(["xl/workbook.xml"]), None), (b"<html><script>alert(1)</script></html>", None),
    (b"PK\x03\x04 not really a zip", None), (b"", None),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "doc"), (b"{\\rtf1\\ansi Hello}", "rtf"),
    (b"\xd0\xcf\x11\xe0 too short for OLE", None),
])
def test_the_type_comes_from_the_bytes(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


@dataclass
class _Origin:
    origin: str
    source: str = "document"
    detail: str = ""


@dataclass
class _Document:
    record: dict[str, Any]
    origins: dict[str, _Origin]
    figures: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Problem(Exception):
    pass


@pytest.fixture()
def importer(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, str]]:
    """An importer with issue 12's interface (read_document, ImportProblem), recording calls."""
    calls: list[tuple[bytes, str]] = []

    def read_document(data: bytes, filename: str, limits: Any = None) -> _Document:
        calls.append((data, filename))
        if b"broken" in data:
            raise _Problem("the file is damaged; save it again from Word")
        return _Document(
            record={"title": "Sepsis screening from the document", "summary": "word " * 80,
                    "outcome": "Sepsis screening improved.", "region": "atlantis",
                    "consent": {"named": True, "internal": True, "external": True},
                    "quote": {"text": "It helped.", "name": "Dr Read"}},
            origins={"title": _Origin("read"), "outcome": _Origin("read"),
                     "quote.name": _Origin("inferred"), "summary": _Origin("inferred")},
            warnings=["No date found"])

    module = types.ModuleType("indexer.sources.importer")
    module.read_document = read_document  # type: ignore[attr-defined]
    module.ImportProblem = _Problem  # type: ignore[attr-defined]
    module.Limits = lambda **bounds: bounds  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "indexer.sources.importer", module)
    return calls


def test_a_document_fills_the_form_and_marks_each_field(app: Flask,
                                                        importer: list[Any]) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    data = _zip(["word/document.xml"])
    response = writer.form("/submissions/upload", {
        "document": (io.BytesIO(data), "../../etc/case study.pdf")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert importer == [(data, "case study.pdf.docx")]  # the bytes decide the type
    page = writer.browser.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Sepsis screening from the document"' in page
    assert page.count("Read from your document: check it") == 2  # title, outcome
    assert "Guessed from your document: check it" in page  # quote name
    assert "No date found" in page and "summary was left empty" in page
    assert "region was left empty" in page
    drafts = writer.browser.get("/submissions").get_data(as_text=True)
    assert "Sepsis screening from the document" in drafts
    number = response.headers["Location"].split("/")[2]
    record = writer.api("GET", f"/api/v1/submissions/{number}").get_json()["record"]
    assert "consent" not in record  # the writer answers the consent questions, not the file
    assert record["quote"]["name"] == "Dr Read"


@pytest.mark.parametrize(("data", "message"), [
    (b"<html><body>%s</body></html>", "not a Word, OpenDocument, RTF or PDF document"),
    (b"", "The file is empty"),
    (b"%PDF-1.4 broken", "could not be read: the file is damaged"),
])
def test_bad_uploads_are_refused_and_never_echoed(app: Flask, importer: list[Any], data: bytes,
                                                  message: str) -> None:
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    payload = data.replace(b"%s", b"<script>alert('uploaded')</script>")
    response = writer.form("/submissions/upload", {"document": (io.BytesIO(payload),
                                                                "case.docx")})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and message in text
    assert "alert('uploaded')" not in text and response.mimetype == "text/html"


def test_uploads_are_bounded(make_app: Any, importer: list[Any]) -> None:
    app = make_app(UPLOAD_MAX_BYTES=400_000)
    writer = Person(app, "w@nhs.net", Role.SUBMITTER)
    over_body_limit = b"%PDF-1.4 " + b"x" * 300_000  # > MAX_CONTENT_LENGTH, < the upload bound
    ok = writer.form("/submissions/upload", {"document": (io.BytesIO(over_body_limit),
                                                          "a.pdf")})
    assert ok.status_code == 302
    too_big = b"%PDF-1.4 " + b"x" * 420_000
    refused = writer.form("/submissions/upload", {"document": (io.BytesIO(too_big), "a.pdf")})
    assert refused.status_code == 400
    assert "the limit is 400 KB. Save it without large images" in refused.get_data(as_text=True)
    # A body past the bound is refused before it is read.
    huge = writer.form("/submissions/upload", {"document": (io.BytesIO(b"x" * 480_000),
                                                            "a.pdf")})
    assert huge.status_code == 413
