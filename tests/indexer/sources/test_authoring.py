"""What a librarian writing case studies by hand trips over: each mistake gets a message that
says what to write instead, in plain words (issue 14)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.errors import EmptyCorpusError
from indexer.generations import read_current
from indexer.paths import corpus_dir
from indexer.sources.corpus import load_corpus
from tests.builders import make_record, write_corpus


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in load_corpus(folder).problems]


def test_a_file_saved_with_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    # Windows Notepad's "UTF-8" starts the file with EF BB BF.
    data = json.dumps(make_record(id="notepad"), indent=2).encode("utf-8")
    (tmp_path / "notepad.json").write_bytes(codecs.BOM_UTF8 + data)
    result = load_corpus(tmp_path)
    assert result.problems == [] and [r["id"] for r in result.records] == ["notepad"]


@pytest.mark.parametrize(("label", "keys"), [
    ("south_east", "kent_surrey_sussex, thames_valley, Wessex"),
    ("midlands", "east_midlands, west_midlands"),
    ("north_east_and_yorkshire", "north_east, yorkshire_humber"),
])
def test_a_region_label_names_the_source_keys_to_write(tmp_path: Path, label: str,
                                                       keys: str) -> None:
    write_corpus(tmp_path, [make_record(id="r", region=label)])
    [problem] = _problems(tmp_path)
    assert problem.startswith(f"r.json: region: '{label}' is the search's name for the ")
    assert problem.endswith(f"write one of its source region keys: {keys}")


@pytest.mark.parametrize(("typed", "example"), [
    ("01/05/2020", "2020-05-01"),  # 1 May 2020, day first as in the UK
    ("25.12.2019", "2019-12-25"),
    ("1-5-2020", "2020-05-01"),
    ("May 2020", "2020-05-01"),
    ("2020/05/01", "2020-05-01"),
])
def test_a_date_not_written_as_iso_says_how_to_write_it(tmp_path: Path, typed: str,
                                                        example: str) -> None:
    write_corpus(tmp_path, [make_record(id="d", submitted_date=typed)])
    assert _problems(tmp_path) == [
        f"d.json: submitted_date: {typed!r}: write dates as YYYY-MM-DD, e.g. {example}"]


def test_no_message_shows_a_regular_expression_or_python_words(tmp_path: Path) -> None:
    record = make_record(id="Bad Id", submitted_date="01/05/2020", impact_types="saved",
                         topics="falls", savings={"money_gbp": "£12,000"}, summary="")
    record["lks_contributon"] = record.pop("lks_contribution")
    (tmp_path / "Bad Id.json").write_text(json.dumps(record), encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"id": "broken"\n "title": "x"}', encoding="utf-8")
    text = "\n".join(_problems(tmp_path))
    for jargon in ("^", "\\d", "$'", "is not of type", "Additional properties",
                   "delimiter", "too short", "does not match", "'string'", "'array'"):
        assert jargon not in text, (jargon, text)
    assert "Bad Id.json: id: 'Bad Id': use lower-case letters, digits and single hyphens" in text
    assert "impact_types: must be a list in square brackets" in text
    assert "savings.money_gbp: must be a number without quotes, commas or £" in text
    assert ("lks_contributon: not a field of a case study (did you mean 'lks_contribution'?)"
            in text)
    assert "summary: is empty" in text
    assert "broken.json: (file): not valid JSON at line 2, column 2: a comma is missing" in text


def test_a_misspelt_key_suggests_the_nearest(tmp_path: Path) -> None:
    write_corpus(tmp_path, [make_record(id="s", sector="comunity_trus")])
    [problem] = _problems(tmp_path)
    assert problem.endswith("(did you mean 'comunity_trust'?)")


def test_an_impossible_date_says_to_check_month_and_day(tmp_path: Path) -> None:
    write_corpus(tmp_path, [make_record(id="d", submitted_date="2020-02-30")])
    assert _problems(tmp_path) == [
        "d.json: submitted_date: 2020-02-30 is not a real date; check the month and the day "
        "(YYYY-MM-DD)"]


def test_an_empty_folder_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(EmptyCorpusError, match=r"^no \.json records in .*; pass the folder"):
        load_corpus(tmp_path)


def test_a_folder_above_the_cases_says_which_folder_was_meant(tmp_path: Path) -> None:
    cases = write_corpus(tmp_path / "export" / "cases", [make_record(id="one")])
    with pytest.raises(EmptyCorpusError) as caught:
        load_corpus(tmp_path)
    assert str(caught.value) == f"no .json records in {tmp_path}; did you mean {cases}?"


def test_a_cases_folder_is_suggested_before_others_and_empty_folders_never(
        tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(EmptyCorpusError, match="; pass the folder that holds"):
        load_corpus(tmp_path)
    write_corpus(tmp_path / "archive", [make_record(id="old")])
    cases = write_corpus(tmp_path / "cases", [make_record(id="one")])
    with pytest.raises(EmptyCorpusError) as caught:
        load_corpus(tmp_path)
    assert str(caught.value) == f"no .json records in {tmp_path}; did you mean {cases}?"


def test_a_cases_folder_with_subfolders_is_read_as_cases(tmp_path: Path) -> None:
    write_corpus(tmp_path / "drafts", [make_record(id="draft")])
    write_corpus(tmp_path, [make_record(id="one")])
    assert [r["id"] for r in load_corpus(tmp_path).records] == ["one"]


def test_the_corpus_folder_itself_points_to_its_cases() -> None:
    with pytest.raises(EmptyCorpusError) as caught:
        load_corpus(corpus_dir())
    assert str(caught.value).endswith(f"did you mean {corpus_dir() / 'cases'}?")


def test_index_of_an_empty_folder_publishes_nothing(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    with pytest.raises(EmptyCorpusError):
        build_index(tmp_path / "cases", tmp_path / "ix")
    assert read_current(tmp_path / "ix") is None


def test_index_with_no_publishable_record_publishes_nothing(tmp_path: Path) -> None:
    withheld = {"named": False, "internal": True, "external": False}
    cases = write_corpus(tmp_path / "cases", [make_record(id="a", consent=withheld)])
    with pytest.raises(EmptyCorpusError, match="consent.external is false in every one"):
        build_index(cases, tmp_path / "ix")
    assert read_current(tmp_path / "ix") is None
    assert list((tmp_path / "ix").glob("*")) == []
