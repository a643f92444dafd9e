"""The record store: public records (consent applied) in SQLite, one row per document.

Web workers open it read-only and fetch only the rows a response shows, so memory does not
grow with the corpus.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["RecordStore", "write_store"]

Record = dict[str, Any]
FILENAME = "records.sqlite"


def write_store(directory: Path, records: Iterable[Record]) -> None:
    path = directory / FILENAME
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE records (ord INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, "
                   "json TEXT NOT NULL)")
        db.executemany(
            "INSERT INTO records (ord, id, json) VALUES (?, ?, ?)",
            ((i, r["id"], json.dumps(r, ensure_ascii=False)) for i, r in enumerate(records)),
        )
    db.close()


class RecordStore:
    """Read-only access to a generation's records, safe to share between threads."""

    def __init__(self, directory: Path) -> None:
        uri = f"file:{directory / FILENAME}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._ids: dict[str, int] = dict(self._db.execute("SELECT id, ord FROM records"))

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> list[str]:
        """Every record's id, in ordinal order."""
        return sorted(self._ids, key=self._ids.__getitem__)

    def ordinal(self, case_id: str) -> int | None:
        return self._ids.get(case_id)

    def get(self, ordinal: int) -> Record:
        return self.get_many([ordinal])[0]

    def get_many(self, ordinals: Sequence[int]) -> list[Record]:
        if not ordinals:
            return []
        marks = ",".join("?" * len(ordinals))
        rows = dict(self._db.execute(
            f"SELECT ord, json FROM records WHERE ord IN ({marks})", [int(o) for o in ordinals]
        ))
        return [json.loads(rows[int(o)]) for o in ordinals]

    def numbers(self, path: str) -> list[tuple[int, float]]:
        """``(ordinal, value)`` for every record whose JSON has a number at ``path`` (e.g.
        ``$.savings.money_gbp``), read by SQLite without parsing whole records in Python."""
        rows = self._db.execute(
            "SELECT ord, json_extract(json, ?) FROM records "
            "WHERE json_type(json, ?) IN ('integer', 'real') ORDER BY ord", (path, path))
        return [(int(o), float(v)) for o, v in rows]

    def close(self) -> None:
        self._db.close()
