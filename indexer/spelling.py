"""'Did you mean': the collection's own words, and a Levenshtein search over them.

The words are counted while the TF-IDF index reads every document (so they cost no extra
pass) and saved as ``words.json`` beside the similarity model. An earlier design kept them
as an unstemmed Whoosh field, which took 40% of the full-text build's CPU time.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from whoosh.automata.fsa import find_all_matches
from whoosh.automata.lev import levenshtein_automaton

__all__ = ["Speller", "count_words", "save_words", "load_speller"]

FILENAME = "words.json"
MIN_LENGTH = 3


def count_words(surfaces: Mapping[str, Counter[str]]) -> Counter[str]:
    """Word -> occurrences, from the surface forms seen for each index term."""
    counts: Counter[str] = Counter()
    for forms in surfaces.values():
        for form, n in forms.items():
            if len(form) >= MIN_LENGTH and form.isalpha():
                counts[form] += n
    return counts


def save_words(directory: Path, counts: Counter[str]) -> None:
    rows = sorted(counts.items())
    (directory / FILENAME).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


class _Skipper:
    """Lets Whoosh's automaton walk a sorted word list (as its ListCorrector does)."""

    def __init__(self, words: list[str]) -> None:
        self.words = words

    def __call__(self, word: str) -> str | None:
        i = bisect_left(self.words, word)
        return self.words[i] if i < len(self.words) else None


@dataclass
class Speller:
    words: list[str]  # sorted
    frequency: dict[str, int]

    def known(self, word: str) -> bool:
        return word in self.frequency

    def _near(self, word: str, distance: int) -> list[str]:
        dfa = levenshtein_automaton(word, distance, prefix=1).to_dfa()
        return [w for w in find_all_matches(dfa, _Skipper(self.words)) if w != word]

    def correct(self, word: str) -> str | None:
        """A correction sure enough to search for instead of ``word``, else None.

        Sure means: one edit or one swap of neighbouring letters away ("dementai"), or two
        edits for a word of seven letters or more, and at least twice as frequent in the
        collection as any other word as near. A word the collection contains is never
        corrected.
        """
        if len(word) < 4 or self.known(word):
            return None
        swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
        near = set(self._near(word, 1)) | {w for w in swaps if w != word and self.known(w)}
        if not near and len(word) >= 7:
            near = set(self._near(word, 2))
        ranked = sorted(near, key=lambda w: (-self.frequency[w], w))
        if not ranked or (len(ranked) > 1
                          and self.frequency[ranked[0]] < 2 * self.frequency[ranked[1]]):
            return None
        return ranked[0]

    def suggest(self, word: str) -> str | None:
        """The most frequent collection word one edit away, else two; None if neither."""
        for distance in (1, 2):
            found = self._near(word, distance)
            if found:
                return max(found, key=lambda w: (self.frequency[w], w))
        return None


def load_speller(directory: Path) -> Speller:
    rows = json.loads((directory / FILENAME).read_text(encoding="utf-8"))
    return Speller([w for w, _ in rows], {w: int(n) for w, n in rows})
