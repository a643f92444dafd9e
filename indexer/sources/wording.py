"""Validation problems in plain words, for the librarians who write case studies.

The schema validator and the JSON parser speak a programmer's language ("'x' is not of type
'array'", "does not match '^\\d{4}-'", "Expecting ',' delimiter"). Every message a person sees
is translated here into what is wrong and what to write instead; ``docs/adding-a-case-study.md``
is the guide these messages point to.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Any

from jsonschema import ValidationError

__all__ = ["schema_reason", "unknown_fields", "json_reason", "date_reason", "GUIDE"]

GUIDE = "docs/adding-a-case-study.md"
DATE_EXAMPLE = "2020-05-01"

_TYPES = {
    "string": "text in double quotes",
    "array": 'a list in square brackets, e.g. ["first", "second"]',
    "object": "a group of fields in curly brackets { }",
    "number": "a number without quotes, commas or £, e.g. 12500",
    "integer": "a whole number without quotes",
    "boolean": "true or false, without quotes",
}

# The JSON parser's messages, by how they start, in plain words.
_JSON = (
    ("Expecting ',' delimiter", "a comma is missing between two items"),
    ("Expecting ':' delimiter", "a colon is missing after a field name"),
    ("Expecting property name enclosed in double quotes",
     'a field name needs double quotes ("title"), or a comma follows the last item'),
    ("Expecting value", "a value is missing or misspelt (text needs double quotes; true, false "
     "and null are written in lower case)"),
    ("Unterminated string", "a piece of text has no closing double quote"),
    ("Invalid control character", "a line break inside a piece of text; keep each text on one "
     "line (write a new paragraph as \\n)"),
    ("Invalid \\escape", "a backslash \\ inside text; write it as \\\\"),
    ("Extra data", "more follows the end of the record; put one case study in each file"),
)


def _shown(value: Any) -> str:
    """A value as a message quotes it: its repr, cut to 80 characters (a field can be 10 MB)."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:80]}... ({len(text):,} characters in all)"


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return "null (nothing)"


def json_reason(message: str, line: int, column: int) -> str:
    """The JSON parser's ``message`` at ``line``/``column`` in plain words."""
    plain = next((words for start, words in _JSON if message.startswith(start)), message)
    return f"not valid JSON at line {line}, column {column}: {plain}"


def date_reason(value: str) -> str:
    """What to write instead of ``value``, a date not written as YYYY-MM-DD."""
    example = DATE_EXAMPLE
    # A UK date (day first), the commonest mistake: show it converted.
    found = re.fullmatch(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*", value)
    if found:
        day, month, year = (int(part) for part in found.groups())
        try:
            example = dt.date(year, month, day).isoformat()
        except ValueError:
            pass
    return f"{_shown(value)}: write dates as YYYY-MM-DD, e.g. {example}"


def _enum_reason(error: ValidationError, field: str | None,
                 tables: Mapping[str, Mapping[str, str]], vocabulary: str | None) -> str:
    value = error.instance
    if vocabulary is None:
        allowed = [str(v) for v in error.validator_value]
        return f"unknown value {_shown(value)}; use one of: {', '.join(allowed)}"
    table = tables[vocabulary]
    if field == "region" and isinstance(value, str):
        # The API and widget use the 7 NHS England region labels (south_east); a record uses
        # the 11 source keys of the national database. Say which ones.
        label = tables.get("region_facets", {}).get(value)
        if label is not None:
            keys = [key for key, name in table.items() if name == label and key != value]
            return (f"{_shown(value)} is the search's name for the {label} region; in a record, "
                    f"write one of its source region keys: {', '.join(keys)}")
    reason = f"unknown key {_shown(value)}; use one of: {', '.join(table)}"
    close = difflib.get_close_matches(str(value), list(table), n=1, cutoff=0.75)
    return reason + (f" (did you mean {close[0]!r}?)" if close else "")


def unknown_fields(error: ValidationError) -> list[tuple[str, str]]:
    """(name, reason) for each field an ``additionalProperties`` error found."""
    known = list(error.schema.get("properties", {}))
    extra = sorted(set(error.instance) - set(known)) if isinstance(error.instance, dict) else []
    found = []
    for name in extra:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"the fields are listed in {GUIDE}"
        found.append((name, f"not a field of a case study ({hint}); remove it or correct "
                            "its name"))
    return found


def schema_reason(error: ValidationError, tables: Mapping[str, Mapping[str, str]],
                  vocabulary: str | None) -> str:
    """One schema error in plain words. ``vocabulary`` names the table of an enum field."""
    field = str(error.path[0]) if error.path else None
    value = error.instance
    rule = error.validator_value
    match error.validator:
        case "enum":
            return _enum_reason(error, field, tables, vocabulary)
        case "required":
            return "required field is missing"
        case "type":
            wanted = rule if isinstance(rule, list) else [rule]
            plain = " or ".join(_TYPES.get(str(t), str(t)) for t in wanted)
            return f"must be {plain}, not {_what(value)}"
        case "minLength":
            return "is empty; write something, or leave the field out if it is optional"
        case "maxLength":
            return f"is {len(value):,} characters long; shorten it to {rule:,} or fewer"
        case "minItems":
            return f"give at least {rule} value{'s' if rule != 1 else ''}"
        case "uniqueItems":
            return "has the same value twice; give each value once"
        case "minimum":
            return f"must be {rule} or more"
        case "pattern" if field == "submitted_date" and isinstance(value, str):
            return date_reason(value)
        case "pattern" if field == "id":
            return (f"{_shown(value)}: use lower-case letters, digits and single hyphens, e.g. "
                    "falls-bundle-review-northmoor")
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    return (f"{_shown(value)} is not in the expected form"
            + (f": {description}" if description else ""))
