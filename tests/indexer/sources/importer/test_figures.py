"""Money and staff time: every phrasing, savings told from costs, conversions with their rule."""

from __future__ import annotations

import pytest

from indexer.sources.importer.figures import find_figures, sentences


def _money(text: str) -> list[tuple[float, str]]:
    return [(f.amount, f.role) for f in find_figures(text) if f.kind == "money"]


def _hours(text: str) -> list[tuple[float, str]]:
    return [(f.amount, f.role) for f in find_figures(text) if f.kind == "hours"]


@pytest.mark.parametrize(("text", "expected"), [
    ("The change saved £500,000.", [(500_000, "saving")]),
    ("It saved £1.2m.", [(1_200_000, "saving")]),
    ("It saved £62k a year.", [(62_000, "saving")]),
    ("It saved £62K.", [(62_000, "saving")]),
    ("Savings of over £500,000 were made.", [(500_000, "saving")]),
    ("The trust saved £2.5 million.", [(2_500_000, "saving")]),
    ("This saved GBP 3,000.", [(3_000, "saving")]),
    ("We saved 2 million pounds.", [(2_000_000, "saving")]),
    ("They saved 40,000 pounds sterling.", [(40_000, "saving")]),
    ("It saved £\u00a012,500 per year.", [(12_500, "saving")]),
    ("Savings of £10-15k per annum.", [(10_000, "saving")]),
    ("It saved between £10k and £15k.", [(10_000, "saving")]),
    ("This would have cost £3,000.", [(3_000, "saving")]),
    ("Mattress costs of £62,000 were avoided.", [(62_000, "saving")]),
    ("A £62,000 saving on mattress costs.", [(62_000, "saving")]),
    ("Cost avoidance of £8,000.", [(8_000, "saving")]),
    ("It reduced costs by £20,000.", [(20_000, "saving")]),
    # Costs and budgets are not savings.
    ("The new service costs £20,000 a year.", [(20_000, "cost")]),
    ("A budget of £1.2m was reduced by £200k.", [(1_200_000, "cost"), (200_000, "saving")]),
    ("The project cost £5,000 and saved £20,000.", [(5_000, "cost"), (20_000, "saving")]),
    ("The business case secured £500,000 of funding.", [(500_000, "cost")]),
    ("The trust spent £40,000 on mattresses but saved £100,000.",
     [(40_000, "cost"), (100_000, "saving")]),
    ("A tender worth £400,000.", [(400_000, "cost")]),
    ("The ward has £1.2m.", [(1_200_000, "unclassified")]),
    ("Dollars are not pounds: $500 saved.", []),
])
def test_money_phrasings(text: str, expected: list[tuple[float, str]]) -> None:
    assert _money(text) == expected


@pytest.mark.parametrize(("text", "qualifier", "period"), [
    ("It saved over £500,000.", "over", ""),
    ("It saved up to £5k per patient.", "up to", "per patient"),
    ("It saved about £5k annually.", "about", "per year"),
    ("Savings of £10-15k.", "range, lower end", ""),
])
def test_money_qualifiers_and_periods(text: str, qualifier: str, period: str) -> None:
    (figure,) = find_figures(text)
    assert (figure.qualifier, figure.period) == (qualifier, period)


@pytest.mark.parametrize(("text", "expected", "rule"), [
    ("The search saved the team 20 hours.", [(20, "saving")], ""),
    ("It saved 3 hrs per week.", [(3, "saving")], ""),
    ("It saved clinicians 10-15 hours.", [(10, "saving")], ""),
    ("It saved 90 minutes.", [(1.5, "saving")], "90 minutes ÷ 60"),
    ("It saved the team 3 days of work.", [(22.5, "saving")], "3 days × 7.5 h"),
    ("It freed up half a day a week for the matron.", [(3.75, "saving")], "0.5 day × 7.5 h"),
    ("Two weeks of nursing time were saved.", [(75, "saving")], "2 weeks × 37.5 h"),
    ("Freeing 40 hours of ward staff time a month.", [(40, "saving")], ""),
    ("And 2 days of nurse specialist time saved.", [(15, "saving")], "2 days × 7.5 h"),
    # A course of treatment is not staff time, whatever cue follows.
    ("The guideline changed to five days, which cut antibiotic use.", [], ""),
    # Time that was spent, or that is not staff time, is never a saving.
    ("The search took 3 hours.", [(3, "cost")], ""),
    ("The librarian spent 2 days on it.", [], ""),
    ("It reduced length of stay by 2 days.", [], ""),
    ("The service is open 24 hours a day.", [], ""),
    ("Results came back within 48 hours.", [], ""),
])
def test_hours_conversions(text: str, expected: list[tuple[float, str]], rule: str) -> None:
    assert _hours(text) == expected
    if rule:
        assert rule in next(f for f in find_figures(text) if f.kind == "hours").rule


def test_each_figure_keeps_its_sentence() -> None:
    text = "Dr. Smith asked for evidence. The change saved £62,000 a year. It cost £5k."
    assert [f.sentence for f in find_figures(text)] == [
        "The change saved £62,000 a year.", "It cost £5k."]


def test_sentences_do_not_break_after_titles_or_initials() -> None:
    assert sentences("Dr. A. Smith said so. Then it changed.") == [
        "Dr. A. Smith said so.", "Then it changed."]
