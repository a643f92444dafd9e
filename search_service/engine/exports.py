"""Exports of a whole search: CSV, RIS and JSON Lines, streamed; and an Atom feed of its newest
case studies.

Every export covers every case study the search matches (not a page of it), in the search's
order, from :mod:`.selection`. Records are read from the generation's record store in chunks
as the output is written, so memory stays flat however many rows go out. The store holds
public records (consent applied when the index was built), so an export shows exactly what the
pages show: a quoted person's name only with their consent.

Addresses in an export are absolute: the caller passes ``base_url`` (the service's own origin,
e.g. ``https://impact.example.nhs.uk``). Flask-free, like the rest of the engine.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from xml.etree import ElementTree as ET

from search_service.engine.live import Generation
from search_service.engine.params import SearchParams
from search_service.engine.search import hit_fields
from search_service.engine.selection import Selection, ordered, select

__all__ = ["ExportRecord", "CSV_COLUMNS", "LISTING_COLUMNS", "export_records", "csv_lines",
           "ris_lines", "jsonl_lines", "atom_feed", "FeedInfo", "FEED_ENTRIES", "csv_row",
           "safe_cell"]

CHUNK = 200  # records read from the store at a time
FEED_ENTRIES = 20
ATOM = "http://www.w3.org/2005/Atom"

# The national listing's columns first, named as the listing names them, so a spreadsheet of
# an export reads like the listing (and goes back in through `impact-search import --listing`);
# then this service's own fields.
LISTING_COLUMNS = ("Title", "Region", "Sector", "Group impacted", "Impact types",
                   "Organisation", "Date submitted", "Document")
CSV_COLUMNS = (*LISTING_COLUMNS, "id", "url", "summary", "challenge", "lks_contribution",
               "outcome", "patient_benefit", "quote", "quote_name", "quote_role",
               "quote_organisation", "impact_type_keys", "region_key", "sector_key",
               "group_impacted_key", "service_types", "service_type_keys", "purpose",
               "topics", "money_saved_gbp", "staff_hours_saved", "other_saving", "year")
# A cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportRecord:
    """One public record with its address and its facet values labelled."""

    record: dict[str, Any]
    url: str
    facets: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {**self.record, "url": self.url, "facets": self.facets}


def export_records(generation: Generation, selection: Selection, base_url: str,
                   limit: int | None = None) -> Iterator[ExportRecord]:
    """Every selected record (or the first ``limit``) in the search's order, read ``CHUNK``
    at a time."""
    order = ordered(generation, selection)[:limit]
    for start in range(0, order.size, CHUNK):
        chunk = [int(o) for o in order[start:start + CHUNK]]
        for ordinal, record in zip(chunk, generation.store.get_many(chunk), strict=True):
            yield ExportRecord(record, f"{base_url}/cases/{record['id']}",
                               hit_fields(record, generation.columns, ordinal))


def _labels(items: list[dict[str, str]]) -> str:
    return ", ".join(item["label"] for item in items)


def _keys(items: list[dict[str, str]]) -> str:
    return ", ".join(item["key"] for item in items)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return f"{value:g}" if float(value).is_integer() else str(value)


def _document(record: dict[str, Any]) -> str:
    """The listing's "Document": the file an imported record was read from. The public record
    has it only with consent to name people, since a file name often carries a name."""
    return str(record.get("document", ""))


def csv_row(item: ExportRecord) -> list[str]:
    """One CSV row, in :data:`CSV_COLUMNS` order."""
    r, f = item.record, item.facets
    quote = r.get("quote") or {}
    savings = r.get("savings") or {}
    # An imported record has only the fields its document and listing gave: "" for the rest.
    return [
        r["title"], f["region"]["label"], f["sector"]["label"], f["group_impacted"]["label"],
        _labels(f["impact_types"]), r.get("organisation", ""), r.get("submitted_date", ""),
        _document(r), r["id"], item.url, r.get("summary", ""), r.get("challenge", ""),
        r.get("lks_contribution", ""), r.get("outcome", ""),
        r.get("patient_benefit", ""), quote.get("text", ""), quote.get("name", ""),
        quote.get("role", ""), quote.get("organisation", ""), _keys(f["impact_types"]),
        r.get("region", ""), r.get("sector", ""), r.get("group_impacted", ""),
        _labels(f["service_types"]),
        _keys(f["service_types"]), r.get("purpose", ""), "; ".join(r.get("topics", [])),
        _number(savings.get("money_gbp")), _number(savings.get("staff_hours")),
        savings.get("other", ""), str(f["year"] or ""),
    ]


def safe_cell(value: str) -> str:
    """``value``, made safe to open in a spreadsheet."""
    # A text cell that starts like a formula is prefixed with an apostrophe, which
    # spreadsheets show as text; numbers are written bare and never start that way.
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_lines(items: Iterable[ExportRecord]) -> Iterator[str]:
    """The CSV text, ``CHUNK`` rows at a time: a UTF-8 byte order mark (so that Excel reads
    the £ signs), the header, then one row per record."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flush()
    for count, item in enumerate(items, start=1):
        writer.writerow([safe_cell(cell) for cell in csv_row(item)])
        if count % CHUNK == 0:
            yield flush()
    if buffer.tell():
        yield flush()


def _ris_value(value: Any) -> str:
    # A RIS value is one line; reference managers cut long lines nowhere, but break on \n.
    return " ".join(str(value).split())


def _ris_record(item: ExportRecord, database: str) -> list[tuple[str, str]]:
    r, f = item.record, item.facets
    date = str(r.get("submitted_date", ""))
    organisation = str(r.get("organisation", ""))
    tags = [("TY", "RPRT"), ("ID", r["id"]), ("TI", r["title"]), ("AU", organisation),
            ("PY", date[:4]), ("DA", date.replace("-", "/")), ("AB", r.get("summary", ""))]
    tags = [(tag, value) for tag, value in tags if value]  # an import may lack a date
    tags += [("KW", topic) for topic in r.get("topics", [])]
    tags += [("KW", item["label"]) for item in f["impact_types"]]
    tags += [("KW", f["region"]["label"]), *([("PB", organisation)] if organisation else []),
             ("UR", item.url), ("DB", database)]
    savings = r.get("savings") or {}
    notes = []
    if _number(savings.get("money_gbp")):
        notes.append(f"Money saved: £{savings['money_gbp']:,.0f}")
    if _number(savings.get("staff_hours")):
        notes.append(f"Staff time saved: {savings['staff_hours']:,g} hours")
    if savings.get("other"):
        notes.append(str(savings["other"]))
    if notes:
        tags.append(("N1", ". ".join(notes)))
    return tags


def ris_lines(items: Iterable[ExportRecord], database: str) -> Iterator[str]:
    """RIS: one ``TY  - RPRT`` record per case study, ending ``ER  -``, CRLF line ends."""
    for item in items:
        lines = [f"{tag}  - {_ris_value(value)}" for tag, value in _ris_record(item, database)]
        yield "\r\n".join([*lines, "ER  - ", "", ""])


def jsonl_lines(items: Iterable[ExportRecord]) -> Iterator[str]:
    """JSON Lines: each case study as ``/api/v1/cases/<id>`` returns it, one per line."""
    for item in items:
        yield json.dumps(item.to_json(), ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class FeedInfo:
    """The feed's own addresses and names, from the web layer."""

    base_url: str  # the service's origin, no trailing slash
    self_url: str  # this feed's absolute URL
    html_url: str  # the search page it follows
    title: str
    author: str
    updated: str  # RFC 3339; used when no case study matches


def _timestamp(date: str) -> str:
    return dt.date.fromisoformat(date).isoformat() + "T00:00:00Z"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def _entry(feed: ET.Element, item: ExportRecord) -> None:
    r = item.record
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "id", item.url)
    _text(entry, "title", r["title"])
    _text(entry, "updated", _timestamp(r["submitted_date"]))
    _text(entry, "published", _timestamp(r["submitted_date"]))
    author = ET.SubElement(entry, f"{{{ATOM}}}author")
    _text(author, "name", r.get("organisation") or item.facets["organisation"]["label"])
    ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                             "href": item.url})
    for value in item.facets["impact_types"]:
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": value["key"],
                                                     "label": value["label"]})
    _text(entry, "summary", r.get("summary", ""), type="text")


def atom_feed(generation: Generation, params: SearchParams, info: FeedInfo,
              limit: int = FEED_ENTRIES) -> bytes:
    """An Atom 1.0 document of the newest ``limit`` case studies ``params`` matches."""
    selection = select(generation, replace(params, sort="newest"))
    # An Atom entry needs a date: an imported case study without one is left out, not dated.
    entries = [e for e in export_records(generation, selection, info.base_url, limit)
               if "submitted_date" in e.record]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", info.self_url)
    _text(feed, "title", info.title)
    _text(feed, "updated", _timestamp(entries[0].record["submitted_date"]) if entries
          else info.updated)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", info.author)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml",
                                            "href": info.self_url})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                            "href": info.html_url})
    _text(feed, "generator", "impact-search")
    for item in entries:
        _entry(feed, item)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))
