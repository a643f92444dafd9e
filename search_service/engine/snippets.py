"""Highlighted snippets: the passage of a record that best matches the query.

The output is HTML in which only ``<mark>`` is markup: every character of document text is
escaped, so a record containing ``<script>`` shows it as text.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from indexer.analysis import Term, default_pipeline

__all__ = ["snippet", "highlight"]

SNIPPET_FIELDS = ("summary", "challenge", "lks_contribution", "outcome", "patient_benefit",
                  "body")
WINDOW = 32  # terms
BODY_SCAN = 20_000  # characters of an imported body looked at: a snippet, not a search
SUMMARY_WORDS = 40


def highlight(text: str, terms: Iterable[str]) -> str:
    """All of ``text``, escaped, with every matching term wrapped in ``<mark>``."""
    wanted = set(terms)
    marks = [t for t in default_pipeline().terms(text) if t.text in wanted]
    return _render(text, 0, len(text), marks)


def _render(text: str, start: int, end: int, marks: list[Term]) -> str:
    out = []
    cursor = start
    for term in marks:
        if term.start < cursor or term.end > end:
            continue
        out.append(escape(text[cursor:term.start]))
        out.append(f"<mark>{escape(text[term.start:term.end])}</mark>")
        cursor = term.end
    out.append(escape(text[cursor:end]))
    return "".join(out)


def _best_window(terms: list[Term], wanted: set[str]) -> tuple[int, int, int]:
    """(score, first, last) of the window of WINDOW terms with most distinct matches."""
    hits = [i for i, t in enumerate(terms) if t.text in wanted]
    best = (0, 0, min(len(terms), WINDOW) - 1)
    for i in hits:
        first = max(0, i - 4)
        last = min(len(terms) - 1, first + WINDOW - 1)
        distinct = len({terms[j].text for j in hits if first <= j <= last})
        if distinct > best[0]:
            best = (distinct, first, last)
    return best


def _summary(record: dict[str, Any]) -> str:
    words = str(record.get("summary", "")).split()
    text = " ".join(words[:SUMMARY_WORDS])
    return escape(text) + (" …" if len(words) > SUMMARY_WORDS else "")


def snippet(record: dict[str, Any], terms: Iterable[str]) -> str:
    wanted = set(terms)
    if not wanted:
        return _summary(record)
    pipeline = default_pipeline()
    best: tuple[int, str] = (0, "")
    for name in SNIPPET_FIELDS:
        text = record.get(name)
        if not text:
            continue
        text = text[:BODY_SCAN]
        analysed = pipeline.terms(text)
        score, first, last = _best_window(analysed, wanted)
        if score <= best[0]:
            continue
        start = 0 if first == 0 else analysed[first].start
        end = len(text) if last >= len(analysed) - 1 else analysed[last].end
        marks = [t for t in analysed[first:last + 1] if t.text in wanted]
        html = _render(text, start, end, marks)
        best = (score, ("… " if start else "") + html + (" …" if end < len(text) else ""))
        if score == len(wanted):
            break
    return best[1] or _summary(record)
