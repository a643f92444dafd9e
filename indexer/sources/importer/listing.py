"""The national listing: one row of metadata per document, from CSV, JSON or XLSX.

Columns are found by their header, whatever its case or spacing ("Group impacted",
"group_impacted", "Impact type(s)"); a listing without a document column is refused as a
whole. Each row's labels become vocabulary keys (:mod:`labels`); a row with an unknown label
or a date that is not one is an error naming what is allowed, never a guess.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import warnings
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from indexer.sources.importer.errors import CorruptFile, ListingProblem
from indexer.sources.importer.formats.plain import decode_text
from indexer.sources.importer.labels import (
    LabelError,
    organisation_label,
    parse_date,
    to_key,
    to_keys,
)
from indexer.sources.importer.limits import DEFAULT_LIMITS, Limits, check_size, check_zip
from indexer.sources.importer.provenance import FieldOrigin

__all__ = ["ListingRow", "Listing", "read_listing", "COLUMNS"]

# field -> header spellings (normalised: lower case, words only)
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "case study title", "case study", "name"),
    "region": ("region", "hee region", "nhs region", "local office", "nhs england region"),
    "sector": ("sector", "organisation type", "organisation sector"),
    "group_impacted": ("group impacted", "groups impacted", "group", "staff group"),
    "impact_types": ("impact types", "impact type", "impact type s", "impacts", "impact",
                     "types of impact", "type of impact"),
    "organisation": ("organisation", "organization", "trust", "organisation name"),
    "submitted_date": ("date submitted", "submitted", "date", "submission date",
                       "date of submission", "submitted date", "submitted on"),
    "document": ("document", "file", "file name", "filename", "attachment", "document name",
                 "document file", "attached document"),
}
_LOOKUP = {spelling: name for name, spellings in COLUMNS.items() for spelling in spellings}


@dataclass
class ListingRow:
    number: int  # the row's line (CSV, XLSX) or position from 1 (JSON), as people count
    document: str  # file name, as matched against the files given
    fields: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, FieldOrigin] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def error(self) -> str:
        return f"listing row {self.number}: " + "; ".join(self.problems)


@dataclass
class Listing:
    file: str
    rows: list[ListingRow]
    warnings: list[str] = field(default_factory=list)

    def by_document(self) -> dict[str, list[ListingRow]]:
        found: dict[str, list[ListingRow]] = {}
        for row in self.rows:
            found.setdefault(row.document.casefold(), []).append(row)
        return found


def _header(text: object) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).split())


def _document_name(value: str) -> str:
    value = urllib.parse.unquote(value.strip())
    value = value.split("?")[0]
    return PureWindowsPath(PurePosixPath(value).name).name.strip()


def _resolve(number: int, raw: dict[str, Any], headers: dict[str, str]) -> ListingRow:
    row = ListingRow(number, _document_name(str(raw.get("document") or "")))
    if not row.document:
        row.problems.append("no document named; fill in the document column")
    for name, value in raw.items():
        if name == "document" or value is None or not str(value).strip():
            continue
        where = FieldOrigin.read("listing", f"column '{headers[name]}'")
        try:
            if name == "title":
                row.fields[name] = " ".join(str(value).split())[:200]
            elif name == "organisation":
                row.fields[name] = organisation_label(str(value))[:200]
            elif name == "impact_types":
                row.fields[name] = to_keys("impact_types", str(value))
            elif name == "submitted_date":
                parsed = parse_date(value)
                if parsed is None:
                    raise LabelError(f"date submitted {str(value)!r} is not a date; write it "
                                     "as YYYY-MM-DD or DD/MM/YYYY")
                row.fields[name] = parsed[0]
                if parsed[1]:
                    where = FieldOrigin.read("listing", f"column '{headers[name]}'; {parsed[1]}")
            else:
                row.fields[name] = to_key(name, str(value))
        except LabelError as exc:
            row.problems.append(str(exc))
            continue
        row.origins[name] = where
    return row


def _rows(table: list[list[Any]], source: str, first_line: int) -> Listing:
    offset = next((i for i, row in enumerate(table[:10])
                   if any(_LOOKUP.get(_header(h)) == "document" for h in row)), None)
    if offset is None:
        raise ListingProblem(
            f"listing {source}: no document column found in its first rows; name a column "
            "'Document' holding each row's file name (columns: " + ", ".join(
                c.replace("_", " ") for c in COLUMNS) + ")"
        )
    header_row = table[offset]
    names = {i: _LOOKUP.get(_header(h)) for i, h in enumerate(header_row)}
    headers = {name: str(header_row[i]).strip() for i, name in names.items() if name}
    unknown = [str(h) for i, h in enumerate(header_row) if not names[i] and str(h or "").strip()]
    listing = Listing(source, [])
    if unknown:
        listing.warnings.append(f"listing columns not used: {', '.join(unknown)}")
    for index, values in enumerate(table[offset + 1:]):
        if not any(str(v or "").strip() for v in values):
            continue
        raw = {name: values[i] for i, name in names.items() if name and i < len(values)}
        listing.rows.append(_resolve(first_line + offset + 1 + index, raw, headers))
    return listing


def _csv(data: bytes, source: str) -> list[list[Any]]:
    text = decode_text(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _json(data: bytes, source: str) -> list[list[Any]]:
    try:
        parsed = json.loads(decode_text(data))
    except json.JSONDecodeError as exc:
        raise ListingProblem(f"listing {source}: invalid JSON at line {exc.lineno} column "
                             f"{exc.colno} ({exc.msg})") from None
    if isinstance(parsed, dict):
        parsed = next((parsed[k] for k in ("items", "rows", "records", "case_studies", "data")
                       if isinstance(parsed.get(k), list)), None)
    if not isinstance(parsed, list) or not all(isinstance(r, dict) for r in parsed):
        raise ListingProblem(f"listing {source}: expected a list of objects, one per document")
    keys = list(dict.fromkeys(k for r in parsed for k in r))
    return [keys] + [[r.get(k) for k in keys] for r in parsed]


def _xlsx(data: bytes, source: str, limits: Limits) -> list[list[Any]]:
    import openpyxl

    check_zip(data, limits, ".xlsx")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheets = [[list(row) for row in sheet.iter_rows(values_only=True)]
                      for sheet in book.worksheets]
            book.close()
    except (KeyError, ValueError, OSError, TypeError) as exc:
        raise CorruptFile(f"listing {source}: not a readable .xlsx ({exc}); save it again "
                          "from Excel, or as CSV UTF-8") from None
    for table in sheets:
        if any(_LOOKUP.get(_header(h)) == "document" for row in table[:10] for h in row):
            return table
    return sheets[0] if sheets else []


def read_listing(path: Path, limits: Limits = DEFAULT_LIMITS) -> Listing:
    data = path.read_bytes()
    check_size(data, limits)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _rows(_csv(data, path.name), path.name, 1)
    if suffix == ".json":
        return _rows(_json(data, path.name), path.name, 0)
    if suffix in (".xlsx", ".xlsm"):
        return _rows(_xlsx(data, path.name, limits), path.name, 1)
    raise ListingProblem(f"listing {path.name}: use a .csv, .json or .xlsx file (from Excel: "
                         "File > Save As > CSV UTF-8)")
