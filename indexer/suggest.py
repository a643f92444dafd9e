"""Completions for the search box: titles, topics and facet labels, with weights.

Saved as ``suggest.json`` sorted by the folded text, so a prefix lookup is a binary search.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indexer.sources.corpus import Vocabularies, organisation_key

__all__ = ["build_suggestions", "load_suggestions", "fold"]


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def build_suggestions(directory: Path, records: Sequence[dict[str, Any]],
                      vocab: Vocabularies) -> None:
    weights: Counter[tuple[str, str, str]] = Counter()  # (text, kind, facet value) -> weight
    for r in records:
        weights[(r["title"], "title", "")] += 3
        for topic in r.get("topics", []):
            weights[(topic, "topic", "")] += 2
        # Imported records may lack any of these (see the schema): no suggestion then.
        for key in r.get("impact_types", []):
            weights[(vocab.label("impact_types", key), "impact_type", key)] += 1
        for key in r.get("service_types", []):
            weights[(vocab.label("service_types", key), "service_type", key)] += 1
        if "sector" in r:
            weights[(vocab.label("sector", r["sector"]), "sector", r["sector"])] += 1
        if "region" in r:
            region = vocab.region_facet(r["region"])
            weights[(vocab.label("region_facets", region), "region", region)] += 1
        if "organisation" in r:
            org = r["organisation"]
            weights[(org, "organisation", organisation_key(org))] += 1
    rows: list[tuple[str, str, str, str, int]] = sorted(
        ((fold(text), text, kind, value, weight)
         for (text, kind, value), weight in weights.items()),
        key=lambda row: (row[0], -row[4]),
    )
    (directory / "suggest.json").write_text(json.dumps(rows, ensure_ascii=False),
                                            encoding="utf-8")


def load_suggestions(directory: Path) -> list[list[Any]]:
    rows: list[list[Any]] = json.loads((directory / "suggest.json").read_text(encoding="utf-8"))
    return rows
