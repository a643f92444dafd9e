"""Hostile and damaged corpus files: each is one clear ``file: field: reason`` line from
``validate`` and is skipped by ``index --skip-invalid``; never a traceback, never 10 MB of
output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.generations import read_current
from indexer.sources.corpus import load_corpus
from search_service.cli import main
from tests.builders import make_record, write_corpus


@pytest.fixture()
def hostile(tmp_path: Path) -> Path:
    cases = write_corpus(tmp_path / "cases", [make_record(id="good-one")])
    # A lone surrogate, as a truncated UTF-16 export leaves: valid JSON, not storable as UTF-8.
    (cases / "surrogate.json").write_text(
        json.dumps(make_record(id="surrogate", title="Falls \ud800")), encoding="utf-8")
    os.symlink("loop-b.json", cases / "loop-a.json")
    os.symlink("loop-a.json", cases / "loop-b.json")
    os.symlink("missing.json", cases / "dangling.json")
    (cases / "folder.json").mkdir()
    (cases / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (cases / "shallow-deep.json").write_text(
        json.dumps(make_record(id="shallow-deep", topics=[[[[["x"]]]]] * 1)).replace(
            '[[[[["x"]]]]]', "[" * 40 + '"x"' + "]" * 40), encoding="utf-8")
    (cases / "huge.json").write_text(
        json.dumps(make_record(id="huge", title="x" * 10_000_000)), encoding="utf-8")
    (cases / "huge-key.json").write_text(
        json.dumps(make_record(id="huge-key", region="y" * 1_000_000)), encoding="utf-8")
    return cases


EXPECTED = {
    "surrogate.json": "title: has a lone UTF-16 surrogate (\\ud800) at character 7",
    "loop-a.json": "(file): is a symbolic link that leads nowhere",
    "loop-b.json": "(file): is a symbolic link that leads nowhere",
    "dangling.json": "(file): is a symbolic link that leads nowhere",
    "folder.json": "(file): is a folder or a device, not a file",
    "deep.json": "(file): JSON nested more than 32 levels deep",
    "shallow-deep.json": "(file): JSON nested more than 32 levels deep",
    "huge.json": "title: is 10,000,000 characters long",
    "huge-key.json": "region: unknown key 'yyyyyyyy",
}


def test_every_hostile_file_is_one_short_problem(hostile: Path) -> None:
    result = load_corpus(hostile)
    found = {p.file: str(p) for p in result.problems}
    assert set(found) == set(EXPECTED)
    for name, words in EXPECTED.items():
        assert words in found[name], found[name]
    assert all(len(text) < 1200 for text in found.values())
    assert "(1,000,002 characters in all)" in found["huge-key.json"]
    assert [r["id"] for r in result.records] == ["good-one"]


def test_validate_and_index_skip_invalid_on_a_hostile_corpus(hostile: Path,
                                                             tmp_path: Path) -> None:
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", str(hostile)])
    assert checked.exit_code == 1 and isinstance(checked.exception, SystemExit)
    assert len(checked.output) < 10_000  # not the 10 MB field
    assert "surrogate.json: title: has a lone UTF-16 surrogate" in checked.output
    refused = runner.invoke(main, ["index", "--corpus", str(hostile), "--index",
                                   str(tmp_path / "index"), "--quiet"])
    assert refused.exit_code == 1 and "nothing was built" in refused.output
    built = runner.invoke(main, ["index", "--corpus", str(hostile), "--index",
                                 str(tmp_path / "index"), "--quiet", "--skip-invalid"])
    assert built.exit_code == 0, built.output
    assert "Indexed 1 case studies" in built.output and "9 invalid skipped" in built.output
    assert read_current(tmp_path / "index") is not None
