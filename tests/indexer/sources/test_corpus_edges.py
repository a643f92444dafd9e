"""The validator and consent at their edges: each date shape and bound gives exactly one clear
problem (or none), and consent is applied whatever else the record holds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from indexer.sources.corpus import (
    corpus_hash,
    load_corpus,
    load_vocabularies,
    organisation_key,
    public_record,
    publishable,
    slug,
)
from tests.builders import make_record, write_corpus


def _date_format(date: str) -> str:
    return f"d.json: submitted_date: {date!r}: write dates as YYYY-MM-DD, e.g. 2020-05-01"


def _problems(tmp_path: Path, records: list[dict[str, Any]]) -> list[str]:
    return [str(p) for p in load_corpus(write_corpus(tmp_path, records)).problems]


@pytest.mark.parametrize("date", ["20200101", "2020-W01-1", "2020-01-01T00:00", "2020-1-01", ""])
def test_a_date_not_written_as_yyyy_mm_dd_gets_one_clear_problem(tmp_path: Path,
                                                                  date: str) -> None:
    # fromisoformat alone would take 20200101 and 2020-W01-1
    assert _problems(tmp_path, [make_record(id="d", submitted_date=date)]) == [_date_format(date)]


@pytest.mark.parametrize("date", ["2020-13-01", "2020-02-30", "２０２０-01-01"])
def test_a_date_that_does_not_exist_gets_one_clear_problem(tmp_path: Path, date: str) -> None:
    assert _problems(tmp_path, [make_record(id="d", submitted_date=date)]) == [
        f"d.json: submitted_date: {date} is not a real date; check the month and the day "
        "(YYYY-MM-DD)"]


def test_a_date_in_the_future_is_refused(tmp_path: Path) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert _problems(tmp_path, [make_record(id="f", submitted_date=tomorrow)]) == [
        f"f.json: submitted_date: {tomorrow} is in the future"]


@pytest.mark.parametrize("date", ["today", "1990-01-01", "2020-02-29"])
def test_today_and_real_past_dates_are_accepted(tmp_path: Path, date: str) -> None:
    date = dt.date.today().isoformat() if date == "today" else date
    assert _problems(tmp_path, [make_record(id="ok", submitted_date=date)]) == []


def test_a_summary_of_exactly_60_words_is_accepted(tmp_path: Path) -> None:
    assert _problems(tmp_path, [make_record(id="s", summary="word " * 60)]) == []
    assert _problems(tmp_path, [make_record(id="t", summary="word " * 61)]) == [
        "t.json: summary: 61 words; shorten it to 60 or fewer"]


def test_the_record_must_be_an_object(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    result = load_corpus(tmp_path)
    assert [str(p) for p in result.problems] == [
        "list.json: (record): must be a group of fields in curly brackets { }, not a list"]
    assert result.skipped == ["list.json"] and result.records == []


def test_an_unknown_field_says_to_check_its_spelling(tmp_path: Path) -> None:
    problems = _problems(tmp_path, [make_record(id="u", sumary="typo")])
    assert problems == ["u.json: sumary: not a field of a case study (did you mean 'summary'?); "
                        "remove it or correct its name"]


def test_valid_records_are_kept_in_file_order_and_invalid_ones_skipped(tmp_path: Path) -> None:
    records = [make_record(id="b"), make_record(id="a"), make_record(id="c", sector="nope")]
    result = load_corpus(write_corpus(tmp_path, records))
    assert [r["id"] for r in result.records] == ["a", "b"]
    assert result.skipped == ["c.json"]
    assert [f.name for f in result.files] == ["a.json", "b.json", "c.json"]


def test_one_file_can_be_validated_on_its_own(tmp_path: Path) -> None:
    write_corpus(tmp_path, [make_record(id="one"), make_record(id="two", sector="nope")])
    assert [r["id"] for r in load_corpus(tmp_path / "one.json").records] == ["one"]
    assert load_corpus(tmp_path / "two.json").skipped == ["two.json"]


def test_a_missing_folder_says_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist; pass the folder"):
        load_corpus(tmp_path / "nowhere")


def test_consent_external_must_be_exactly_true() -> None:
    records = [make_record(id=i, consent={"named": True, "internal": True, "external": value})
               for i, value in (("yes", True), ("no", False), ("one", 1))]
    assert [r["id"] for r in publishable(records)] == ["yes"]


@pytest.mark.parametrize("named", [False, 1, "true", None])
def test_a_name_is_shown_only_when_consent_named_is_exactly_true(named: Any) -> None:
    quote = {"text": "It helped.", "name": "Ada Lovelace", "role": "Matron",
             "organisation": "Testford"}
    record = make_record(id="q", quote=quote,
                         consent={"named": named, "internal": True, "external": True})
    public = public_record(record)
    assert public["quote"] == {"text": "It helped.", "role": "Matron",
                               "organisation": "Testford"}
    assert "Ada Lovelace" not in json.dumps(public)
    assert record["quote"]["name"] == "Ada Lovelace"  # the source record is not changed


def test_a_public_record_keeps_everything_but_consent() -> None:
    record = make_record(id="p")
    public = public_record(record)
    assert public == {k: v for k, v in record.items() if k != "consent"}
    assert "quote" not in public


def test_without_consent_the_name_is_withheld_from_every_text_but_the_id() -> None:
    # an imported document's prose can repeat the quoted person's name
    quote = {"text": "Ada Lovelace found it useful.", "name": "Ada Lovelace", "role": "Matron"}
    record = make_record(id="ada-lovelace-falls", quote=quote, outcome="Ada Lovelace said so.",
                         consent={"named": False, "internal": True, "external": True},
                         provenance={"source": {"file": "ada-lovelace.docx"}})
    public = public_record(record)
    assert public["outcome"] == "[name withheld] said so."
    assert public["quote"] == {"text": "[name withheld] found it useful.", "role": "Matron"}
    assert public["id"] == "ada-lovelace-falls"  # links to the case study keep working
    assert "provenance" not in public and "consent" not in public


def test_a_quote_without_a_name_is_kept_as_it_is() -> None:
    quote = {"text": "It helped.", "role": "Matron"}
    record = make_record(id="q", quote=quote,
                         consent={"named": False, "internal": True, "external": True})
    assert public_record(record)["quote"] == quote


def test_corpus_hash_changes_with_any_byte_or_name(tmp_path: Path) -> None:
    write_corpus(tmp_path, [make_record(id="a"), make_record(id="b")])
    files = sorted(tmp_path.glob("*.json"))
    first = corpus_hash(files)
    assert first == corpus_hash(list(reversed(files))) and len(first) == 64
    (tmp_path / "b.json").write_text((tmp_path / "b.json").read_text() + " ")
    assert corpus_hash(files) != first
    (tmp_path / "b.json").rename(tmp_path / "c.json")
    assert corpus_hash(sorted(tmp_path.glob("*.json"))) != first


def test_keys_from_free_text() -> None:
    assert organisation_key("St Mary's Hospital — NHS Trust ") == "st-mary-s-hospital-nhs-trust"
    assert slug("North East and Yorkshire") == "north_east_and_yorkshire"


def test_an_id_that_is_not_a_lower_case_slug_is_refused(tmp_path: Path) -> None:
    problems = _problems(tmp_path, [make_record(id="Falls_Review")])
    assert problems == ["Falls_Review.json: id: 'Falls_Review': use lower-case letters, digits "
                        "and single hyphens, e.g. falls-bundle-review-northmoor"]


def test_problems_of_every_file_are_reported(tmp_path: Path) -> None:
    records = [make_record(id="one", sector="nope"), make_record(id="two", region="narnia")]
    problems = _problems(tmp_path, records)
    assert [p.split(": ")[:2] for p in problems] == [["one.json", "sector"],
                                                      ["two.json", "region"]]


def test_a_bad_date_does_not_hide_the_problems_after_it(tmp_path: Path) -> None:
    problems = _problems(tmp_path, [make_record(id="d", submitted_date="20200101", summary=5)])
    assert problems == [_date_format("20200101"),
                        "d.json: summary: must be text in double quotes, not a number"]


def test_an_unknown_key_lists_every_allowed_key(tmp_path: Path) -> None:
    allowed = ", ".join(load_vocabularies().tables["purpose"])
    assert _problems(tmp_path, [make_record(id="p", purpose="fun")]) == [
        f"p.json: purpose: unknown key 'fun'; use one of: {allowed}"]


def test_labels_and_slugs() -> None:
    vocab = load_vocabularies()
    assert vocab.label("sector", "acute") == "Acute"
    assert vocab.label("sector", "not-a-key") == "not-a-key"  # shown as it is, never lost
    assert slug("(North West)") == "north_west"
    assert organisation_key("(Northmoor) NHS Trust.") == "northmoor-nhs-trust"


def _nested(levels: int) -> Any:
    """JSON ``levels`` deep, objects and lists in turn: [{"a": [{"a": []}]}] is 4 (a value
    counts as a level too: ["x"] is 2)."""
    value: Any = []
    for level in range(1, levels):
        value = {"a": value} if level % 2 else [value]
    return value


def test_json_nested_32_levels_is_read_and_33_is_refused(tmp_path: Path) -> None:
    deep = "(file): JSON nested more than 32 levels deep"
    for levels in (32, 33):
        (tmp_path / f"n{levels}.json").write_text(json.dumps(_nested(levels)), encoding="utf-8")
    found = {p.file: str(p) for p in load_corpus(tmp_path).problems}
    assert deep not in found["n32.json"]  # read: then it is simply not a case study
    assert found["n33.json"].startswith(f"n33.json: {deep}; ")


SURROGATE = ("has a lone UTF-16 surrogate (\\u{code:04x}) at character {at}, usually from a "
             "cut-off UTF-16 export; retype or remove that character")


@pytest.mark.parametrize(("changes", "where", "code", "at"), [
    ({"title": "Falls \ud800"}, "title", 0xD800, 7),  # the first surrogate
    ({"title": "\udfff"}, "title", 0xDFFF, 1),  # the last one
    ({"topics": ["falls", "hip \udc00"]}, "topics.1", 0xDC00, 5),  # in a list
    ({"savings": {"money_gbp": 10, "other": "\ud9ff"}}, "savings.other", 0xD9FF, 1),
])
def test_a_lone_surrogate_is_named_with_its_place(tmp_path: Path, changes: dict[str, Any],
                                                  where: str, code: int, at: int) -> None:
    # json.dumps writes the surrogate as an escape, as a cut-off UTF-16 export leaves it
    (tmp_path / "s.json").write_text(json.dumps(make_record(id="s", **changes)),
                                     encoding="utf-8")
    assert _problems(tmp_path, []) == [f"s.json: {where}: {SURROGATE.format(code=code, at=at)}"]


def test_the_characters_around_the_surrogates_are_accepted(tmp_path: Path) -> None:
    assert _problems(tmp_path, [make_record(id="ok", title="\ud7ff \ue000 falls")]) == []


def test_a_file_that_is_one_string_with_a_surrogate_names_the_record(tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text('"\\ud800"', encoding="utf-8")
    assert _problems(tmp_path, []) == [
        f"s.json: (record): {SURROGATE.format(code=0xD800, at=1)}"]


def test_unknown_fields_at_any_level_and_other_problems_are_all_reported(
        tmp_path: Path) -> None:
    record = make_record(id="u", sumary="typo", sector="nope",
                         savings={"money_gbp": 10, "hours": 2})
    problems = _problems(tmp_path, [record])
    assert [p.split(": ")[1] for p in problems] == ["sumary", "savings.hours", "sector"]


@pytest.mark.parametrize(("length", "shown"), [(80, "f" * 80),
                                               (81, "f" * 80 + "... (81 characters in all)")])
def test_a_long_field_name_is_cut_in_the_problem(tmp_path: Path, length: int, shown: str) -> None:
    problems = _problems(tmp_path, [make_record(id="u", **{"f" * length: 1})])
    assert [p.split(": ")[1] for p in problems] == [shown]



def test_a_field_name_with_a_lone_surrogate_is_named_printably(tmp_path: Path) -> None:
    record = make_record(id="s")
    record["ti\ud800tle"] = record.pop("title")
    (tmp_path / "s.json").write_text(json.dumps(record), encoding="utf-8")
    problems = _problems(tmp_path, [])
    # the validate command prints it: the surrogate itself would stop the output
    assert problems == [f"s.json: ti\\ud800tle: {SURROGATE.format(code=0xD800, at=3)}"]
    assert problems[0].encode("utf-8")


def test_files_that_are_not_case_studies_say_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "dangling.json").symlink_to(tmp_path / "missing.json")
    (tmp_path / "folder.json").mkdir()
    (tmp_path / "deep.json").write_text("[" * 40 + "]" * 40, encoding="utf-8")
    assert sorted(_problems(tmp_path, [])) == [
        "dangling.json: (file): is a symbolic link that leads nowhere (or round in a loop); "
        "remove it or point it at a case study file",
        "deep.json: (file): JSON nested more than 32 levels deep; a case study is one object "
        "of text, lists and small objects",
        "folder.json: (file): is a folder or a device, not a file; move it out of the corpus "
        "folder or rename it"]
