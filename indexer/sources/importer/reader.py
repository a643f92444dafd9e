"""One document's bytes -> a partial record, with where each field came from: read_document.

Pure: no disk, no clock, no consent. The steps, each its own module: the format reader makes
blocks (formats), the blocks are split into sections (sections), figures and the quote are
found (figures, quotes), the fields the document does not state are inferred (inference).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from indexer.sources.importer import inference
from indexer.sources.importer.errors import TooLarge
from indexer.sources.importer.figures import Figure, find_figures
from indexer.sources.importer.formats import read_extracted
from indexer.sources.importer.labels import LabelError, organisation_label, parse_date, to_key
from indexer.sources.importer.labels import to_keys as labels_to_keys
from indexer.sources.importer.limits import DEFAULT_LIMITS, Limits
from indexer.sources.importer.provenance import FieldOrigin
from indexer.sources.importer.quotes import Quote, find_quote, people_in
from indexer.sources.importer.sections import (
    BODY_KEYS,
    NARRATIVE,
    Sections,
    classify_heading,
    split_sections,
)
from indexer.sources.importer.text import Extracted, check_clean

__all__ = ["ImportedDocument", "read_document", "SECTION_MAX", "BODY_MAX"]

SECTION_MAX = 6000  # the schema's bound on a narrative field
BODY_MAX = 200_000
_GENERIC_TITLE = re.compile(
    r"^(?:(?:the|a|an|nhs|hee|lks|library|libraries|knowledge|and|services?|impact|case|"
    r"stud(?:y|ies)|template|story|map|million|decisions|form|submission|health|education|"
    r"england|evidence|for|of|in|action|vignette|\d+|[-–—:|&])\s*)+$", re.IGNORECASE)
_SECTION_NAMES = {"challenge": "challenge", "lks_contribution": "library's contribution",
                  "outcome": "outcome", "patient_benefit": "benefit to patients"}


@dataclass
class ImportedDocument:
    """What one document says, ready to become a record (or a draft submission)."""

    record: dict[str, Any]  # corpus-schema field names; only what the document gave
    origins: dict[str, FieldOrigin]  # field (``quote.name``, ``savings.money_gbp``) -> origin
    figures: list[Figure]  # every money and time figure, with its sentence
    warnings: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)  # names found (withheld without consent)
    format: str = ""


_MASTHEAD = re.compile(r"(?:\bNHS\b.*\b(?:Trust|Board|ICB)|\b(?:Library|Libraries|Knowledge|"
                       r"Information)(?:\s+(?:and\s+)?(?:Knowledge\s+)?(?:Services?|Team))?)\s*$",
                       re.IGNORECASE)


def _is_generic(text: str) -> bool:
    """A template's heading ("Impact case study") or a masthead ("Northmoor NHS Trust",
    "Westmere Library and Knowledge Service"): not the case study's title."""
    text = text.strip()
    masthead = len(text.split()) <= 8 and bool(_MASTHEAD.search(text))
    return bool(_GENERIC_TITLE.match(text)) or len(text.split()) > 30 or masthead


_TITLE_PREFIX = re.compile(r"^(?:(?:lks|library|nhs|hee)\s+)?(?:impact\s+)?(?:case\s+study|"
                           r"impact\s+story|story)\s*\d*\s*[:–—-]\s+", re.IGNORECASE)


def _clip_title(text: str) -> str:
    text = _TITLE_PREFIX.sub("", " ".join(text.split()))
    return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"


def _title(extracted: Extracted, sections: Sections, filename: str
           ) -> tuple[str, FieldOrigin]:
    labelled = sections.first("title")
    if labelled is not None:
        return _clip_title(labelled.texts[0]), FieldOrigin.read("document",
                                                                f"labelled '{labelled.heading}'")
    for block in extracted.blocks[:12]:
        if (block.kind == "heading" or block.bold) and not _is_generic(block.text):
            if classify_heading(block.text) is None:
                return _clip_title(block.text), FieldOrigin.read(
                    "document", "the first heading" if block.kind == "heading"
                    else "the first bold line")
            break
    own = re.split(r"\s+[|–—-]\s+", extracted.title)[0] if extracted.title else ""
    if own and not _is_generic(own) and own.lower() not in ("word document", "untitled"):
        return _clip_title(own), FieldOrigin.inferred("the file's own title property")
    preamble = sections.parts[0].texts
    for text in preamble[:3]:
        first = text.split("\n")[0]
        if not _is_generic(first) and len(first.split()) <= 25:
            return _clip_title(first), FieldOrigin.inferred("the first line of the text")
    stem = re.sub(r"[_\s]+", " ", PurePath(filename).stem).strip()
    return _clip_title(stem or "Untitled case study"), FieldOrigin.inferred("the file name")


def _vocab_field(record: dict[str, Any], origins: dict[str, FieldOrigin], sections: Sections,
                 name: str, warnings: list[str]) -> None:
    part = sections.first(name)
    if part is None:
        return
    value = part.text.strip()
    try:
        if name in ("impact_types", "service_types"):
            record[name] = labels_to_keys(name, value)
        else:
            record[name] = to_key(name, value.split("\n")[0])
        origins[name] = FieldOrigin.read("document", f"labelled '{part.heading}'")
    except LabelError as exc:
        warnings.append(f"{part.heading}: {exc}; left out")


def _narrative(record: dict[str, Any], origins: dict[str, FieldOrigin], sections: Sections,
               overflow: list[str], warnings: list[str]) -> None:
    for name in NARRATIVE:
        parts = sections.of(name)
        text = "\n".join(p.text for p in parts).strip()
        if not text:
            continue
        headings = ", ".join(f"'{p.heading}'" for p in parts if p.heading)
        if len(text) > SECTION_MAX:
            warnings.append(f"{_SECTION_NAMES[name]} is longer than {SECTION_MAX} characters; "
                            "kept in the body instead")
            overflow.append("\n".join(f"{p.heading}\n{p.text}" for p in parts))
            continue
        record[name] = text
        origins[name] = FieldOrigin.read("document", f"section {headings}")


def _body(sections: Sections, title: str, overflow: list[str]) -> str:
    chunks: list[str] = []
    has_narrative = any(sections.of(k) for k in NARRATIVE)
    for part in sections.parts:
        if part.key not in (*BODY_KEYS, "savings", "summary") or not part.texts:
            continue
        texts = list(part.texts)
        if part.key == "preamble" and texts and texts[0].split("\n")[0].strip() == title:
            texts[0] = texts[0].partition("\n")[2]
        if part.key == "summary" and has_narrative:
            continue
        text = "\n".join(t for t in texts if t.strip())
        if text.strip():
            chunks.append(f"{part.heading}\n{text}" if part.heading else text)
    return "\n\n".join([*chunks, *overflow]).strip()


def _savings(record: dict[str, Any], origins: dict[str, FieldOrigin], sections: Sections,
             figures: list[Figure]) -> list[Figure]:
    part = sections.first("savings")
    labelled: list[Figure] = []
    if part is not None:
        heading = part.heading
        for f in find_figures(sections.text("savings")):
            if f.role == "unclassified":
                f = Figure(f.kind, f.amount, f.stated, f.sentence, "saving",
                           f"section '{heading}'", f.qualifier, f.period, f.rule)
            labelled.append(f)
        text = " ".join(sections.text("savings").split())
        if 0 < len(text) <= 1000:
            record.setdefault("savings", {})["other"] = text
            origins["savings.other"] = FieldOrigin.read("document", f"section '{heading}'")
    for kind, name in (("money", "money_gbp"), ("hours", "staff_hours")):
        from_section = [f for f in labelled if f.kind == kind and f.role == "saving"]
        pool = from_section or [f for f in figures if f.kind == kind and f.role == "saving"]
        if not pool:
            continue
        best = max(pool, key=lambda f: f.amount)
        record.setdefault("savings", {})[name] = best.amount
        many = f"largest of {len(pool)} " if len(pool) > 1 else ""
        how = f"{many}{'money' if kind == 'money' else 'staff time'} saving '{best.stated}'"
        how += "".join(f"; {x}" for x in (best.qualifier, best.period, best.rule) if x)
        if from_section:
            origins[f"savings.{name}"] = FieldOrigin.read("document", f"{how} in section "
                                                          f"'{part.heading if part else ''}'")
        else:
            origins[f"savings.{name}"] = FieldOrigin.inferred(f"{how} in: {best.sentence}")
    return labelled


def _quote(record: dict[str, Any], origins: dict[str, FieldOrigin], quote: Quote | None,
           organisation: str) -> None:
    if quote is None:
        return
    out: dict[str, str] = {"text": quote.text[:2000]}
    origins["quote.text"] = FieldOrigin.read("document", quote.shape)
    who = quote.attribution
    if who.names:
        out["name"] = " and ".join(who.names)[:200]
        origins["quote.name"] = FieldOrigin.read("document", "the quote's attribution")
    if who.roles:
        out["role"] = " and ".join(dict.fromkeys(who.roles))[:200]
        origins["quote.role"] = FieldOrigin.read("document", "the quote's attribution")
    if who.organisation:
        out["organisation"] = who.organisation[:200]
        origins["quote.organisation"] = FieldOrigin.read("document", "the quote's attribution")
    elif organisation and (who.names or who.roles):
        out["organisation"] = organisation
        origins["quote.organisation"] = FieldOrigin.inferred("the case study's organisation")
    record["quote"] = out


def _infer(record: dict[str, Any], origins: dict[str, FieldOrigin], sections: Sections,
           text: str, figures: list[Figure], extracted: Extracted, quote: Quote | None) -> None:
    summary_part = sections.first("summary")
    if summary_part and len(summary_part.text.split()) <= inference.SUMMARY_WORDS:
        record["summary"] = " ".join(summary_part.text.split())
        origins["summary"] = FieldOrigin.read("document", f"section '{summary_part.heading}'")
    else:
        sources = [("summary", sections.text("summary")), ("outcome", record.get("outcome", "")),
                   ("story", sections.text("story")), ("challenge", record.get("challenge", "")),
                   ("body", record.get("body", "")),
                   ("library's contribution", record.get("lks_contribution", "")),
                   ("benefit to patients", record.get("patient_benefit", ""))]
        found = inference.summary(sources)
        if found:
            record["summary"], rule = found
            origins["summary"] = FieldOrigin.inferred(rule)
    if "organisation" not in record:
        extra = [*extracted.furniture, quote.attribution.organisation if quote else ""]
        org = inference.organisation(text, extra)
        if org:
            record["organisation"], rule = org
            origins["organisation"] = FieldOrigin.inferred(rule)
    if "sector" not in record and record.get("organisation"):
        found = inference.sector(str(record["organisation"]))
        if found:
            record["sector"], rule = found
            origins["sector"] = FieldOrigin.inferred(rule)
    for name in ("topics", "service_types", "purpose", "impact_types"):
        if name in record:
            continue
        if name == "topics":
            found = inference.topics(text, str(record["title"]))
        elif name == "service_types":
            found = inference.service_types(text)
        elif name == "purpose":
            found = inference.purpose(text)
        else:
            found = inference.impact_types(text, figures)
        if found:
            record[name], rule = found
            origins[name] = FieldOrigin.inferred(rule)


def _date(record: dict[str, Any], origins: dict[str, FieldOrigin], sections: Sections,
          warnings: list[str]) -> None:
    part = sections.first("submitted_date")
    if part is not None:
        parsed = parse_date(part.text.split("\n")[0])
        if parsed:
            record["submitted_date"] = parsed[0]
            where = f"labelled '{part.heading}'" + (f"; {parsed[1]}" if parsed[1] else "")
            origins["submitted_date"] = FieldOrigin.read("document", where)
            return
        warnings.append(f"{part.heading}: {part.text[:40]!r} is not a date; left out")
    # The date a file was last saved is not when the case study was submitted (copies,
    # conversions and templates all change it), so it is never used: the listing says.


def read_document(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS
                  ) -> ImportedDocument:
    """Read one case study document. Raises an :class:`ImportProblem` subclass on bad input."""
    extracted = read_extracted(data, filename, limits)
    check_clean(extracted)
    text = extracted.text
    if len(text) > limits.max_chars:
        raise TooLarge(f"{len(text):,} characters of text, over the bound of "
                       f"{limits.max_chars:,}; is this one case study? Import it on its own")
    sections = split_sections(extracted.blocks)
    if extracted.format in ("pdf", "image"):
        for part in sections.parts:  # a page's line ends are where the page wrapped
            part.texts = [" ".join(t.split()) for t in part.texts]
    warnings = list(extracted.warnings)
    record: dict[str, Any] = {}
    origins: dict[str, FieldOrigin] = {}
    record["title"], origins["title"] = _title(extracted, sections, filename)
    overflow: list[str] = []
    _narrative(record, origins, sections, overflow, warnings)
    body = _body(sections, str(record["title"]), overflow)
    if body:
        record["body"] = body[:BODY_MAX]
        origins["body"] = FieldOrigin.read("document", "text outside the recognised sections"
                                           if any(k in record for k in NARRATIVE)
                                           else "the whole text (no recognisable sections)")
    org_part = sections.first("organisation")
    if org_part is not None:
        record["organisation"] = organisation_label(org_part.text.split("\n")[0])[:200]
        origins["organisation"] = FieldOrigin.read("document", f"labelled '{org_part.heading}'")
    for name in ("region", "sector", "group_impacted", "impact_types", "service_types"):
        _vocab_field(record, origins, sections, name, warnings)
    _date(record, origins, sections, warnings)
    figures = find_figures(text)
    labelled = _savings(record, origins, sections, figures)
    # A figure of the savings section replaces the same figure read without its label.
    figures = [f for f in figures if not any(g.stated == f.stated and g.sentence in f.sentence
                                             for g in labelled)] + labelled
    quote = find_quote(extracted.blocks, sections)
    _infer(record, origins, sections, text, figures, extracted, quote)
    _quote(record, origins, quote, str(record.get("organisation", "")))
    people = people_in(sections, quote)
    return ImportedDocument(record, origins, figures, warnings, people, extracted.format)
