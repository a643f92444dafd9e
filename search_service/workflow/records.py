"""A submission's case study as a corpus record: the form's fields, checking a draft or a
full record against the corpus schema, and the id and date the service assigns.

The form follows the impact case study template. Its field names map one to one onto the
schema's (``quote_name`` is ``quote.name``), so the JSON API and the form accept the same
record and every check is the corpus loader's own (:func:`indexer.sources.corpus.validate_record`).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from indexer.sources.corpus import load_vocabularies, validate_record
from search_service.workflow.errors import FieldProblem, InvalidSubmission

__all__ = ["FormField", "FORM_FIELDS", "SERVICE_FIELDS", "parse_form", "form_values",
           "check_draft", "check_full", "refuse_service_fields", "draft_problems", "merge",
           "slugify", "choices", "draft_text", "region_facet", "today"]

Record = dict[str, Any]
# Set by the service, never by the writer. ``provenance`` is kept for a draft started from a
# document: the names the document gave stay withheld from the public record without consent.
SERVICE_FIELDS = ("id", "submitted_date", "provenance")


@dataclass(frozen=True)
class FormField:
    name: str  # the form's name; a dotted path in the record for nested values
    label: str
    kind: str  # text, textarea, number, checkboxes, select, radios, consent, list
    hint: str = ""
    vocabulary: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.name.split("__"))


FORM_FIELDS: tuple[FormField, ...] = (
    FormField("title", "Title", "text", "A headline that says what changed, for example "
              "'Evidence review cuts falls on older people's wards'"),
    FormField("summary", "Summary", "textarea", "Up to 60 words: the question, what the library "
              "did and what changed"),
    FormField("challenge", "The challenge", "textarea", "The question or problem that brought the "
              "team to the library"),
    FormField("lks_contribution", "What the library did", "textarea", "The searches, summaries, "
              "training or other work, in words someone outside the library understands"),
    FormField("outcome", "The outcome", "textarea", "What was achieved and what changed as a "
              "result"),
    FormField("patient_benefit", "Benefit to patients (optional)", "textarea"),
    FormField("savings__money_gbp", "Money saved, in pounds (optional)", "number",
              "A whole number, for example 12000"),
    FormField("savings__staff_hours", "Staff time saved, in hours (optional)", "number"),
    FormField("savings__other", "Another saving or high-level impact (optional)", "text",
              "For example 'two bed days per patient avoided'"),
    FormField("quote__text", "The quote (optional)", "textarea", "What the person who "
              "benefited said"),
    FormField("quote__name", "Who said it: name", "text", "Shown only if they agreed to be "
              "named (see the consent questions)"),
    FormField("quote__role", "Who said it: job title", "text"),
    FormField("quote__organisation", "Who said it: organisation", "text"),
    FormField("impact_types", "Impact types", "checkboxes", "Choose all that apply",
              "impact_types"),
    FormField("group_impacted", "Group impacted", "select", "", "group_impacted"),
    FormField("sector", "Sector", "select", "", "sector"),
    FormField("region", "Region", "select", "", "region"),
    FormField("organisation", "Your organisation", "text", "The organisation whose library "
              "did the work"),
    FormField("service_types", "Library services used", "checkboxes", "Choose all that apply",
              "service_types"),
    FormField("purpose", "Why the evidence was needed", "select", "", "purpose"),
    FormField("topics", "Topics (optional)", "list", "Keywords, separated by commas"),
    FormField("consent__named", "May the quoted person be named?", "consent"),
    FormField("consent__internal", "May the case study be used internally?", "consent"),
    FormField("consent__external", "May the case study be published?", "consent",
              "Only case studies with this consent appear in search"),
)
_BY_NAME = {f.name: f for f in FORM_FIELDS}


def choices(vocabulary: str) -> list[tuple[str, str]]:
    """(key, label) pairs of a vocabulary as the form lists them."""
    table = load_vocabularies().tables[vocabulary]
    if vocabulary == "region":
        # Three source keys share "South East", two "Midlands": name the old area too.
        return sorted(((k, f"{label} ({k.replace('_', ' ').title()})") for k, label in
                       table.items()), key=lambda kv: kv[1])
    return list(table.items())


def region_facet(record: Mapping[str, Any]) -> str | None:
    region = record.get("region")
    vocab = load_vocabularies()
    return vocab.region_facet(region) if isinstance(region, str) and region in \
        vocab.tables["region"] else None


def _set(record: Record, path: tuple[str, ...], value: Any) -> None:
    target = record
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def _get(record: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for part in path:
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _number(raw: str) -> float | int:
    cleaned = raw.replace(",", "").replace("£", "").strip()
    number = float(cleaned)  # ValueError for words
    if number < 0 or number != number or number in (float("inf"), float("-inf")):
        raise ValueError(raw)
    return int(number) if number.is_integer() else number


def parse_form(form: MultiDict[str, str]) -> tuple[Record, list[FieldProblem]]:
    """The record the form describes (empty fields left out) and the values it cannot read."""
    record: Record = {}
    problems: list[FieldProblem] = []
    for field in FORM_FIELDS:
        if field.kind == "checkboxes":
            values = [v for v in form.getlist(field.name) if v]
            if values:
                record[field.name] = list(dict.fromkeys(values))
            continue
        raw = form.get(field.name, "").strip()
        if not raw:
            continue
        if field.kind == "number":
            try:
                _set(record, field.path, _number(raw))
            except ValueError:
                problems.append((field.name, "Enter a number, like 12000"))
        elif field.kind == "consent":
            if raw not in ("yes", "no"):
                problems.append((field.name, "Answer yes or no"))
            else:
                _set(record, field.path, raw == "yes")
        elif field.kind == "list":
            _set(record, field.path, list(dict.fromkeys(
                t.strip() for t in raw.split(",") if t.strip())))
        else:
            _set(record, field.path, raw.replace("\r\n", "\n"))
    return record, problems


def form_values(record: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values for a record (the inverse of :func:`parse_form`)."""
    values: dict[str, Any] = {}
    for field in FORM_FIELDS:
        value = _get(record, field.path)
        if value is None:
            values[field.name] = [] if field.kind == "checkboxes" else ""
        elif field.kind == "consent":
            values[field.name] = "yes" if value else "no"
        elif field.kind == "list":
            values[field.name] = ", ".join(value)
        else:
            values[field.name] = value
    return values


def _problems(record: Record, partial: bool) -> list[FieldProblem]:
    found = validate_record(record, "submission", partial=partial)
    if "provenance" in record:
        # The schema asks less of the importer's output (a record with provenance); a
        # submission started from a document is still checked as one written by hand.
        found += validate_record({k: v for k, v in record.items() if k != "provenance"},
                                 "submission", partial=partial)
    return list(dict.fromkeys((p.field.replace(".", "__"), p.reason) for p in found))


def _raise(problems: list[FieldProblem], what: str) -> None:
    if problems:
        listed = "; ".join(f"{_label(f)}: {r}" for f, r in problems[:10])
        raise InvalidSubmission(f"{what} has {len(problems)} problem(s): {listed}", problems)


def _label(field: str) -> str:
    found = _BY_NAME.get(field) or _BY_NAME.get(field.split("__")[0])
    return found.label if found else field


def refuse_service_fields(changes: Mapping[str, Any]) -> None:
    for name in SERVICE_FIELDS:
        if name in changes:
            raise InvalidSubmission(f"{name} is set by the service: leave it out",
                                    [(name, "set by the service")])


def check_draft(record: Record) -> None:
    """Raise :class:`InvalidSubmission` for values a draft may not hold (wrong type, unknown
    vocabulary key, too long). Missing fields are fine in a draft; the id and date the
    service assigned on a first submission are left as they are."""
    _raise(draft_problems(record), "The draft")


def draft_problems(record: Record) -> list[FieldProblem]:
    return _problems({k: v for k, v in record.items() if k not in SERVICE_FIELDS}, partial=True)


def check_full(record: Record) -> None:
    """Raise :class:`InvalidSubmission` unless ``record`` (with id and date) is complete."""
    _raise(_problems(record, partial=False), "The case study")


def merge(record: Record, changes: Mapping[str, Any]) -> Record:
    """``changes`` applied to ``record`` as a JSON merge patch (RFC 7396): null removes."""
    merged = copy.deepcopy(record)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def slugify(record: Mapping[str, Any], taken: set[str]) -> str:
    """A corpus-style id from the title and organisation, unique among ``taken``."""
    words = re.sub(r"[^a-z0-9]+", "-", str(record.get("title", "")).lower()).strip("-")
    org = re.sub(r"[^a-z0-9]+", "-", str(record.get("organisation", "")).lower()).strip("-")
    org_word = org.split("-")[0] if org else ""
    base = "-".join(p for p in (words[:60].rstrip("-"), org_word) if p)[:74].strip("-")
    base = base or "case-study"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def today() -> str:
    return dt.date.today().isoformat()


def draft_text(record: Mapping[str, Any]) -> str:
    """The draft as one text for 'similar impact': what the precedents are found from."""
    parts = [record.get(k) for k in ("title", "summary", "challenge", "lks_contribution",
                                     "outcome", "patient_benefit")]
    parts.append(" ".join(record.get("topics") or []))
    return "\n".join(str(p) for p in parts if p)
