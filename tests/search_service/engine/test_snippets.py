"""Snippets and highlights, character for character: the text inside ``<mark>`` is escaped like
the rest, the window lands on the matches, and a summary is cut at 40 words."""

from __future__ import annotations

from indexer.analysis import analyze
from search_service.engine.snippets import highlight, snippet


def terms(query: str) -> set[str]:
    return set(analyze(query, query=True))


def test_text_inside_a_mark_is_escaped() -> None:
    assert highlight("Reduced A&E waits <b>", terms("A&E")) == (
        "Reduced <mark>A&amp;E</mark> waits &lt;b&gt;")


def test_every_occurrence_is_marked_and_nothing_else() -> None:
    assert highlight("Falls: a fall, falling; FALLS.", terms("falls")) == (
        "<mark>Falls</mark>: a <mark>fall</mark>, <mark>falling</mark>; <mark>FALLS</mark>.")
    assert highlight("No match here", terms("sepsis")) == "No match here"


def test_a_short_field_is_shown_whole_with_its_marks_escaped() -> None:
    record = {"summary": "Nothing relevant here.",
              "outcome": "The A&E team cut waits for patients with <sepsis>."}
    assert snippet(record, terms("A&E sepsis")) == (
        "The <mark>A&amp;E</mark> team cut waits for patients with "
        "&lt;<mark>sepsis</mark>&gt;.")


def test_a_long_field_is_cut_around_the_match() -> None:
    text = "ward " * 20 + "sepsis " + "ward " * 30
    # four words of context before the match, 32 terms in all, ellipses where text was cut
    assert snippet({"summary": text.strip()}, terms("sepsis")) == (
        "… " + "ward " * 4 + "<mark>sepsis</mark>" + " ward" * 27 + " …")


def test_a_match_at_the_start_has_no_leading_ellipsis() -> None:
    text = "sepsis " + "ward " * 40
    assert snippet({"summary": text.strip()}, terms("sepsis")) == (
        "<mark>sepsis</mark>" + " ward" * 31 + " …")


def test_a_match_at_the_end_has_no_trailing_ellipsis() -> None:
    text = "ward " * 40 + "sepsis"
    assert snippet({"summary": text}, terms("sepsis")) == (
        "… " + "ward " * 4 + "<mark>sepsis</mark>")


def test_the_field_with_most_distinct_matches_wins() -> None:
    record = {"summary": "Sepsis audit.", "challenge": "Sepsis and falls audit.",
              "outcome": "Falls, sepsis and delirium audit."}
    assert snippet(record, terms("falls sepsis delirium")) == (
        "<mark>Falls</mark>, <mark>sepsis</mark> and <mark>delirium</mark> audit.")
    # on a tie the earlier field wins
    assert snippet(record, terms("falls sepsis")) == (
        "<mark>Sepsis</mark> and <mark>falls</mark> audit.")


def test_without_a_match_the_summary_is_shown() -> None:
    record = {"summary": "A <short> & plain summary.", "outcome": "Nothing about it."}
    assert snippet(record, terms("sepsis")) == "A &lt;short&gt; &amp; plain summary."
    assert snippet(record, set()) == "A &lt;short&gt; &amp; plain summary."


def test_a_summary_is_cut_after_40_words() -> None:
    forty = " ".join(f"w{i}" for i in range(40))
    assert snippet({"summary": forty}, set()) == forty
    assert snippet({"summary": forty + " w40"}, set()) == forty + " …"
    assert snippet({}, set()) == ""


def test_of_two_equally_good_windows_the_first_is_shown() -> None:
    text = "sepsis " + "ward " * 60 + "sepsis"
    assert snippet({"summary": text}, terms("sepsis")) == (
        "<mark>sepsis</mark>" + " ward" * 31 + " …")


def test_a_window_ending_one_word_before_the_end_says_so() -> None:
    text = "ward " * 20 + "sepsis " + "ward " * 28  # 49 terms: the window stops at the 48th
    assert snippet({"summary": text.strip()}, terms("sepsis")) == (
        "… " + "ward " * 4 + "<mark>sepsis</mark>" + " ward" * 27 + " …")
