"""Misspelt queries: search for the correction when it is sure, else offer "did you mean".

When a word of the query is in no case study (so it finds nothing) and has a sure correction
(:meth:`indexer.spelling.Speller.correct`), :func:`corrected_text` gives the query with it
replaced, and :mod:`search_service.engine.search` shows that query's results if they are no
fewer ("Showing results for *dementia*. Search instead for *dementai*"); a query that still
finds fewer than ``FEW`` case studies offers "did you mean" with the nearest words. Never
corrected: a word the collection contains, a stop word, an acronym (``salt``, ``send``), a word
inside a quoted phrase, a word shorter than four letters. ``exact=true`` turns it off.
Flask-free, like the rest of the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from indexer.analysis import default_pipeline
from search_service.engine.live import Generation
from search_service.engine.query import ParsedQuery

__all__ = ["FEW", "Correction", "corrected_text", "did_you_mean"]

FEW = 3  # a query that finds fewer case studies than this "finds very little"


@dataclass(frozen=True)
class Correction:
    original: str  # what was typed
    corrected: str  # what was searched for instead

    def to_json(self) -> dict[str, Any]:
        return {"original": self.original, "corrected": self.corrected}

    @property
    def notice(self) -> str:
        return (f"Showing results for “{self.corrected}”. Search instead for "
                f"“{self.original}”.")


def _correctable(generation: Generation, word: str) -> bool:
    pipeline = default_pipeline()
    if len(word) < 4 or word in pipeline.stopwords or generation.speller.known(word):
        return False
    terms = pipeline.terms(word, query=True)
    # An acronym, or a word form the collection has under another spelling ("dementias").
    return not any(pipeline.display(t.text) or t.text in generation.impacts for t in terms)


def _replace(text: str, fixes: dict[str, str]) -> str:
    """``text`` with each fixed word replaced wherever it stands alone outside quotes."""
    pattern = re.compile(r"(?<![^\W\d_])(" + "|".join(map(re.escape, fixes)) + r")(?![^\W\d_])",
                         re.IGNORECASE)
    parts = text.split('"')
    for i in range(0, len(parts), 2):  # even parts are outside quotation marks
        parts[i] = pattern.sub(lambda m: fixes[m.group(1).lower()], parts[i])
    return '"'.join(parts)


def _fixes(generation: Generation, parsed: ParsedQuery,
           find: Callable[[str], str | None]) -> dict[str, str]:
    """Each correctable word of the query (folded) -> what ``find`` gives for it."""
    fixes: dict[str, str] = {}
    for word in parsed.words:
        folded = word.lower()
        if folded in fixes or not _correctable(generation, folded):
            continue
        found = find(folded)
        if found:
            fixes[folded] = found
    return fixes


def corrected_text(generation: Generation, text: str, parsed: ParsedQuery) -> str | None:
    """``text`` with its misspelt words surely corrected, or None if there is nothing sure."""
    fixes = _fixes(generation, parsed, generation.speller.correct)
    return _replace(text, fixes) if fixes else None


def did_you_mean(generation: Generation, text: str, parsed: ParsedQuery) -> str | None:
    """``text`` with each unknown word replaced by its nearest collection word: its operators,
    quotes and fields as typed (``amputatons -falls`` -> ``amputations -falls``)."""
    fixes = _fixes(generation, parsed, generation.speller.suggest)
    return _replace(text, fixes) if fixes else None
