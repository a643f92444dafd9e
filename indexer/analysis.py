"""The one text-analysis pipeline, shared by the Whoosh full-text index and the TF-IDF index.

Read this first. Text becomes index terms in five steps:

1. tokenise: words, numbers and the NHS shapes that must survive whole (``A&E``, ``COVID-19``,
   ``£12,000``, ``24/7``); hyphens split words (``falls-prevention`` is two words) unless a
   digit follows (``COVID-19``);
2. normalise: Unicode NFKC, lower case, curly quotes straightened, possessive ``'s`` dropped, and
   UK spellings folded onto one form (haemorrhage/hemorrhage, paediatric/pediatric,
   organisation/organization, programme/program, tumour/tumor, centre/center);
3. expand acronyms: every entry of a group in ``corpus/synonyms.txt`` (``A&E``, ``ED``,
   ``emergency department``) becomes one canonical token, whole tokens only;
4. drop stop words (``corpus/stopwords.txt``);
5. stem with NLTK's Snowball English stemmer (code only: no ``nltk_data`` is needed).

Each term keeps the surface word it came from, so that explanations ("similar because of
*falls*, *hip fracture*") show readable words rather than stems, and its character offsets, so
that snippets can highlight it. Query text goes through the same steps; the only difference is
that case-sensitive acronyms (``=NICE`` in the synonyms file) also match lower case in a query,
because people type queries in lower case.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nltk.stem.snowball import EnglishStemmer

from indexer.paths import corpus_dir

__all__ = [
    "Term",
    "Pipeline",
    "default_pipeline",
    "analyze",
    "normalise_word",
    "tokenize", "load_synonyms"]

# Money first (so "£12,000" stays whole), then numbers with internal separators ("24/7",
# "3.5", "12,000"), then words that may carry "&" ("A&E", "R&D"), apostrophes, or a hyphen
# followed by a digit ("COVID-19", "NEWS-2").
_TOKEN = re.compile(
    r"£\d[\d,]*(?:\.\d+)?"
    r"|\d+(?:[/:.,]\d+)*%?"
    r"|[^\W\d_](?:\w|[&'’](?=[^\W_])|-(?=\d))*",
)

# UK -> US spelling folds that the stemmer cannot do alone. Substring rules are limited to
# letter sequences that do not occur in ordinary English words.
_INFIX_FOLDS: tuple[tuple[str, str], ...] = (
    ("aem", "em"),  # haemorrhage, anaemia, ischaemia, leukaemia, glycaemia, septicaemia
    ("paed", "ped"),  # paediatric, orthopaedic
    ("oea", "ea"),  # diarrhoea, dyspnoea, apnoea, gonorrhoea
    ("gynaec", "gynec"),
    ("anaes", "anes"),  # anaesthetic
)
_PREFIX_FOLDS: tuple[tuple[str, str], ...] = (
    ("oesoph", "esoph"),
    ("oedem", "edem"),
    ("oestr", "estr"),
    ("foet", "fet"),
    ("caesar", "cesar"),
    ("coeliac", "celiac"),
    ("faec", "fec"),
    ("aetiol", "etiol"),
    ("manoeuv", "maneuv"),
)
_OUR = re.compile(r"^(behavi|col|fav|flav|harb|hon|hum|lab|neighb|od|rum|tum|vap|vig|endeav)our")
_RE_WORDS = {
    "centre": "center", "centres": "centers", "centred": "centered",
    "fibre": "fiber", "fibres": "fibers", "litre": "liter", "litres": "liters",
    "metre": "meter", "metres": "meters", "theatre": "theater", "theatres": "theaters",
    "programme": "program", "programmes": "programs", "catalogue": "catalog",
    "ageing": "aging", "judgement": "judgment", "licence": "license", "defence": "defense",
    "offence": "offense", "grey": "gray", "sceptical": "skeptical", "practise": "practice",
    "practised": "practiced", "practising": "practicing", "enrolment": "enrollment",
    "fulfil": "fulfill", "fulfilment": "fulfillment", "skilful": "skillful",
}
# -ise/-isation -> -ize/-ization, except for words where "ise" is not that suffix.
_ISE = re.compile(r"(?<=[a-z]{3})is(e|ed|es|er|ers|ing|ation|ations)$")
_YSE = re.compile(r"(?<=[a-z]{3})ys(e|ed|es|ing)$")
_ISE_EXCEPTIONS = frozenset(
    "advise advised advises advising arise arises arising comprise comprised comprises "
    "comprising compromise compromised compromises compromising concise despise devise "
    "devised disguise enterprise enterprises excise exercise exercised exercises exercising "
    "expertise franchise improvise improvised merchandise premise premises promise promised "
    "promises promising revise revised revises revising supervise supervised supervises "
    "supervising supervisor supervisors surmise surprise surprised surprises surprising "
    "televise treatise chastise precise paradise otherwise likewise clockwise praise praised "
    "praises cruise cruises bruise bruised bruises bruising demise incise circumcise "
    "reprise appraise appraised appraising noise raise raised raising poise".split()
)


@dataclass(frozen=True, slots=True)
class Term:
    """One index term: ``text`` is what the index stores; ``surface`` is the readable word(s)."""

    text: str
    surface: str
    pos: int
    start: int
    end: int


def tokenize(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(token, start, end)`` for each raw token of ``text``."""
    for match in _TOKEN.finditer(text):
        yield match.group(), match.start(), match.end()


@lru_cache(maxsize=200_000)
def normalise_word(token: str) -> str:
    """Lower-case and fold one raw token (no stemming).

    Cached: a corpus repeats a few thousand distinct tokens millions of times, and the folds
    below cost more than the lookup.
    """
    word = unicodedata.normalize("NFKC", token).lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'")
    if word.startswith("£"):
        return word.replace(",", "")
    if not word[:1].isalpha():
        return word
    if word in _RE_WORDS:
        return _RE_WORDS[word]
    for old, new in _PREFIX_FOLDS:
        if word.startswith(old):
            word = new + word[len(old):]
            break
    for old, new in _INFIX_FOLDS:
        if old in word:
            word = word.replace(old, new)
    word = _OUR.sub(r"\1or", word)
    if word not in _ISE_EXCEPTIONS:
        word = _ISE.sub(r"iz\1", word)
        word = _YSE.sub(r"yz\1", word)
    return word


@dataclass(frozen=True)
class _Synonyms:
    """Phrase -> canonical token tables, split by whether the match is case-sensitive."""

    folded: dict[tuple[str, ...], str]
    exact: dict[tuple[str, ...], str]
    query_only: dict[tuple[str, ...], str]
    display: dict[str, str]
    longest: int


def _canonical(name: str) -> str:
    return "_".join(normalise_word(t) for t, _, _ in tokenize(name))


def load_synonyms(lines: Iterable[str]) -> _Synonyms:
    folded: dict[tuple[str, ...], str] = {}
    exact: dict[tuple[str, ...], str] = {}
    query_only: dict[tuple[str, ...], str] = {}
    display: dict[str, str] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        entries = [e.strip() for e in line.split(",") if e.strip()]
        canonical = _canonical(entries[0].lstrip("="))
        display[canonical] = entries[0].lstrip("=")
        for entry in entries:
            words = tuple(normalise_word(t) for t, _, _ in tokenize(entry.lstrip("=")))
            if entry.startswith("="):
                exact[tuple(t for t, _, _ in tokenize(entry[1:]))] = canonical
                query_only[words] = canonical
            else:
                folded[words] = canonical
    longest = max((len(k) for k in (*folded, *exact)), default=1)
    return _Synonyms(folded, exact, query_only, display, longest)


class Pipeline:
    """Tokenise, normalise, expand acronyms, drop stop words, stem: see the module docstring."""

    def __init__(self, synonyms: _Synonyms, stopwords: frozenset[str]) -> None:
        self.synonyms = synonyms
        self.stopwords = stopwords
        self._stemmer = EnglishStemmer()
        self._stem_word = lru_cache(maxsize=200_000)(self._stem_uncached)
        # First words of every synonym entry: most tokens start none, and can skip the
        # longest-first search over phrase widths.
        self._first_exact = frozenset(k[0] for k in synonyms.exact)
        self._first_folded = frozenset(k[0] for k in synonyms.folded)
        self._first_query = frozenset(k[0] for k in synonyms.query_only)

    def terms(self, text: str, *, query: bool = False) -> list[Term]:
        # The hot loop of indexing and of snippets: the synonym search runs only for tokens
        # that start a synonym, and folds and stems come from caches.
        raw = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        words = [normalise_word(t) for t, _, _ in raw]
        first_exact, first_folded = self._first_exact, self._first_folded
        first_query = self._first_query if query else frozenset()
        stopwords, stem = self.stopwords, self._stem_word
        out: list[Term] = []
        i = 0
        while i < len(raw):
            word = words[i]
            if raw[i][0] in first_exact or word in first_folded or word in first_query:
                canonical, width = self._match_synonym(raw, words, i, query)
                if canonical is not None:
                    start, end = raw[i][1], raw[i + width - 1][2]
                    out.append(Term(canonical, text[start:end], len(out), start, end))
                    i += width
                    continue
            if word and word not in stopwords:
                out.append(Term(stem(word), raw[i][0], len(out), raw[i][1], raw[i][2]))
            i += 1
        return out

    def stem(self, word: str) -> str:
        return self._stem_word(word)

    def words(self, text: str) -> list[str]:
        """Stemmed words of ``text`` with no acronym merging: the words inside an expansion.

        BM25 counts them beside the acronym's token, so that ``kidney`` still finds "chronic
        kidney disease" although the phrase is indexed as one token.
        """
        found = (normalise_word(token) for token, _, _ in tokenize(text))
        return [self._stem_word(w) for w in found if w and w not in self.stopwords]

    def _stem_uncached(self, word: str) -> str:
        if not word.isalpha():
            return word
        return str(self._stemmer.stem(word))

    def _match_synonym(
        self, raw: list[tuple[str, int, int]], words: list[str], i: int, query: bool
    ) -> tuple[str | None, int]:
        syn = self.synonyms
        for width in range(min(syn.longest, len(raw) - i), 0, -1):
            exact = tuple(t for t, _, _ in raw[i : i + width])
            if exact in syn.exact:
                return syn.exact[exact], width
            folded = tuple(words[i : i + width])
            canonical = syn.folded.get(folded) or (syn.query_only.get(folded) if query else None)
            if canonical is not None:
                return canonical, width
        return None, 0

    def display(self, term: str) -> str | None:
        """The readable name of a canonical acronym token, or None for ordinary terms."""
        return self.synonyms.display.get(term)


def _read_list(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """The pipeline configured from the bundled ``corpus/synonyms.txt`` and ``stopwords.txt``."""
    base = corpus_dir()
    stop = frozenset(
        w
        for line in _read_list(base / "stopwords.txt")
        if not line.startswith("#")
        for w in line.split()
    )
    return Pipeline(load_synonyms(_read_list(base / "synonyms.txt")), stop)


def analyze(text: str, *, query: bool = False) -> list[str]:
    """The index terms of ``text``, in order."""
    return [t.text for t in default_pipeline().terms(text, query=query)]
