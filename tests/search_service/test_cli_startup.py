"""``impact-search --help`` and ``validate`` start in a fraction of a second because they import
nothing heavy; bench/cli_startup.py measures the time (no timed assertion here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("nltk", "whoosh", "sklearn", "scipy", "numpy", "flask", "werkzeug", "tqdm")

RUN = """
import json, sys
from search_service.cli import main
try:
    main({args!r})
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def _loaded(args: list[str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", RUN.format(args=args, heavy=HEAVY)],
                          capture_output=True, text=True, timeout=60, check=True)
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def test_importing_the_cli_loads_nothing_heavy() -> None:
    code = ("import json, sys, search_service.cli; "
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["validate"], ["index", "--help"]])
def test_help_version_and_validate_load_nothing_heavy(args: list[str]) -> None:
    assert _loaded(args) == []


def test_an_up_to_date_index_is_checked_without_loading_the_builder(index_dir: Path) -> None:
    # `make run` calls `index --if-stale` every time: when nothing changed it must stay quick.
    loaded = _loaded(["index", "--if-stale", "--index", str(index_dir)])
    assert [m for m in loaded if m in ("nltk", "whoosh", "sklearn", "scipy")] == []
