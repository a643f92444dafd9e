from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.generations import read_current
from search_service.cli import main
from tests.builders import make_record, write_corpus


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("command", [[], ["validate"], ["index"], ["serve"], ["search"],
                                     ["similar"]])
def test_every_command_has_help(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_validate_reports_every_problem_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    write_corpus(tmp_path, [make_record(id="good"), make_record(id="bad", sector="nope"),
                            make_record(id="worse", region="atlantis")])
    result = runner.invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad.json: sector: unknown key 'nope'" in result.output
    assert "worse.json: region: unknown key 'atlantis'" in result.output


def test_validate_bundled_corpus(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0
    assert "200 files, all valid." in result.output


def test_index_refuses_an_invalid_corpus_and_writes_nothing(runner: CliRunner,
                                                            tmp_path: Path) -> None:
    cases = write_corpus(tmp_path / "cases", [make_record(id="good"),
                                              make_record(id="bad", sector="nope"),
                                              make_record(id="bad2", submitted_date="2020-02-30")])
    result = runner.invoke(main, ["index", "--corpus", str(cases), "--index",
                                  str(tmp_path / "ix"), "--quiet"])
    assert result.exit_code == 1
    assert "bad.json: sector" in result.output and "bad2.json: submitted_date" in result.output
    assert "--skip-invalid" in result.output
    assert read_current(tmp_path / "ix") is None


def test_index_skip_invalid_builds_the_valid_records(runner: CliRunner, tmp_path: Path) -> None:
    cases = write_corpus(tmp_path / "cases", [make_record(id="good"),
                                              make_record(id="bad", sector="nope")])
    result = runner.invoke(main, ["index", "--corpus", str(cases), "--index",
                                  str(tmp_path / "ix"), "--skip-invalid", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "skipped: bad.json: sector" in result.output
    assert "Indexed 1 case studies" in result.output and "MB on disk" in result.output
    search = runner.invoke(main, ["search", "falls", "--index", str(tmp_path / "ix"), "--json"])
    assert [h["id"] for h in json.loads(search.output)["hits"]] == ["good"]


def test_search_and_similar_commands(runner: CliRunner, index_dir: Path) -> None:
    result = runner.invoke(main, ["search", "sepsis", "--index", str(index_dir)])
    assert result.exit_code == 0 and "case studies match" in result.output
    result = runner.invoke(main, ["similar", "falls-bundle-evidence-review-northmoor",
                                  "--index", str(index_dir), "-k", "2"])
    assert result.exit_code == 0 and "shared words:" in result.output
    result = runner.invoke(main, ["similar", "--text", "falls prevention bundle", "--json",
                                  "--index", str(index_dir)])
    assert json.loads(result.output)["source"] is None


def test_errors_say_what_to_do(runner: CliRunner, tmp_path: Path, index_dir: Path) -> None:
    missing = runner.invoke(main, ["search", "falls", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "impact-search index" in missing.output
    serve = runner.invoke(main, ["serve", "--index", str(tmp_path / "none")])
    assert serve.exit_code == 1 and "impact-search index" in serve.output
    bad = runner.invoke(main, ["search", "s*", "--index", str(index_dir)])
    assert bad.exit_code == 1 and "wildcard" in bad.output
    unknown = runner.invoke(main, ["similar", "nope", "--index", str(index_dir)])
    assert unknown.exit_code == 1 and "No published case study" in unknown.output
    both = runner.invoke(main, ["similar", "x", "--text", "y", "--index", str(index_dir)])
    assert both.exit_code == 2


def test_index_if_missing_keeps_the_live_index(runner: CliRunner, tmp_path: Path) -> None:
    cases = write_corpus(tmp_path / "cases", [make_record(id="good")])
    args = ["index", "--corpus", str(cases), "--index", str(tmp_path / "ix"), "--quiet"]
    assert runner.invoke(main, args).exit_code == 0
    first = read_current(tmp_path / "ix")
    again = runner.invoke(main, [*args, "--if-missing"])
    assert "not rebuilding" in again.output and read_current(tmp_path / "ix") == first


def test_index_if_missing_rebuilds_an_index_of_an_old_format(runner: CliRunner,
                                                            tmp_path: Path) -> None:
    cases = write_corpus(tmp_path / "cases", [make_record(id="good")])
    args = ["index", "--corpus", str(cases), "--index", str(tmp_path / "ix"), "--quiet"]
    assert runner.invoke(main, args).exit_code == 0
    first = read_current(tmp_path / "ix")
    assert first is not None
    manifest = tmp_path / "ix" / first / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"format_version": ', '"format_version": 9'))
    again = runner.invoke(main, [*args, "--if-missing"])
    assert again.exit_code == 0 and "Rebuilding" in again.output
    assert read_current(tmp_path / "ix") != first


def test_the_default_index_folder_is_the_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    """``index`` finds the instance folder without building the app; they must agree."""
    from search_service import create_app
    from search_service.cli import default_index_dir

    monkeypatch.delenv("IMPACT_SEARCH_INDEX_DIR", raising=False)
    assert default_index_dir() == Path(create_app().config["INDEX_DIR"])
