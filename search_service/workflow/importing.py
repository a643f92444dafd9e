"""Filling a draft from a document: the one place that talks to the importer
(:mod:`indexer.sources.importer`, issue 12), so its interface is adapted here only.

The upload is checked before the importer sees it: a size bound, and the type sniffed from the
bytes (a ``.docx`` is a ZIP holding ``word/document.xml``; a PDF starts ``%PDF-``; an old
``.doc`` is an OLE file; an ``.odt`` a ZIP whose ``mimetype`` says so; RTF starts ``{\\rtf``),
never trusted from the name or the browser. The importer converts .doc, .odt and .rtf through
LibreOffice and reads a scanned PDF by OCR, at most ``OCR_PAGES`` pages in a request. The file
is read in memory and dropped: it is never stored, so it can never be served back.

What the draft keeps of the document is its ``provenance`` (name, SHA-256, fields read, and
every person's name it gives): the writer sees their text as written, and the public record
withholds those names unless the case study has consent to name people
(:func:`indexer.sources.corpus.public_record`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from search_service.workflow.errors import BadUpload
from search_service.workflow.records import FORM_FIELDS, SERVICE_FIELDS, draft_problems

__all__ = ["Prefill", "read_upload", "sniff", "KINDS", "ACCEPTED", "OCR_PAGES",
           "with_people_of"]

KINDS = {"docx": "Word document (.docx)", "pdf": "PDF", "doc": "Word 97-2003 document (.doc)",
         "odt": "OpenDocument text (.odt)", "rtf": "Rich Text Format document (.rtf)"}
OCR_PAGES = 3  # a scan is read at a few seconds a page, while the writer waits
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT = b"mimetypeapplication/vnd.oasis.opendocument.text"


ACCEPTED = ".docx, .doc, .odt, .rtf or PDF"


@dataclass
class Prefill:
    record: dict[str, Any]
    origins: dict[str, str]  # form field -> "read" | "inferred" | "missing"
    warnings: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)  # as corpus/schema.json has it


def _size(count: int) -> str:
    return f"{count / 1000:,.0f} KB" if count < 1_000_000 else f"{count / 1_000_000:.1f} MB"


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_OLE):
        return "doc"  # or a password-protected .docx: the importer says which
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(b"PK\x03\x04") and data[30:30 + len(_ODT)] == _ODT:
        return "odt"  # the OpenDocument rule: an uncompressed "mimetype" entry comes first
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return None
    return None


def _importer() -> Any:
    try:
        return importlib.import_module("indexer.sources.importer")
    except ImportError:
        return None


def _form_origins(origins: dict[str, Any]) -> dict[str, str]:
    """The importer's per-field origins keyed by the form's field names."""
    found: dict[str, str] = {}
    for form_field in FORM_FIELDS:
        top = form_field.path[0]
        origin = origins.get(".".join(form_field.path), origins.get(top))
        if origin is not None:  # a FieldOrigin: .origin is read, inferred or missing
            found[form_field.name] = str(getattr(origin, "origin", origin))
    return found


def read_upload(data: bytes, filename: str, max_bytes: int) -> Prefill:
    """The draft fields a document fills in, or :class:`BadUpload` saying why not."""
    if not data:
        raise BadUpload(f"The file is empty. Choose a case study saved as {ACCEPTED}.")
    if len(data) > max_bytes:
        raise BadUpload(f"The file is {_size(len(data))}; the limit is {_size(max_bytes)}. "
                        "Save it without large images.")
    kind = sniff(data)
    if kind is None:
        raise BadUpload(f"The file is not a Word, OpenDocument, RTF or PDF document. Save it "
                        f"as {ACCEPTED} and upload it again, or fill in the form by hand.")
    importer = _importer()
    if importer is None:
        raise BadUpload("Reading documents is not available on this service yet: fill in the "
                        "form by hand.")
    safe_name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or f"upload.{kind}"
    if not safe_name.lower().endswith("." + kind):
        safe_name = f"{safe_name}.{kind}"  # the content decides, not the name
    try:
        document = importer.read_document(data, safe_name,
                                          importer.Limits(ocr_pages=OCR_PAGES))
    except importer.ImportProblem as problem:
        raise BadUpload(f"The {KINDS[kind]} could not be read: {problem}") from None
    # Only what the form shows; consent is the writer's to answer, never read from a file.
    shown = {f.path[0] for f in FORM_FIELDS} - {"consent", *SERVICE_FIELDS}
    record = {k: v for k, v in dict(document.record).items() if k in shown}
    warnings = [str(w) for w in getattr(document, "warnings", [])]
    for name, reason in draft_problems(record):
        if record.pop(name.split("__")[0], None) is not None:
            warnings.append(f"{name.split('__')[0]} was left empty: {reason}")
    return Prefill(record=record, origins=_form_origins(dict(document.origins)),
                   warnings=warnings, provenance=_provenance(data, safe_name, kind, document))


def _provenance(data: bytes, name: str, kind: str, document: Any) -> dict[str, Any]:
    origins = dict(document.origins)
    people = [str(p) for p in getattr(document, "people", []) if 0 < len(str(p)) <= 200]
    return {
        "source": {"file": name[-200:], "sha256": hashlib.sha256(data).hexdigest(),
                   "format": kind, "bytes": len(data)},
        "imported_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "fields": {k: {"origin": str(getattr(o, "origin", o))} for k, o in origins.items()},
        "people": people[:100],
    }


def with_people_of(provenance: dict[str, Any], before: Any) -> dict[str, Any]:
    """``provenance`` of a second document uploaded into a draft, still withholding the names
    the first one gave (its text may be in the draft)."""
    earlier = before.get("people", []) if isinstance(before, dict) else []
    people = list(dict.fromkeys([*earlier, *provenance.get("people", [])]))
    return {**provenance, "people": people[:100]}
