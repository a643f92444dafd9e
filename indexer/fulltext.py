"""The Whoosh 2.7.4 full-text index: schema, build and open.

Whoosh no longer ranks (the BM25 scores are in :mod:`indexer.impacts`): it keeps each text
field's terms with their positions, for phrases (``"care home"``), field-restricted queries
(``title:sepsis``) and prefixes in one field. Only the indexer writes; web workers open the
index read-only and keep one searcher.

Whoosh stores its table of contents (schema included) as a pickle, so opening an index runs
pickle on a file: the service opens only index directories that ``impact-search index``
created inside the configured index folder, never a path taken from a request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import fields, index
from whoosh.analysis import Token, Tokenizer
from whoosh.searching import Searcher

from indexer.analysis import default_pipeline
from indexer.documents import IndexDocument

__all__ = [
    "TEXT_FIELDS",
    "ImpactAnalyzer",
    "FullText",
    "build_fulltext",
    "open_fulltext",
]

# The fields a case study's text is indexed in, for positions and field-restricted queries.
TEXT_FIELDS = ("title", "summary", "topics", "body", "organisation")


class ImpactAnalyzer(Tokenizer):  # type: ignore[misc]
    """Whoosh face of :mod:`indexer.analysis`: the same terms the TF-IDF index sees.

    Stateless, because Whoosh pickles the schema (and so this object) into the index.
    """

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term in default_pipeline().terms(value, query=(mode == "query")):
            token.text = term.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term.surface
            if positions:
                token.pos = start_pos + term.pos
            if chars:
                token.startchar = start_char + term.start
                token.endchar = start_char + term.end
            yield token


def _schema() -> fields.Schema:
    text = {
        name: fields.TEXT(analyzer=ImpactAnalyzer(), phrase=True) for name in TEXT_FIELDS
    }
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        ord=fields.NUMERIC(numtype=int, bits=32, signed=False, sortable=True),
        **text,
    )


def build_fulltext(
    directory: Path,
    documents: Iterable[IndexDocument],
    *,
    procs: int = 1,
    limitmb: int = 256,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a new Whoosh index of ``documents`` into the empty ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(directory), _schema())
    if procs > 1:
        writer = ix.writer(procs=procs, limitmb=limitmb, multisegment=False)
    else:
        writer = ix.writer(limitmb=limitmb)
    count = 0
    try:
        for count, doc in enumerate(documents, start=1):
            writer.add_document(
                id=doc.id,
                ord=count - 1,
                title=doc.title,
                summary=doc.summary,
                topics=doc.topics,
                body=doc.body,
                organisation=doc.organisation,
            )
            if progress is not None:
                progress(1)
        writer.commit(optimize=True)
    except BaseException:
        writer.cancel()
        raise
    return count


@dataclass
class FullText:
    """An open full-text index: one searcher, reused, and the docnum -> ordinal map.

    Whoosh's readers seek and read shared file objects, so threads of one process take
    ``lock`` around any use of the searcher (gunicorn's sync workers never contend for it).
    """

    ix: index.Index
    searcher: Searcher
    docnum_to_ord: np.ndarray
    ord_to_docnum: np.ndarray
    lock: threading.RLock = field(default_factory=threading.RLock)

    def close(self) -> None:
        self.searcher.close()


def open_fulltext(directory: Path) -> FullText:
    ix = index.open_dir(str(directory))
    searcher = ix.searcher()
    reader = searcher.reader()
    size = reader.doc_count_all()
    # An index of no documents (every case study withdrawn) has no segment, so no column.
    docnum_to_ord = (np.fromiter(reader.column_reader("ord"), dtype=np.int64, count=size)
                     if size else np.empty(0, dtype=np.int64))
    ord_to_docnum = np.empty(size, dtype=np.int64)
    ord_to_docnum[docnum_to_ord] = np.arange(size, dtype=np.int64)
    return FullText(ix, searcher, docnum_to_ord, ord_to_docnum)
