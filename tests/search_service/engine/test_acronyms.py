"""Acronyms never swallow ordinary words: every entry of corpus/synonyms.txt that is also an
English word matches both the word and the expansion.

The list of such entries is derived from Debian's ``wamerican`` word list (lower-case lines are
ordinary words; proper nouns and acronyms there are capitalised), which ``.ci/run`` installs,
so a new synonym that is also a word fails here until the table below says how it is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from indexer.analysis import analyze
from indexer.build import build_index
from indexer.paths import corpus_dir
from search_service.engine.live import Generation, LiveIndex
from search_service.engine.params import SearchParams
from search_service.engine.search import search
from tests.builders import make_record, write_corpus

DICTIONARY = Path("/usr/share/dict/american-english")  # Debian package wamerican

# entry: (a sentence that uses the ordinary word, a sentence that uses the acronym)
AMBIGUOUS: dict[str, tuple[str, str]] = {
    "ed": ("Ed from the library team ran the literature search.",
           "The ED saw fewer attendances after triage changed."),
    "mi": ("The clinic is three mi from the main hospital site.",
           "Patients recovering from an MI joined cardiac rehabilitation."),
    "nice": ("Staff said the new leaflet was nice and clear.",
             "The team compared its pathway with NICE guidance."),
    "peg": ("Each coat peg on the ward had a name label.",
            "Nurses reviewed PEG feeding for stroke patients."),
    "salt": ("Reducing salt in hospital meals lowered blood pressure.",
             "SALT assessed swallowing before discharge."),
    "send": ("The ward can send requests to the library by email.",
             "Children with SEND waited less for assessment."),
}


def _single_word_entries() -> Iterator[str]:
    for line in (corpus_dir() / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            for entry in line.split(","):
                if re.fullmatch(r"=?[A-Za-z]+", entry.strip()):
                    yield entry.strip()


def _english_words() -> set[str]:
    if not DICTIONARY.is_file():
        pytest.fail(f"{DICTIONARY} is missing: `apt-get install wamerican` (.ci/run does)")
    lines = DICTIONARY.read_text(encoding="utf-8").split()
    return {w for w in lines if w.islower()}


def test_the_table_lists_every_synonym_that_is_an_english_word() -> None:
    words = _english_words()
    found = {e.lstrip("=").lower() for e in _single_word_entries()
             if e.lstrip("=").lower() in words}
    assert found == set(AMBIGUOUS)


@pytest.mark.parametrize("entry", sorted(e for e in _single_word_entries()
                                         if e.lstrip("=").lower() in AMBIGUOUS))
def test_a_word_acronym_matches_only_in_capitals_in_documents(entry: str) -> None:
    # "=SALT": the capitalised acronym becomes the expansion's token; "salt" stays a word.
    assert entry.startswith("="), f"write {entry!r} as '={entry.upper()}' in synonyms.txt"
    word, acronym = AMBIGUOUS[entry.lstrip("=").lower()]
    assert entry.lstrip("=").lower() in analyze(word.lower())
    assert any("_" in t for t in analyze(acronym))


@pytest.fixture(scope="module")
def ambiguous(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generation]:
    base = tmp_path_factory.mktemp("ambiguous")
    records = []
    for entry, (word, acronym) in AMBIGUOUS.items():
        for kind, text in (("word", word), ("acronym", acronym)):
            records.append(make_record(id=f"{entry}-{kind}", title=text, summary=text,
                                       challenge="A question for the library.",
                                       outcome="Practice changed.", topics=["evidence"]))
    build_index(write_corpus(base / "cases", records), base / "index")
    live = LiveIndex(base / "index")
    yield live.current()
    live.close()


@pytest.mark.parametrize("entry", sorted(AMBIGUOUS))
@pytest.mark.parametrize("typed", [str.lower, str.upper])
def test_an_ambiguous_query_finds_the_word_and_the_acronym(ambiguous: Generation, entry: str,
                                                           typed: Callable[[str], str]) -> None:
    page = search(ambiguous, SearchParams(q=typed(entry), per_page=50))
    matching = {h.id for h in page.hits if not h.fields["related"]}
    assert matching == {f"{entry}-word", f"{entry}-acronym"}
