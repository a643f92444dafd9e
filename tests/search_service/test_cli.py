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


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("impact-search, version ")


@pytest.mark.parametrize("command", [["validate"], ["index", "--quiet", "--corpus"]])
def test_an_empty_or_nested_corpus_folder_is_refused(runner: CliRunner, tmp_path: Path,
                                                     command: list[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    nested = write_corpus(tmp_path / "export" / "cases", [make_record(id="one")])
    ix = ["--index", str(tmp_path / "ix")] if command[0] == "index" else []
    result = runner.invoke(main, [*command, str(empty), *ix])
    assert result.exit_code == 1
    assert f"no .json records in {empty}; pass the folder that holds" in result.output
    result = runner.invoke(main, [*command, str(tmp_path / "export"), *ix])
    assert result.exit_code == 1
    assert f"no .json records in {tmp_path / 'export'}; did you mean {nested}?" in result.output
    assert read_current(tmp_path / "ix") is None


def test_index_if_stale_rebuilds_only_when_the_corpus_changed(runner: CliRunner,
                                                              tmp_path: Path) -> None:
    cases = write_corpus(tmp_path / "cases", [make_record(id="one"), make_record(id="two")])
    args = ["index", "--corpus", str(cases), "--index", str(tmp_path / "ix"), "--quiet",
            "--if-stale"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0 and "yet; building one" in first.output
    built = read_current(tmp_path / "ix")
    again = runner.invoke(main, args)
    assert again.exit_code == 0 and "is up to date" in again.output
    assert read_current(tmp_path / "ix") == built
    write_corpus(cases, [make_record(id="two", title="Zebrafish welfare")])
    changed = runner.invoke(main, args)
    assert changed.exit_code == 0, changed.output
    assert f"The case studies in {cases} changed since the index was built" in changed.output
    assert read_current(tmp_path / "ix") != built
    search = runner.invoke(main, ["search", "zebrafish", "--index", str(tmp_path / "ix"),
                                  "--json"])
    hits = json.loads(search.output)["hits"]
    assert [h["id"] for h in hits if not h["related"]] == ["two"]


def test_serve_refuses_to_start_with_one_message_per_bad_setting(
        runner: CliRunner, index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMPACT_SEARCH_HSTS_MAX_AGE", "1y")
    monkeypatch.setenv("IMPACT_SEARCH_RATELIMIT_SEARCH", "lots")
    for prod in ([], ["--prod"]):
        result = runner.invoke(main, ["serve", "--index", str(index_dir), *prod])
        assert result.exit_code == 1
        lines = [line.strip() for line in result.output.splitlines()]
        assert "IMPACT_SEARCH_HSTS_MAX_AGE='1y' is not allowed: use a whole number of seconds, " \
               "0 or more (31536000 is a year)." in lines
        assert any(line.startswith("IMPACT_SEARCH_RATELIMIT_SEARCH='lots' is not allowed: "
                                   "use limits such as 120/minute") for line in lines)


def test_index_if_stale_rebuilds_when_another_corpus_is_given(runner: CliRunner,
                                                              tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "first", [make_record(id="one")])
    second = write_corpus(tmp_path / "second", [make_record(id="one")])  # the same bytes
    ix = ["--index", str(tmp_path / "ix"), "--quiet", "--if-stale"]
    assert runner.invoke(main, ["index", "--corpus", str(first), *ix]).exit_code == 0
    other = runner.invoke(main, ["index", "--corpus", str(second), *ix])
    assert other.exit_code == 0
    assert f"was built from {first.resolve()}; rebuilding from {second}" in other.output
