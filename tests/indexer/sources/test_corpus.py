from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from indexer.paths import corpus_dir
from indexer.sources.corpus import (
    load_corpus,
    load_vocabularies,
    public_record,
    publishable,
    record_problems,
    validate_record,
)
from tests.builders import make_record, national_value_lists, write_corpus


def _problems(tmp_path: Path, records: list[dict[str, Any]]) -> list[str]:
    return [str(p) for p in load_corpus(write_corpus(tmp_path, records)).problems]


def test_valid_record_has_no_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, [make_record(id="ok")]) == []


def test_unknown_vocabulary_key_names_file_field_and_allowed_values(tmp_path: Path) -> None:
    problems = _problems(tmp_path, [make_record(id="bad", sector="hospital")])
    assert len(problems) == 1
    assert problems[0].startswith("bad.json: sector: unknown key 'hospital'; use one of: acute")


def test_unknown_key_inside_a_list_names_its_position(tmp_path: Path) -> None:
    problems = _problems(tmp_path, [make_record(id="bad", impact_types=["saved_time"])])
    assert problems[0].startswith("bad.json: impact_types.0: unknown key 'saved_time'")


def test_duplicate_ids_are_reported_with_the_other_file(tmp_path: Path) -> None:
    write_corpus(tmp_path, [make_record(id="one")])
    (tmp_path / "two.json").write_text(json.dumps(make_record(id="one")), encoding="utf-8")
    problems = [str(p) for p in load_corpus(tmp_path).problems]
    assert "two.json: id: must equal the file name ('two')" in problems
    assert "two.json: id: duplicate id 'one', also in one.json" in problems


@pytest.mark.parametrize("date", ["2020-13-01", "2020-02-30", "20-01-01", "yesterday",
                                  "2020-1-1"])
def test_malformed_dates(tmp_path: Path, date: str) -> None:
    problems = _problems(tmp_path, [make_record(id="d", submitted_date=date)])
    assert any(p.startswith("d.json: submitted_date:") for p in problems), problems


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    record = make_record(id="m")
    del record["outcome"]
    assert _problems(tmp_path, [record]) == ["m.json: outcome: required field is missing"]


def test_missing_consent_answer_is_named(tmp_path: Path) -> None:
    record = make_record(id="c", consent={"named": True, "internal": True})
    assert _problems(tmp_path, [record]) == ["c.json: consent.external: required field is missing"]


def test_non_utf8_file(tmp_path: Path) -> None:
    raw = json.dumps(make_record(id="latin", title="caf\xe9"), ensure_ascii=False)
    data = raw.encode("latin-1")
    (tmp_path / "latin.json").write_bytes(data)
    problems = [str(p) for p in load_corpus(tmp_path).problems]
    assert problems == [f"latin.json: (file): not UTF-8 (byte {data.index(0xE9)}); "
                        "save the file as UTF-8"]


def test_invalid_json_gives_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"id": "broken",\n  "title": }', encoding="utf-8")
    problems = [str(p) for p in load_corpus(tmp_path).problems]
    assert problems == ["broken.json: (file): not valid JSON at line 2, column 12: a value is "
                        "missing or misspelt (text needs double quotes; true, false and null "
                        "are written in lower case)"]


def test_summary_over_60_words(tmp_path: Path) -> None:
    problems = _problems(tmp_path, [make_record(id="s", summary="word " * 61)])
    assert problems == ["s.json: summary: 61 words; shorten it to 60 or fewer"]


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    record = make_record(id="many", sector="nope", region="narnia", submitted_date="2020-02-30")
    del record["title"]
    problems = _problems(tmp_path, [record])
    fields = sorted(p.split(": ")[1] for p in problems)
    assert fields == ["region", "sector", "submitted_date", "title"]


def test_schema_enums_match_the_vocabularies() -> None:
    schema = json.loads((corpus_dir() / "schema.json").read_text(encoding="utf-8"))
    vocab = load_vocabularies()
    props = schema["properties"]
    assert set(props["impact_types"]["items"]["enum"]) == set(vocab.tables["impact_types"])
    assert set(props["service_types"]["items"]["enum"]) == set(vocab.tables["service_types"])
    for name in ("group_impacted", "sector", "region", "purpose"):
        assert set(props[name]["enum"]) == set(vocab.tables[name]), name


def test_vocabularies_copy_the_national_lists_exactly() -> None:
    national = national_value_lists()
    vocab = load_vocabularies()
    # Our own region keys for the NHS England regions that stand for several old ones (an
    # imported listing that shows only "Midlands" is not guessed into one of them).
    own = {"region": {"midlands": "Midlands", "south_east": "South East",
                      "north_east_and_yorkshire": "North East and Yorkshire"}}
    for ours, theirs in (("impact_types", "impact_types"), ("group_impacted", "group_impacted"),
                         ("sector", "sector"), ("region", "region")):
        assert dict(vocab.tables[ours]) == {i["key"]: i["label"]
                                            for i in national[theirs]["items"]} | own.get(ours, {})
    assert len(set(vocab.tables["region_facets"])) == 7


def test_consent_withholds_unpublishable_records_and_unconsented_names() -> None:
    quote = {"text": "It helped.", "name": "Ada Lovelace", "role": "Matron",
             "organisation": "Testford"}
    hidden = make_record(id="h", consent={"named": True, "internal": True, "external": False})
    anonymous = make_record(id="a", quote=quote,
                            consent={"named": False, "internal": True, "external": True})
    named = make_record(id="n", quote=quote)
    assert [r["id"] for r in publishable([hidden, anonymous, named])] == ["a", "n"]
    assert "name" not in public_record(anonymous)["quote"]
    assert public_record(anonymous)["quote"]["role"] == "Matron"
    assert public_record(named)["quote"]["name"] == "Ada Lovelace"
    assert "consent" not in public_record(named)


def _without(field: str, **changes: Any) -> dict[str, Any]:
    record = make_record(id="sub", **changes)
    del record[field]
    return record


def test_a_submission_gets_every_problem_the_loader_would_give() -> None:
    # the review workflow's check of a submitted record (not a file)
    assert validate_record(make_record(id="sub")) == []
    assert [str(p) for p in validate_record(_without("title"), "submission")] == [
        "submission: title: required field is missing"]
    problems = validate_record(make_record(id="sub", summary="w " * 61,
                                           submitted_date="2999-01-01"))
    assert [str(p) for p in problems] == [
        "record: submitted_date: 2999-01-01 is in the future",
        "record: summary: 61 words; shorten it to 60 or fewer"]


def test_a_draft_is_not_told_about_missing_fields_only_wrong_ones() -> None:
    assert validate_record(_without("title"), "draft", partial=True) == []
    problems = validate_record(_without("title", sector="nope", submitted_date="2999-01-01"),
                               "draft", partial=True)
    assert [(p.field, p.reason[:16]) for p in problems] == [
        ("sector", "unknown key 'nop"), ("submitted_date", "2999-01-01 is in")]
    # a draft that is not even an object, or whose id is not text, says so
    assert [str(p) for p in validate_record([1, 2], "draft", partial=True)] == [
        "draft: (record): must be a group of fields in curly brackets { }, not a list"]
    assert [str(p) for p in validate_record({"id": 5, "summary": "w " * 61}, partial=True)] == [
        "record: id: must be text in double quotes, not a number",
        "record: summary: 61 words; shorten it to 60 or fewer"]


def test_an_imported_record_is_checked_as_the_file_it_will_be_saved_as() -> None:
    assert record_problems(make_record(id="imp")) == []
    problems = record_problems(make_record(id="imp", sector="nope", summary="w " * 61))
    assert [(p.file, p.field) for p in problems] == [("imp.json", "sector"),
                                                     ("imp.json", "summary")]
    assert [p.file for p in record_problems(make_record(id="imp", sector="nope"),
                                            "listing row 7")] == ["listing row 7"]


def test_an_email_address_is_withheld_without_consent_to_name() -> None:
    """An address names its owner as surely as their name does."""
    text = "Ask jane.smith@westmere.nhs.uk (or library@westmere.nhs.uk) for the search."
    anonymous = make_record(id="a", outcome=text,
                            consent={"named": False, "internal": True, "external": True})
    named = make_record(id="n", outcome=text)
    assert public_record(anonymous)["outcome"] == (
        "Ask [e-mail withheld] (or [e-mail withheld]) for the search.")
    assert public_record(named)["outcome"] == text


def _imported(named: bool) -> dict[str, Any]:
    """A record from a document that named its librarian and its quoted person."""
    return make_record(
        id="Ada Lovelace and Grace Hopper",  # ids are never rewritten, whatever they hold
        outcome="Grace Hopper, the librarian, searched; Ada Lovelace changed the policy.",
        quote={"text": "It helped.", "name": "Ada Lovelace", "role": "Matron"},
        consent={"named": named, "internal": True, "external": True},
        provenance={"source": {"file": "hopper-falls-study.docx", "sha256": "0" * 64,
                               "format": "docx", "bytes": 1000},
                    "people": ["Grace Hopper", "Ada Lovelace"]})


def test_without_consent_every_name_the_document_gave_is_withheld() -> None:
    public = public_record(_imported(named=False))
    assert public["outcome"] == ("[name withheld], the librarian, searched; [name withheld] "
                                 "changed the policy.")
    assert public["id"] == "Ada Lovelace and Grace Hopper"
    assert "provenance" not in public and "document" not in public  # a file name is free text


def test_with_consent_the_names_and_the_document_are_public() -> None:
    record = _imported(named=True)
    public = public_record(record)
    assert public["outcome"] == record["outcome"]
    assert public["quote"]["name"] == "Ada Lovelace"
    assert public["document"] == "hopper-falls-study.docx"
    assert "provenance" not in public
