"""Build a complete index generation: validate, then write every part, then switch.

Parts of a generation: ``fulltext/`` (Whoosh), ``similarity/`` (TF-IDF), ``records.sqlite``
(public records), ``columns.npz``/``columns.json`` (facets), ``suggest.json`` (completions) and,
last, ``manifest.json``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer import fulltext, similarity
from indexer.documents import IndexDocument, from_case
from indexer.errors import EmptyCorpusError, InvalidCorpusError
from indexer.facets import build_columns, save_columns
from indexer.generations import new_build_dir, publish
from indexer.manifest import FORMAT_VERSION, Manifest, library_versions, now_iso, write_manifest
from indexer.sources.corpus import (
    LoadResult,
    Problem,
    corpus_hash,
    load_corpus,
    load_vocabularies,
    public_record,
    publishable,
)
from indexer.store import write_store
from indexer.suggest import build_suggestions

__all__ = [ "BuildReport", "build_index", "build_documents"]

Progress = Callable[[int], None]


@dataclass
class BuildReport:
    generation: Path
    documents: int
    seconds: float
    bytes_on_disk: int
    skipped: list[str] = field(default_factory=list)
    withheld: int = 0  # valid records without consent to publish
    problems: list[Problem] = field(default_factory=list)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_documents(
    directory: Path,
    documents: Sequence[IndexDocument],
    *,
    procs: int = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Both text indexes of ``documents`` in ``directory``; returns their parameters."""
    fulltext.build_fulltext(directory / "fulltext", documents, procs=procs, progress=progress)
    similarity.build_similarity(directory / "similarity", documents, progress=progress)
    return {
        "field_boosts": fulltext.FIELD_BOOSTS,
        "bm25": {"K1": fulltext.BM25_K1, "B": fulltext.BM25_B},
        "tfidf": similarity.PARAMS,
    }


def _nothing_to_publish(corpus: Path, loaded: LoadResult) -> str:
    if not loaded.records:
        return (f"none of the {len(loaded.files)} files in {corpus} is a valid case study; "
                "nothing was built. Run `impact-search validate` to see why.")
    return (f"none of the {len(loaded.records)} case studies in {corpus} may be published "
            "(consent.external is false in every one); nothing was built")


def build_index(
    corpus: Path,
    root: Path,
    *,
    skip_invalid: bool = False,
    procs: int = 1,
    progress_factory: Callable[[int], Progress] | None = None,
) -> BuildReport:
    """Validate ``corpus`` and publish a new generation under ``root``.

    Raises :class:`InvalidCorpusError` (nothing written) when the corpus has problems and
    ``skip_invalid`` is false, and :class:`EmptyCorpusError` when no record may be published.
    """
    started = time.perf_counter()
    loaded: LoadResult = load_corpus(corpus)
    if loaded.problems and not skip_invalid:
        raise InvalidCorpusError(loaded.problems)
    valid = publishable(loaded.records)
    if not valid:
        # An index of nothing would publish, then answer every search with nothing.
        raise EmptyCorpusError(_nothing_to_publish(corpus, loaded))
    records = sorted((public_record(r) for r in valid), key=lambda r: r["id"])
    documents = [from_case(r) for r in records]
    build_dir = new_build_dir(root)
    try:
        progress = progress_factory(2 * len(documents)) if progress_factory else None
        parameters = build_documents(build_dir, documents, procs=procs, progress=progress)
        write_store(build_dir, records)
        vocab = load_vocabularies()
        save_columns(build_dir, build_columns(records, vocab))
        build_suggestions(build_dir, records, vocab)
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            kind="cases",
            corpus_sha256=corpus_hash(loaded.files),
            documents=len(records),
            built_at=now_iso(),
            build_seconds=round(time.perf_counter() - started, 3),
            parameters={**parameters, "corpus": str(corpus.resolve())},
            versions=library_versions(),
            skipped=loaded.skipped,
        )
        write_manifest(build_dir, manifest)
        generation = publish(root, build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    return BuildReport(
        generation=generation,
        documents=len(records),
        seconds=time.perf_counter() - started,
        bytes_on_disk=_size(generation),
        skipped=loaded.skipped,
        withheld=len(loaded.records) - len(valid),
        problems=loaded.problems,
    )

