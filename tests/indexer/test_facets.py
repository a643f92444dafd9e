"""The facet columns saved with a generation: read back as they were written, and never by
unpickling (a generation folder is data; loading must not run code found in it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from indexer.facets import build_columns, load_columns, save_columns
from indexer.sources.corpus import load_vocabularies
from tests.builders import make_record

RAN: list[str] = []


class _Payload:
    """Unpickling this calls RAN.append: proof that a pickle was loaded."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return RAN.append, ("unpickled",)


def test_facet_columns_holding_a_pickle_are_refused_not_run(tmp_path: Path) -> None:
    save_columns(tmp_path, build_columns([make_record(id="a")], load_vocabularies()))
    payload = np.empty(1, dtype=object)
    payload[0] = _Payload()
    # the same arrays, plus one that can only be read by unpickling it
    with np.load(tmp_path / "columns.npz") as data:
        arrays = {k: data[k] for k in data.files}
    np.savez(tmp_path / "columns.npz", allow_pickle=True, codes__region=payload,
             **{k: v for k, v in arrays.items() if k != "codes__region"})
    with pytest.raises(ValueError, match="allow_pickle"):
        load_columns(tmp_path)
    assert RAN == []
