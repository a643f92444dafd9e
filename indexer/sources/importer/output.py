"""Writing records into the output folder: whole files or nothing, and only our own files.

Each record is written to a hidden temporary file in the same folder, flushed to disk and
renamed over its final name, so a killed import leaves the previous version or the new one,
never half of either (the temporary files of a killed run are removed by the next). A file in
the folder that is not an imported record (no provenance) is never overwritten.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from indexer.paths import corpus_dir
from indexer.sources.importer.errors import OutputProblem

__all__ = ["Status", "prepare_output", "existing_records", "write_record", "same_record"]

Status = Literal["new", "updated", "unchanged"]
_TMP_PREFIX = ".import-"


def prepare_output(out: Path) -> None:
    """Make ``out`` (refusing the bundled sample corpus) and clear a killed run's leftovers."""
    bundled = corpus_dir().resolve()
    target = out.resolve()
    if target == bundled or bundled in target.parents:
        raise OutputProblem(f"{out} is the bundled sample corpus, which an import must not "
                            "change; choose another --out folder (e.g. --out imported)")
    if out.exists() and not out.is_dir():
        raise OutputProblem(f"{out} is a file; --out must be a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for leftover in out.glob(f"{_TMP_PREFIX}*"):
            leftover.unlink()
    except OSError as exc:
        raise OutputProblem(f"cannot write to {out} ({exc.strerror}); choose another --out "
                            "folder") from None


def existing_records(out: Path) -> dict[str, dict[str, Any]]:
    """id -> record of every JSON record already in ``out`` (unreadable files are skipped)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(out.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            record = {}
        found[path.stem] = record if isinstance(record, dict) else {}
    return found


def same_record(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal apart from when they were imported."""
    def strip(record: dict[str, Any]) -> dict[str, Any]:
        copy = dict(record)
        copy["provenance"] = {k: v for k, v in (record.get("provenance") or {}).items()
                              if k != "imported_at"}
        return copy
    return strip(a) == strip(b)


def write_record(out: Path, record: dict[str, Any]) -> None:
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=".tmp", dir=out)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, out / f"{record['id']}.json")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
