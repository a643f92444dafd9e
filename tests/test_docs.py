"""The documentation's tables are generated from the data they describe (scripts/docs_tables.py)
and its examples are real: the worked example is valid and each message is what the
validator prints."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from indexer.sources.corpus import load_corpus
from tests.builders import make_record, write_corpus

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "adding-a-case-study.md"


def _blocks(language: str) -> list[str]:
    found = re.findall(r"^```(\w*)\n(.*?)^```$", GUIDE.read_text(encoding="utf-8"), re.S | re.M)
    return [body for lang, body in found if lang == language]


def test_the_generated_tables_are_up_to_date() -> None:
    # README's settings table, and the guide's fields and vocabularies tables.
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "docs_tables.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_tables_list_every_setting_field_and_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| `MAX_CONTENT_LENGTH` | `262144` |" in readme
    guide = GUIDE.read_text(encoding="utf-8")
    vocab = json.loads((ROOT / "corpus" / "vocabularies.json").read_text(encoding="utf-8"))
    for name in ("impact_types", "group_impacted", "sector", "region", "service_types",
                 "purpose"):
        for key, label in vocab[name].items():
            assert f"| `{key}` | {label} |" in guide, (name, key)
    schema = json.loads((ROOT / "corpus" / "schema.json").read_text(encoding="utf-8"))
    for field in schema["properties"]:
        assert f"| `{field}` |" in guide


def test_the_worked_example_is_a_valid_case_study(tmp_path: Path) -> None:
    [example] = _blocks("json")
    record = json.loads(example)
    (tmp_path / f"{record['id']}.json").write_text(example, encoding="utf-8")
    result = load_corpus(tmp_path)
    assert [str(p) for p in result.problems] == []


def test_the_example_messages_are_what_validate_prints(tmp_path: Path) -> None:
    mistakes = {"submitted_date": "01/05/2020", "region": "south_east",
                "savings": {"money_gbp": "£18,000"}}
    record = make_record(id="falls", **mistakes)
    record["lks_contributon"] = record.pop("lks_contribution")
    write_corpus(tmp_path / "one", [record])
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "falls.json").write_text('{\n  "id": "falls"\n  "title": "x"\n}',
                                                  encoding="utf-8")
    printed = [str(p) for folder in ("one", "two")
               for p in load_corpus(tmp_path / folder).problems]
    example = next(block for block in _blocks("") if "falls.json:" in block)
    for line in example.strip().splitlines():
        assert line in printed
