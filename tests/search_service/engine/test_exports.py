"""Exports of a whole search: every matching record, in the search's order, read back by a
CSV reader, a strict RIS reader written here from the RIS specification, and feedparser."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import feedparser
import pytest

from search_service.engine.exports import (
    CSV_COLUMNS,
    LISTING_COLUMNS,
    FeedInfo,
    atom_feed,
    csv_lines,
    export_records,
    jsonl_lines,
    ris_lines,
)
from search_service.engine.live import Generation, LiveIndex
from search_service.engine.params import SearchParams
from search_service.engine.search import search
from search_service.engine.selection import select
from tests.builders import make_record

BASE = "https://impact.example.nhs.uk"
SEARCHES: list[dict[str, list[str]]] = [
    {},
    {"q": ["falls"]},
    {"q": ["evidence"], "sort": ["title"]},
    {"q": ["care"], "sort": ["oldest"], "region": ["south_east", "london"]},
    {"sector": ["acute"], "sort": ["newest"]},
    {"has_savings": ["true"], "q": ["sepsis OR delirium"]},
    {"q": ["zzzqqqxx"]},
]


def _params(generation: Generation, args: dict[str, list[str]]) -> SearchParams:
    return SearchParams.from_args(args, generation.columns.keys)


def _search_order(generation: Generation, args: dict[str, list[str]]) -> list[str]:
    """Every id the search pages show as matches, page after page (related ones left out)."""
    ids: list[str] = []
    page = 1
    while True:
        result = search(generation, _params(generation, {**args, "per_page": ["100"],
                                                         "page": [str(page)]}))
        ids += [hit.id for hit in result.hits if not hit.fields["related"]]
        if page * 100 >= result.total:
            return ids
        page += 1


def _csv_rows(generation: Generation, params: SearchParams) -> list[dict[str, str]]:
    items = export_records(generation, select(generation, params), BASE)
    text = "".join(csv_lines(items))
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.mark.parametrize("args", SEARCHES, ids=[str(a) for a in SEARCHES])
def test_csv_has_every_result_of_the_search_in_its_order(
        generation: Generation, args: dict[str, list[str]]) -> None:
    rows = _csv_rows(generation, _params(generation, args))
    assert len(rows) == search(generation, _params(generation, args)).total
    assert [row["id"] for row in rows] == _search_order(generation, args)


def test_csv_columns_start_with_the_national_listing(generation: Generation) -> None:
    rows = _csv_rows(generation, _params(generation, {"q": ["falls"]}))
    assert tuple(rows[0])[:len(LISTING_COLUMNS)] == LISTING_COLUMNS
    assert tuple(rows[0]) == CSV_COLUMNS
    record = generation.store.get(generation.store.ordinal(rows[0]["id"]) or 0)
    assert rows[0]["Title"] == record["title"]
    assert rows[0]["Date submitted"] == record["submitted_date"]
    assert rows[0]["url"] == f"{BASE}/cases/{record['id']}"
    assert rows[0]["Impact types"].count(",") == len(record["impact_types"]) - 1


def test_csv_streams_in_chunks(generation: Generation) -> None:
    items = export_records(generation, select(generation, SearchParams()), BASE)
    chunks = list(csv_lines(items))
    assert len(chunks) > 1  # header, then rows a chunk at a time, not one string


def test_a_cell_that_starts_like_a_formula_is_defused(small_index: Any) -> None:
    live = LiveIndex(small_index([make_record(id="formula", title="=HYPERLINK(\"x\")"),
                                  make_record(id="plain", title="Plain")]))
    generation = live.current()
    try:
        rows = _csv_rows(generation, SearchParams())
    finally:
        live.close()
    assert {row["Title"] for row in rows} == {"'=HYPERLINK(\"x\")", "Plain"}


# --- RIS, read back by a strict reader -------------------------------------------------------

RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  - (.*)$")


def read_ris(text: str) -> list[dict[str, list[str]]]:
    """A strict RIS reader: CRLF lines of ``XX  - value``; each record opens with TY and
    closes with ER; nothing between records but blank lines. Raises on anything else."""
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    assert "\n" not in text.replace("\r\n", ""), "a bare LF"
    for number, line in enumerate(text.split("\r\n"), start=1):
        if not line:
            assert current is None, f"line {number}: blank line inside a record"
            continue
        match = RIS_LINE.match(line)
        assert match, f"line {number}: not a RIS tag line: {line!r}"
        tag, value = match.groups()
        if tag == "TY":
            assert current is None, f"line {number}: TY inside a record"
            current = {}
        assert current is not None, f"line {number}: {tag} outside a record"
        if tag == "ER":
            assert value == "", f"line {number}: ER carries a value"
            records.append(current)
            current = None
            continue
        current.setdefault(tag, []).append(value)
    assert current is None, "the last record has no ER"
    return records


def test_ris_is_one_report_per_case_study_with_its_address(generation: Generation) -> None:
    params = _params(generation, {"q": ["falls"]})
    items = export_records(generation, select(generation, params), BASE)
    records = read_ris("".join(ris_lines(items, "test")))
    ids = _search_order(generation, {"q": ["falls"]})
    assert [r["ID"] for r in records] == [[i] for i in ids]
    for record in records:
        assert record["TY"] == ["RPRT"]
        assert record["UR"] == [f"{BASE}/cases/{record['ID'][0]}"]
        assert len(record["TI"]) == 1 and record["TI"][0]
        assert re.fullmatch(r"\d{4}", record["PY"][0])


def test_ris_values_never_break_a_line(small_index: Any) -> None:
    live = LiveIndex(small_index([make_record(id="multi", summary="One line.\nTwo\r\nthree.")]))
    generation = live.current()
    try:
        items = export_records(generation, select(generation, SearchParams()), BASE)
        records = read_ris("".join(ris_lines(items, "test")))
    finally:
        live.close()
    assert records[0]["AB"] == ["One line. Two three."]


# --- JSON Lines and consent -----------------------------------------------------------------

SECRET = "Philippa Quarterman-Xanthe"


def test_exports_apply_consent_like_the_pages(small_index: Any) -> None:
    quote = {"text": "It changed our minds.", "name": SECRET, "role": "Matron",
             "organisation": "Testford Hospitals NHS Trust"}
    live = LiveIndex(small_index([
        make_record(id="anonymous", quote=quote,
                    consent={"named": False, "internal": True, "external": True}),
        make_record(id="named", quote={**quote, "name": "Named Person"}),
        make_record(id="hidden", quote=quote,
                    consent={"named": True, "internal": True, "external": False}),
    ]))
    generation = live.current()
    try:
        selection = select(generation, SearchParams())
        outputs = {
            "csv": "".join(csv_lines(export_records(generation, selection, BASE))),
            "ris": "".join(ris_lines(export_records(generation, selection, BASE), "t")),
            "jsonl": "".join(jsonl_lines(export_records(generation, selection, BASE))),
            "atom": atom_feed(generation, SearchParams(), _info()).decode("utf-8"),
        }
    finally:
        live.close()
    for name, text in outputs.items():
        assert "Philippa" not in text and "hidden" not in text, name
    lines = [json.loads(line) for line in outputs["jsonl"].splitlines()]
    assert {line["id"] for line in lines} == {"anonymous", "named"}
    assert {line["id"]: line["quote"].get("name") for line in lines} == {
        "anonymous": None, "named": "Named Person"}


# --- Atom, read by feedparser ---------------------------------------------------------------

def _info(q: str = "") -> FeedInfo:
    return FeedInfo(base_url=BASE, self_url=f"{BASE}/feed.atom?q={q}", html_url=f"{BASE}/?q={q}",
                    title=f"New case studies for {q}", author="NHS libraries",
                    updated="2026-01-01T00:00:00+00:00")


@pytest.mark.parametrize("q", ["falls", "zzzqqqxx", ""])
def test_atom_is_valid_and_lists_the_newest_matches_first(generation: Generation,
                                                          q: str) -> None:
    params = _params(generation, {"q": [q]} if q else {})
    feed = feedparser.parse(atom_feed(generation, params, _info(q), limit=5))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    newest = search(generation, _params(generation, {**({"q": [q]} if q else {}),
                                                     "sort": ["newest"], "per_page": ["5"]}))
    assert [entry.link for entry in feed.entries] == [f"{BASE}/cases/{h.id}"
                                                      for h in newest.hits]
    assert [entry.id for entry in feed.entries] == [entry.link for entry in feed.entries]
    assert feed.feed.links[0].rel == "self"
    if feed.entries:
        assert feed.feed.updated == feed.entries[0].updated
        assert all(entry.summary and entry.title for entry in feed.entries)


def test_records_are_read_a_chunk_at_a_time_as_the_export_is_consumed(
        generation: Generation, monkeypatch: pytest.MonkeyPatch) -> None:
    from search_service.engine import exports

    asked: list[int] = []
    real = generation.store.get_many

    def counting(ordinals: list[int]) -> list[dict[str, Any]]:
        asked.append(len(ordinals))
        return real(ordinals)

    monkeypatch.setattr(exports, "CHUNK", 50)
    monkeypatch.setattr(generation.store, "get_many", counting)
    items = export_records(generation, select(generation, SearchParams()), BASE)
    next(items)
    assert asked == [50]  # one chunk read for the first row, not the collection
    rest = list(items)
    assert len(rest) + 1 == generation.columns.size and max(asked) == 50
