"""Word, PDF, web and text documents, and the national listing, as corpus records.

Read this first. One document goes through these steps, each a module::

    bytes ─ formats (docx: python-docx · pdf: pypdf · html: lxml · txt/md) ─> blocks
          ─ text (clean characters; refuse empty or unreadable text)
          ─ sections (headings, bold labels, table rows -> challenge, outcome, quote, ...)
          ─ figures (money and staff time: saving, cost or neither, with the sentence)
          ─ quotes (the main quotation and its attribution; the people named)
          ─ inference (summary, topics, service types, purpose, impact types: each by a rule)
          ─> ImportedDocument (record, origins, figures, warnings)     = read_document()

:func:`read_document` is pure (bytes in, no disk, no clock): the submission workflow calls it
on an upload. :func:`import_paths` (run) adds the listing (listing, labels), consent, stable
ids, provenance and atomic writes (output); :mod:`report` writes the CSV and HTML report.
Every problem with an input is an :class:`ImportProblem` subclass (errors) whose message says
what to do. Bounds against hostile files are in limits. Nothing here imports the web layer.
"""

from __future__ import annotations

from indexer.sources.importer.errors import (
    CorruptFile,
    ImportProblem,
    ListingProblem,
    MissingDocument,
    NoText,
    OutputProblem,
    PasswordProtected,
    TooLarge,
    UncleanText,
    UnsupportedFormat,
)
from indexer.sources.importer.figures import Figure
from indexer.sources.importer.limits import DEFAULT_LIMITS, Limits
from indexer.sources.importer.provenance import FieldOrigin
from indexer.sources.importer.reader import ImportedDocument, read_document
from indexer.sources.importer.report import write_report
from indexer.sources.importer.run import FileResult, ImportSummary, import_paths

__all__ = [
    "read_document",
    "import_paths",
    "write_report",
    "ImportedDocument",
    "ImportSummary",
    "FileResult",
    "FieldOrigin",
    "Figure",
    "Limits",
    "DEFAULT_LIMITS",
    "ImportProblem",
    "UnsupportedFormat",
    "TooLarge",
    "CorruptFile",
    "PasswordProtected",
    "NoText",
    "UncleanText",
    "ListingProblem",
    "MissingDocument",
    "OutputProblem",
]
