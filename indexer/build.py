"""Build a complete index generation: validate, then write every part, then switch.

Parts of a generation: ``fulltext/`` (Whoosh: positions for phrases, per-field terms for
``title:`` and the like), ``impacts/`` (BM25 scores per term, :mod:`indexer.impacts`),
``similarity/`` (TF-IDF), ``records.sqlite``
(public records), ``columns.npz``/``columns.json`` (facets), ``suggest.json`` (completions) and,
last, ``manifest.json``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer import fulltext, impacts, similarity
from indexer.analysis import Term, default_pipeline
from indexer.documents import IndexDocument, from_case
from indexer.errors import EmptyCorpusError, InvalidCorpusError
from indexer.facets import build_columns, save_columns
from indexer.generations import build_lock, new_build_dir, publish
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

__all__ = ["BuildReport", "build_index", "build_generation", "build_documents", "records_hash"]

Progress = Callable[[int], None]
Record = dict[str, Any]


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
    # One analysis pass feeds both the TF-IDF model and the BM25 impacts.
    pipeline = default_pipeline()
    bm25 = impacts.ImpactsBuilder()

    def analysed() -> Iterator[list[Term]]:
        for doc in documents:
            terms = pipeline.terms(doc.similarity_text)
            bm25.add(terms, len(doc.title), doc.organisation)
            yield terms

    model = similarity.build_similarity(directory / "similarity", analysed(), progress=progress)
    impacts.save_impacts(directory / "impacts", bm25.build(), model.matrix, model.terms)
    return {"bm25": impacts.PARAMS, "tfidf": similarity.PARAMS}


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
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> BuildReport:
    """Validate ``corpus`` and publish a new generation under ``root``.

    Raises :class:`InvalidCorpusError` (nothing written) when the corpus has problems and
    ``skip_invalid`` is false, and :class:`EmptyCorpusError` when no record may be published.
    Builds into one ``root`` take turns (see :func:`~indexer.generations.build_lock`:
    ``wait``, ``on_wait``).
    """
    started = time.perf_counter()
    loaded: LoadResult = load_corpus(corpus)
    if loaded.problems and not skip_invalid:
        raise InvalidCorpusError(loaded.problems)
    if not publishable(loaded.records):
        # An index of nothing would publish, then answer every search with nothing.
        raise EmptyCorpusError(_nothing_to_publish(corpus, loaded))
    report = build_generation(loaded.records, root, corpus_sha256=corpus_hash(loaded.files),
                              skipped=loaded.skipped, procs=procs,
                              progress_factory=progress_factory, started=started,
                              parameters={"corpus": str(corpus.resolve())},
                              wait=wait, on_wait=on_wait)
    report.problems = loaded.problems
    return report


def records_hash(records: Sequence[Record]) -> str:
    """SHA-256 of records given as data, in id order (the manifest's ``corpus_sha256``)."""
    digest = hashlib.sha256()
    for record in sorted(records, key=lambda r: r["id"]):
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode() + b"\0")
    return digest.hexdigest()


def build_generation(
    records: Sequence[Record],
    root: Path,
    *,
    corpus_sha256: str | None = None,
    source: dict[str, Any] | None = None,
    parameters: dict[str, Any] | None = None,
    skipped: Sequence[str] = (),
    procs: int = 1,
    progress_factory: Callable[[int], Progress] | None = None,
    started: float | None = None,
    wait: bool = True,
    on_wait: Callable[[str], None] | None = None,
    allow_empty: bool = False,
) -> BuildReport:
    """Publish a new generation of valid ``records`` under ``root``.

    Consent is applied here for every caller (a folder, the workflow database): records
    without ``consent.external`` are withheld and unconsented names removed. ``source`` says
    where the records came from (the manifest keeps it: the workflow's database revision).
    Builds into one ``root`` take turns (:func:`~indexer.generations.build_lock`: ``wait``,
    ``on_wait``). No publishable record is an error (a wrong folder) unless ``allow_empty``:
    the workflow's published set is empty once its last case study is withdrawn.
    """
    started = time.perf_counter() if started is None else started
    valid = publishable(records)
    if not valid and not allow_empty:
        raise EmptyCorpusError("no case study may be published (none has consent.external); "
                               "nothing was built")
    public = sorted((public_record(r) for r in valid), key=lambda r: r["id"])
    documents = [from_case(r) for r in public]
    with build_lock(root, wait=wait, on_wait=on_wait):
        build_dir = new_build_dir(root)
        try:
            progress = progress_factory(2 * len(documents)) if progress_factory else None
            built = build_documents(build_dir, documents, procs=procs, progress=progress)
            write_store(build_dir, public)
            vocab = load_vocabularies()
            save_columns(build_dir, build_columns(public, vocab))
            build_suggestions(build_dir, public, vocab)
            manifest = Manifest(
                format_version=FORMAT_VERSION,
                kind="cases",
                corpus_sha256=corpus_sha256 or records_hash(records),
                documents=len(public),
                built_at=now_iso(),
                build_seconds=round(time.perf_counter() - started, 3),
                parameters={**built, **(parameters or {})},
                versions=library_versions(),
                skipped=list(skipped),
                source=dict(source or {}),
            )
            write_manifest(build_dir, manifest)
            generation = publish(root, build_dir)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
    return BuildReport(
        generation=generation,
        documents=len(public),
        seconds=time.perf_counter() - started,
        bytes_on_disk=_size(generation),
        skipped=list(skipped),
        withheld=len(records) - len(valid),
    )
