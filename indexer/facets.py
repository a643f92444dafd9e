"""Facet columns: every facet value of every document, held in NumPy for fast counting.

Counting facets with Whoosh's ``groupedby`` walks Python objects per hit (about 40 ms on 20k
documents here); counting over NumPy columns is a ``bincount`` or a column sum over the hit
mask. Single-valued facets (region, sector, group, organisation) are integer codes;
multi-valued ones (impact types, service types) are a small dense 0/1 matrix.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from indexer.sources.corpus import Vocabularies, organisation_key

__all__ = ["NOT_STATED", "NOT_STATED_LABEL", "FacetSpec", "FACETS", "FacetColumns",
           "build_columns", "load_columns", "save_columns"]

Record = dict[str, Any]


@dataclass(frozen=True)
class FacetSpec:
    """A facet: its request parameter, its vocabulary (None: values come from the data)."""

    name: str
    vocabulary: str | None
    multi: bool
    values: Callable[[Record, Vocabularies], list[str]]
    title: str


# An imported record may lack a single-valued facet (a document without its listing row):
# it counts under this value, which the facet shows only when some record has it.
NOT_STATED = "not_stated"
NOT_STATED_LABEL = "Not stated"


def _region(r: Record, v: Vocabularies) -> list[str]:
    return [v.region_facet(r["region"])] if "region" in r else [NOT_STATED]


def _organisation(r: Record, v: Vocabularies) -> list[str]:
    return [organisation_key(r["organisation"])] if "organisation" in r else [NOT_STATED]


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("impact_type", "impact_types", True, lambda r, v: list(r.get("impact_types", [])),
              "Impact type"),
    FacetSpec("region", "region_facets", False, _region, "Region"),
    FacetSpec("sector", "sector", False, lambda r, v: [r.get("sector", NOT_STATED)], "Sector"),
    FacetSpec("group_impacted", "group_impacted", False,
              lambda r, v: [r.get("group_impacted", NOT_STATED)], "Group impacted"),
    FacetSpec("service_type", "service_types", True,
              lambda r, v: list(r.get("service_types", [])), "Library service"),
    FacetSpec("organisation", None, False, _organisation, "Organisation"),
)
FACET_NAMES = tuple(f.name for f in FACETS)


@dataclass
class FacetColumns:
    keys: dict[str, list[str]]  # facet -> value keys, column order
    labels: dict[str, list[str]]
    codes: dict[str, np.ndarray]  # single-valued: doc -> value index
    members: dict[str, np.ndarray]  # multi-valued: doc x value 0/1 matrix
    date: np.ndarray  # proleptic Gregorian ordinal of submitted_date
    year: np.ndarray
    has_savings: np.ndarray
    title_rank: np.ndarray  # position of the title in case-insensitive A-Z order
    # key -> column per facet, built once with the columns (immutable once loaded; never
    # filled in by request threads): every hit's labels and every facet filter look keys up here.
    _positions: dict[str, dict[str, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._positions = {facet: {k: i for i, k in enumerate(keys)}
                           for facet, keys in self.keys.items()}

    @property
    def size(self) -> int:
        return int(self.date.shape[0])

    def index_of(self, facet: str) -> dict[str, int]:
        return self._positions[facet]

    def label(self, facet: str, key: str) -> str:
        """The label of ``key`` in ``facet`` (the key itself if the facet does not know it)."""
        index = self.index_of(facet).get(key)
        return key if index is None else self.labels[facet][index]


def _has_savings(record: Record) -> bool:
    savings = record.get("savings") or {}
    return bool(savings.get("money_gbp") or savings.get("staff_hours"))


def build_columns(records: Sequence[Record], vocab: Vocabularies) -> FacetColumns:
    keys: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    codes: dict[str, np.ndarray] = {}
    members: dict[str, np.ndarray] = {}
    n = len(records)
    for spec in FACETS:
        if spec.vocabulary is not None:
            table = dict(vocab.tables[spec.vocabulary])
        else:
            table = {}
            for r in records:
                if "organisation" in r:
                    table.setdefault(organisation_key(r["organisation"]), r["organisation"])
            table = dict(sorted(table.items(), key=lambda kv: kv[1].lower()))
        if not spec.multi and any(spec.values(r, vocab) == [NOT_STATED] for r in records):
            table[NOT_STATED] = NOT_STATED_LABEL
        keys[spec.name] = list(table)
        labels[spec.name] = list(table.values())
        position = {k: i for i, k in enumerate(table)}
        if spec.multi:
            matrix = np.zeros((n, len(table)), dtype=np.uint8)
            for row, r in enumerate(records):
                matrix[row, [position[k] for k in spec.values(r, vocab)]] = 1
            members[spec.name] = matrix
        else:
            codes[spec.name] = np.fromiter(
                (position[spec.values(r, vocab)[0]] for r in records), dtype=np.int32, count=n
            )
    # No date (an imported document that gave none): ordinal and year 0, so the record sorts
    # last by "newest" and no year filter matches it.
    dates = np.fromiter(
        (dt.date.fromisoformat(r["submitted_date"]).toordinal() if "submitted_date" in r else 0
         for r in records), dtype=np.int32, count=n,
    )
    years = np.fromiter((int(r["submitted_date"][:4]) if "submitted_date" in r else 0
                         for r in records), dtype=np.int32, count=n)
    order = sorted(range(n), key=lambda i: (records[i]["title"].casefold(), records[i]["id"]))
    title_rank = np.empty(n, dtype=np.int32)
    title_rank[order] = np.arange(n, dtype=np.int32)
    savings = np.fromiter((_has_savings(r) for r in records), dtype=bool, count=n)
    return FacetColumns(keys, labels, codes, members, dates, years, savings, title_rank)


def save_columns(directory: Path, columns: FacetColumns) -> None:
    arrays: dict[str, np.ndarray] = {f"codes__{k}": v for k, v in columns.codes.items()}
    arrays |= {f"members__{k}": v for k, v in columns.members.items()}
    arrays |= {"date": columns.date, "year": columns.year, "has_savings": columns.has_savings,
               "title_rank": columns.title_rank}
    np.savez(directory / "columns.npz", allow_pickle=False, **arrays)
    meta = {"keys": columns.keys, "labels": columns.labels}
    (directory / "columns.json").write_text(json.dumps(meta), encoding="utf-8")


def load_columns(directory: Path) -> FacetColumns:
    meta = json.loads((directory / "columns.json").read_text(encoding="utf-8"))
    with np.load(directory / "columns.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    return FacetColumns(
        keys=meta["keys"],
        labels=meta["labels"],
        codes={k.removeprefix("codes__"): v for k, v in arrays.items() if k.startswith("codes__")},
        members={k.removeprefix("members__"): v for k, v in arrays.items()
                 if k.startswith("members__")},
        date=arrays["date"],
        year=arrays["year"],
        has_savings=arrays["has_savings"],
        title_rank=arrays["title_rank"],
    )
