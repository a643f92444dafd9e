"""Labels as people and exports write them -> the vocabulary keys of corpus/vocabularies.json.

Accepted for each controlled field: the key itself, the current label, and the spellings real
exports of the national database contain (legacy labels such as "CCG", "Comunity Trust" and
"Medicine and Dental"; the 11 old HEE local-office region names; the 7 NHS England region
labels). Matching ignores case, punctuation and "&" vs "and". Anything else is a
:class:`LabelError` that lists the allowed labels: a wrong facet is worse than none, so a label
is never guessed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache

from indexer.paths import corpus_dir
from indexer.sources.corpus import load_vocabularies
from indexer.sources.importer.errors import ListingProblem

__all__ = ["LabelError", "parse_date", "normalise_label", "to_key", "to_keys", "organisation_label",
           "organisation_labels", "FIELDS"]

# listing column / form label -> vocabulary name
FIELDS = {"region": "region", "sector": "sector", "group_impacted": "group_impacted",
          "impact_types": "impact_types", "service_types": "service_types",
          "purpose": "purpose"}

_ALIASES: dict[str, dict[str, str]] = {
    "region": {
        # The 11 HEE local offices, as written over the years.
        "east midlands": "east_midlands", "west midlands": "west_midlands",
        "east of england": "east_of_england", "east": "east_of_england",
        "kent surrey and sussex": "kent_surrey_sussex", "kent surrey sussex": "kent_surrey_sussex",
        "kss": "kent_surrey_sussex", "london": "london", "london and south east": "london",
        "north central and east london": "london", "north west london": "london",
        "south london": "london", "north east": "north_east",
        "north east and north cumbria": "north_east", "north west": "north_west",
        "south west": "south_west", "thames valley": "thames_valley", "wessex": "Wessex",
        "yorkshire and the humber": "yorkshire_humber", "yorkshire and humber": "yorkshire_humber",
        "yorkshire humber": "yorkshire_humber", "yorkshire": "yorkshire_humber",
        # NHS England regions that stand for more than one old key.
        "midlands": "midlands", "south east": "south_east",
        "north east and yorkshire": "north_east_and_yorkshire",
    },
    "sector": {
        "ccg": "ccg", "clinical commissioning group": "ccg", "icb": "ccg",
        "integrated care board": "ccg", "comunity trust": "comunity_trust",
        "community trust": "comunity_trust", "community": "comunity_trust",
        "community health": "comunity_trust", "commissioning support unit": "ccg_support",
        "csu": "ccg_support", "acute trust": "acute", "acute and community trust":
        "acute_and_community", "ambulance trust": "ambulance", "mental health trust":
        "mental_health", "learning disability": "mental_health_ld", "learning disabilities":
        "mental_health_ld", "mental health learning disability": "mental_health_ld",
        "mental health learning disabilities": "mental_health_ld",
        "mental health social care": "mental_health_sc", "gp": "primary_care",
        "general practice": "primary_care", "gp practice": "primary_care",
        "ics": "integrated_care_system", "cross sector": "cross_sector",
    },
    "group_impacted": {
        "medicine and dental": "medicine_and_dental", "medical and dental staff":
        "medicine_and_dental", "estates and ancillary": "estates_and_ancilliary",
        "scientific and technical": "scientific_and_technical", "patients carers and public":
        "patients_carers_and_the_public", "patients and carers": "patients_carers_and_the_public",
        "patients carers and the public": "patients_carers_and_the_public",
        "multi professional": "multiprofessional", "all": "all_staff",
        "admin and clerical staff": "admin_and_clerical",
        "allied health professions": "allied_health_professionals",
        "ahp": "allied_health_professionals", "ahps": "allied_health_professionals",
    },
}


class LabelError(ListingProblem):
    """A label that names no vocabulary value; the message lists those that do."""


def normalise_label(text: str) -> str:
    text = text.casefold().replace("&", " and ").replace("_", " ")
    text = re.sub(r"^(?:health education england|hee|nhs england|nhse|nhs)\s*[-:–—]?\s+", "",
                  text.strip())
    text = re.sub(r"(?<=\w)\s+(?:region|local office)$", "", text.strip())
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


@lru_cache(maxsize=8)
def _table(vocabulary: str) -> dict[str, str]:
    vocab = load_vocabularies()
    table: dict[str, str] = {}
    for key, label in vocab.tables[vocabulary].items():
        table[normalise_label(key)] = key
        if vocabulary != "region":  # a region label can stand for several keys: aliases decide
            table[normalise_label(label)] = key
    for alias, key in _ALIASES.get(vocabulary, {}).items():
        table[normalise_label(alias)] = key
    return table


def _allowed(vocabulary: str) -> str:
    vocab = load_vocabularies()
    labels = dict.fromkeys(vocab.tables[vocabulary].values())
    if vocabulary == "region":
        labels = dict.fromkeys([*labels, "East Midlands", "West Midlands", "Kent, Surrey and "
                                "Sussex", "North East", "Thames Valley", "Wessex",
                                "Yorkshire and the Humber"])
    return "; ".join(labels)


def to_key(vocabulary: str, label: str) -> str:
    """The key for ``label`` in ``vocabulary``, or :class:`LabelError`."""
    key = _table(vocabulary).get(normalise_label(label))
    if key is None:
        raise LabelError(f"unknown {vocabulary.replace('_', ' ')} {label.strip()!r}; use one "
                         f"of: {_allowed(vocabulary)}")
    return key


def to_keys(vocabulary: str, labels: str) -> list[str]:
    """Several labels separated by commas, semicolons, bars or new lines.

    Commas can also sit inside a label ("Patients, carers and the public"), so neighbouring
    pieces are joined again when together they make a label.
    """
    pieces = [p.strip() for p in re.split(r"[,;|\n]", labels) if p.strip()]
    table = _table(vocabulary)
    keys: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            joined = ", ".join(pieces[i:j])
            if normalise_label(joined) in table:
                keys.append(table[normalise_label(joined)])
                i = j
                break
        else:
            to_key(vocabulary, pieces[i])  # raises, naming the piece
    return list(dict.fromkeys(keys))


@lru_cache(maxsize=1)
def organisation_labels() -> dict[str, str]:
    """Key -> label of the national database's organisations."""
    data = json.loads((corpus_dir() / "organisations.json").read_text(encoding="utf-8"))
    return dict(data["organisations"])


@lru_cache(maxsize=1)
def _organisation_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, label in organisation_labels().items():
        index[normalise_label(key)] = label
        index[normalise_label(label)] = label
    return index


def organisation_label(name: str) -> str:
    """The national database's spelling of an organisation (by key or label), else as given."""
    return _organisation_index().get(normalise_label(name), " ".join(name.split()))


_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november "
    "december".split())} | {m[:3]: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november "
    "december".split())} | {"sept": 9}


def parse_date(value: object) -> tuple[str, str] | None:
    """(ISO date, rule) for a written date; UK day-first order; None when it is not one.

    A month and year becomes the 1st of that month, a year alone 1 January, and the rule
    says so.
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), ""
    if isinstance(value, dt.date):
        return value.isoformat(), ""
    text = " ".join(str(value).replace(",", " ").split()).lower()
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    patterns: list[tuple[str, str]] = [
        (r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ].*)?", "ymd"),
        (r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", "dmy"),
        (r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})", "dmy2"),
        (r"(\d{1,2}) ([a-z]+)\.? (\d{4})", "d month y"),
        (r"([a-z]+)\.? (\d{1,2}) (\d{4})", "month d y"),
        (r"([a-z]+)\.? (\d{4})", "month y"),
        (r"(\d{4})", "y"),
    ]
    for pattern, shape in patterns:
        m = re.fullmatch(pattern, text)
        if not m:
            continue
        g = m.groups()
        try:
            if shape == "ymd":
                return dt.date(int(g[0]), int(g[1]), int(g[2])).isoformat(), ""
            if shape in ("dmy", "dmy2"):
                year = int(g[2]) + (2000 if shape == "dmy2" else 0)
                return dt.date(year, int(g[1]), int(g[0])).isoformat(), ""
            if shape == "d month y" and g[1] in _MONTHS:
                return dt.date(int(g[2]), _MONTHS[g[1]], int(g[0])).isoformat(), ""
            if shape == "month d y" and g[0] in _MONTHS:
                return dt.date(int(g[2]), _MONTHS[g[0]], int(g[1])).isoformat(), ""
            if shape == "month y" and g[0] in _MONTHS:
                return (dt.date(int(g[1]), _MONTHS[g[0]], 1).isoformat(),
                        "month and year only: the 1st of the month")
            if shape == "y" and 1990 <= int(g[0]) <= 2100:
                return dt.date(int(g[0]), 1, 1).isoformat(), "year only: 1 January"
        except ValueError:
            return None
    return None
