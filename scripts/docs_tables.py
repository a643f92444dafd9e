"""Write the documentation's tables from the data they describe, so they cannot drift.

- README.md, ``settings``: every setting of ``search_service/settings.py`` (name, default,
  what is allowed, meaning).
- docs/adding-a-case-study.md, ``fields``: every field of ``corpus/schema.json``;
  ``vocabularies``: every key and label of ``corpus/vocabularies.json``.

Each table sits between ``<!-- generated:NAME ... -->`` and ``<!-- end generated:NAME -->``;
the text around it is written by hand. ``make docs`` rewrites the tables; ``--check`` (run by
the tests) exits 1 naming each table that is out of date.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from search_service.settings import ENV_PREFIX, SETTINGS  # noqa: E402

CORPUS = ROOT / "corpus"
GUIDE = ROOT / "docs" / "adding-a-case-study.md"
README = ROOT / "README.md"

# Vocabulary name -> heading in the guide (its anchor is what the fields table links to).
VOCABULARIES = {
    "impact_types": "Impact types",
    "group_impacted": "Groups impacted",
    "sector": "Sectors",
    "region": "Regions",
    "service_types": "Library service types",
    "purpose": "Purposes",
}
_TYPES = {"string": "text", "array": "a list", "object": "a group of fields",
          "number": "a number", "boolean": "true or false", "integer": "a whole number"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(value: Any) -> str:
    if value is None:
        return "unset"
    if value == "":
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int):
        return f"`{value}`"
    return f"`{value}`" if len(str(value)) <= 40 else _cell(str(value))


def settings_table() -> str:
    rows = ["| setting | default | allowed | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        rows.append(f"| `{s.name}` | {_default(s.default)} | {_cell(s.kind_of().allowed)} | "
                    f"{_cell(s.help)} |")
    return "\n".join(rows) + f"\n\nEach is read from the environment as `{ENV_PREFIX}<NAME>`."


def _anchor(title: str) -> str:
    return "#" + re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


def _vocabulary_of(name: str, spec: dict[str, Any]) -> str | None:
    if "enum" in spec or "enum" in spec.get("items", {}):
        return name if name in VOCABULARIES else None
    return None


def _what(name: str, spec: dict[str, Any]) -> str:
    vocabulary = _vocabulary_of(name, spec)
    if vocabulary:
        link = f"[{VOCABULARIES[vocabulary]}]({_anchor(VOCABULARIES[vocabulary])})"
        return f"a list of keys from {link}" if spec.get("type") == "array" \
            else f"one key from {link}"
    if spec.get("format") == "date":
        return "a date as YYYY-MM-DD, e.g. 2020-05-01"
    kind = _TYPES.get(str(spec.get("type")), str(spec.get("type")))
    if spec.get("type") == "array":
        kind += f" of {_TYPES.get(str(spec.get('items', {}).get('type')), 'values')}"
    if "maxLength" in spec:
        kind += f", up to {spec['maxLength']:,} characters"
    return kind


# Fields that only `impact-search import` writes: listed, not expanded (see corpus/README.md).
IMPORT_ONLY = ("body", "provenance")


def _field_rows(properties: dict[str, Any], required: list[str], prefix: str = "",
                nested: dict[str, list[str]] | None = None) -> list[str]:
    rows = []
    for name, spec in properties.items():
        must = "yes" if name in required else "no"
        description = _cell(str(spec.get("description", "")))
        if name in IMPORT_ONLY and not prefix:
            must, description = "no", f"Imported records only: {description}"
        rows.append(f"| `{prefix}{name}` | {must} | {_what(name, spec)} | {description} |")
        if spec.get("type") == "object" and "properties" in spec and name not in IMPORT_ONLY:
            inner = (nested or {}).get(name, spec.get("required", []))
            rows += _field_rows(spec["properties"], inner, f"{prefix}{name}.")
    return rows


def fields_table() -> str:
    schema = json.loads((CORPUS / "schema.json").read_text(encoding="utf-8"))
    # The guide is for records written by hand: the schema's rules for a record without
    # provenance (its first "allOf" branch) say what they must have.
    by_hand = schema["allOf"][0]["then"]
    required = schema["required"] + by_hand["required"]
    nested = {k: v["required"] for k, v in by_hand.get("properties", {}).items()
              if "required" in v}
    head = ["| field | required | what to write | meaning |", "|---|---|---|---|"]
    return "\n".join(head + _field_rows(schema["properties"], required, nested=nested))


def vocabularies_tables() -> str:
    vocab = json.loads((CORPUS / "vocabularies.json").read_text(encoding="utf-8"))
    facet_key = {label: key for key, label in vocab["region_facets"].items()}
    parts = []
    for name, title in VOCABULARIES.items():
        table = vocab[name]
        parts.append(f"### {title}\n")
        if name == "region":
            parts.append("Write the source key (left). The search, the API and the widget "
                         "show the NHS England region (right).\n")
            rows = ["| key (write this) | NHS England region | search key |", "|---|---|---|"]
            # A region whose label stands for several source keys has a key of its own
            # (midlands...) that only an import writes, when its listing gave just the label.
            labels = list(table.values())
            for key, label in sorted(table.items(), key=lambda kv: kv[1]):
                own = key == facet_key[label] and labels.count(label) > 1
                note = " (imported records only)" if own else ""
                rows.append(f"| `{key}` | {label} | `{facet_key[label]}`{note} |")
        else:
            rows = ["| key (write this) | label (people see this) |", "|---|---|"]
            rows += [f"| `{key}` | {_cell(label)} |" for key, label in table.items()]
        parts.append("\n".join(rows) + "\n")
    return "\n".join(parts).rstrip("\n")


TABLES: dict[str, tuple[Path, Callable[[], str]]] = {
    "settings": (README, settings_table),
    "fields": (GUIDE, fields_table),
    "vocabularies": (GUIDE, vocabularies_tables),
}


def render(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- generated:{name}\b[^>]*-->\n)(?:.*?\n)?"
                         rf"(<!-- end generated:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"no <!-- generated:{name} --> ... <!-- end generated:{name} --> markers")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)


def main(argv: list[str]) -> int:
    stale = []
    for path in {path for path, _ in TABLES.values()}:
        text = path.read_text(encoding="utf-8")
        new = text
        for name, (where, make) in TABLES.items():
            if where == path:
                new = render(new, name, make())
        if new != text:
            stale.append(path.relative_to(ROOT))
            if "--check" not in argv:
                path.write_text(new, encoding="utf-8")
    if stale and "--check" in argv:
        print(f"out of date: {', '.join(map(str, stale))}; run `make docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
