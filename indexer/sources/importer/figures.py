"""Money and staff time in the text, each told apart as a saving, a cost or neither.

``£62,000``, ``£1.2m``, ``£62k``, ``over £500,000``, ``GBP 3,000``, ``2 million pounds``,
``£10-15k`` (a range: the lower end counts) are money; ``20 hours``, ``3 hrs``, ``half a day``,
``2 weeks`` are time. A figure is a **saving** when the nearest cue word around it says so
(saved, avoided, reduced, freed up, "would have cost"...), a **cost** when the nearest cue is a
cost, budget, price, funding or time spent ("cost £5,000", "a budget of £1.2m", "the search
took 3 hours"), and **unclassified** otherwise: only savings fill the record. Days and weeks
of staff time are converted to hours only when saved, by the NHS full-time working week
(37.5 hours, 7.5 a day), and the conversion is recorded with the figure. Days of a patient's
stay or wait are never staff time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Figure", "find_figures", "sentences", "HOURS_PER_DAY", "HOURS_PER_WEEK"]

HOURS_PER_DAY = 7.5
HOURS_PER_WEEK = 37.5
Role = Literal["saving", "cost", "unclassified"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?![\d,])|\d+(?:\.\d+)?"
_MULT = r"(?:k|K|m|M|mn|bn|million|billion|thousand|mil)\b"
_TO = r"\s?(?:-|–|—|to)\s?"
_MONEY = re.compile(
    rf"(?:£|\bGBP\s?|\bgbp\s?)\s?(?P<n1>{_NUM})(?:\s?(?P<m1>{_MULT}))?"
    rf"(?:{_TO}(?:£|GBP\s?)?(?P<n2>{_NUM})(?:\s?(?P<m2>{_MULT}))?)?(?P<plus>\+)?"
    rf"|\b(?P<n3>{_NUM})(?:\s?(?P<m3>{_MULT}))?(?:{_TO}(?P<n4>{_NUM})(?:\s?(?P<m4>{_MULT}))?)?"
    r"\s?(?:GBP\b|pounds?\b(?: sterling)?|sterling\b)"
)
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
          "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
          "half a": 0.5, "half an": 0.5, "a half": 0.5, "several": 0, "a few": 0}
_WORD_NUM = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_HNUM = rf"(?:\d+(?:\.\d+)?|\d{{1,3}}(?:,\d{{3}})+|{_WORD_NUM})"
_TIME = re.compile(
    rf"\b(?P<n1>{_HNUM})(?:\s?(?:and a half|½))?(?:{_TO}(?P<n2>{_HNUM}))?\s?"
    r"(?P<adj>(?:working|staff|person|man|clinician|clinical|nursing|librarian|work)[- ]?)?"
    r"(?P<unit>hours?|hrs?\b|h\b|minutes?|mins?\b|days?|weeks?)"
    r"(?:\s?(?P<m>\d{1,2})\s?(?:minutes?|mins?)\b)?",
    re.IGNORECASE,
)
_QUALIFIERS = re.compile(
    r"(over|more than|in excess of|at least|upwards of|up to|as much as|around|about|approx"
    r"imately|approx\.?|roughly|nearly|almost|c\.|circa|~|an estimated|estimated|potential"
    r"(?:ly)?|projected|possible|likely|>|<)\s*$", re.IGNORECASE)
_PERIOD = re.compile(
    r"^\s?(?:(?:per|a|an|each|every)\s(?P<u>year|annum|month|week|day|patient|case|person|"
    r"admission|search|request|procedure|course|referral|bed|ward|session)|(?P<a>p\.?\s?a\.?"
    r"(?=\W|$)|annually|yearly|monthly|weekly|daily|pa\b))", re.IGNORECASE)

_SAVING_CUES = (r"cost savings?|cost avoidance|costs? avoided|avoided costs?|cost reductions?|"
                r"reduc\w* (?:the |our |in |)costs?|reductions? in (?:the )?costs?|would "
                r"(?:otherwise )?have (?:cost|taken|spent|needed|required)|otherwise (?:cost|"
                r"spent|taken)|no longer (?:spen\w*|need\w*|paid|pay\w*)|sav(?:e|es|ed|ing|ings)|"
                r"avoid\w*|reduc\w*|cut|cuts|cutting|freed|freeing|free(?:s|ing)? up|releas\w*|"
                r"efficienc\w*|cheaper|prevent\w*|recoup\w*|recovered|less (?:staff )?time|"
                r"fewer|lower")
_COST_CUES = (r"costs?|costing|costed|budget\w*|pric\w*|spen(?:d|ds|t|ding)|paid|pay|pays|"
              r"paying|invest\w*|fund\w*|grants?|bids?|business case|tenders?|contracts?|worth|"
              r"valued?|fees?|charg\w*|purchas\w*|buy|buying|bought|expenditure|allocat\w*|"
              r"secured|raised|income|revenue|salar\w*|took|takes?|taken|taking|required|"
              r"requires|spending|used|lasted")
_CUES = re.compile(rf"\b(?:(?P<save>{_SAVING_CUES})|(?P<cost>{_COST_CUES}))\b", re.IGNORECASE)
_PASSIVE_SAVING = re.compile(r"^\W*(?:\w+\W+){0,4}?(?:was|were|has been|have been|is|are|will be|"
                             r"could be|can be)\s+(?:saved|avoided|released|freed|cut)\b",
                             re.IGNORECASE)
_BOUNDARY = re.compile(r";|\bbut\b|\bwhereas\b|\bwhile\b|\balthough\b|\bhowever\b|\bthough\b",
                       re.IGNORECASE)
_NOT_STAFF_TIME = re.compile(r"length of stay|\bstays?\b|bed[- ]days?|\bwait\w*|\bdelay\w*|"
                             r"\blos\b|\bdischarge\w*|\badmission\w*|opening hours|\b24/7\b|"
                             r"turnaround|within", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9£])|\n+")
_ABBREVIATION = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|Prof|St|No|approx|c|e\.g|i\.e|etc|vs|Fig|Vol|"
                           r"Rev|Sr|Jr|Ltd|Co|inc)\.$|\b[A-Z]\.$", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    """One money or time figure and the sentence it came from."""

    kind: Literal["money", "hours"]
    amount: float  # pounds, or hours after conversion
    stated: str  # as written
    sentence: str
    role: Role
    cue: str = ""  # the word that decided the role
    qualifier: str = ""  # "over", "up to", "range: lower end"...
    period: str = ""  # "per year", "per patient"...
    rule: str = ""  # how the amount was computed, when it was

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "amount": self.amount, "stated": self.stated,
                "role": self.role, "cue": self.cue, "qualifier": self.qualifier,
                "period": self.period, "rule": self.rule, "sentence": self.sentence}

    def describe(self) -> str:
        unit = f"£{self.amount:,.2f}".replace(".00", "") if self.kind == "money" else (
            f"{self.amount:g} hours")
        extras = ", ".join(x for x in (self.qualifier, self.period, self.rule) if x)
        return f"{unit} ({self.role}{': ' + extras if extras else ''})"


def sentences(text: str) -> list[str]:
    """Sentences of ``text``; a full stop after Dr, e.g. or an initial ends none."""
    out: list[str] = []
    pending = ""
    for piece in _SENTENCE_END.split(text):
        pending = f"{pending} {piece}".strip() if pending else piece.strip()
        if pending and not _ABBREVIATION.search(pending):
            out.append(pending)
            pending = ""
    if pending:
        out.append(pending)
    return out


def _number(text: str) -> float:
    text = text.strip().lower()
    if text in _WORDS:
        return float(_WORDS[text])
    return float(text.replace(",", "").replace(" ", ""))


def _scale(multiplier: str | None) -> float:
    m = (multiplier or "").lower()
    if m in ("k", "thousand"):
        return 1_000.0
    if m in ("m", "mn", "million", "mil"):
        return 1_000_000.0
    if m in ("bn", "billion"):
        return 1_000_000_000.0
    return 1.0


def _role(sentence: str, start: int, end: int) -> tuple[Role, str]:
    """Saving, cost or neither, by the nearest cue word in the same clause."""
    passive = _PASSIVE_SAVING.match(sentence[end:end + 40])
    if passive:
        return "saving", passive.group(0).split()[-1]
    best: tuple[float, Role, str] | None = None
    for cue in _CUES.finditer(sentence):
        if cue.start() < end and cue.end() > start:
            continue  # a cue inside the figure ("£5,000 cost" has none; "k" is no cue)
        if cue.end() <= start:
            between = sentence[cue.end():start]
            distance = len(between.split()) * 1.0
        else:
            between = sentence[end:cue.start()]
            distance = len(between.split()) * 1.5 + 0.5
        if _BOUNDARY.search(between) or distance > 12:
            continue
        role: Role = "saving" if cue.group("save") else "cost"
        if best is None or distance < best[0]:
            best = (distance, role, cue.group(0))
    return (best[1], best[2]) if best else ("unclassified", "")


_SAVING_ONLY = re.compile(rf"\b(?:{_SAVING_CUES})\b", re.IGNORECASE)
_SAVED_AFTER = re.compile(r"^\W*(?:\w+\W+){0,5}?(?:saved|freed|released|avoided)\b",
                          re.IGNORECASE)  # "2 days of nurse time saved"
_DURATION = re.compile(r"\b(?:to|within|after|over|every|per|for|lasting|course of)\s+$",
                       re.IGNORECASE)


def _said_saved(sentence: str, start: int, end: int) -> bool:
    """"saved the team 3 days", "3 days were saved": not "changed the course to 5 days"."""
    if _DURATION.search(sentence[:start]):
        return False
    if _PASSIVE_SAVING.match(sentence[end:end + 40]) or _SAVED_AFTER.match(sentence[end:end + 60]):
        return True
    before = sentence[max(0, start - 60):start]
    cues = list(_SAVING_ONLY.finditer(before))
    return bool(cues) and len(before[cues[-1].end():].split()) <= 4 and not _BOUNDARY.search(
        before[cues[-1].end():])


def _context(sentence: str, start: int, end: int) -> tuple[str, str]:
    qualifier = _QUALIFIERS.search(sentence[max(0, start - 30):start])
    period = _PERIOD.match(sentence[end:end + 30])
    q = qualifier.group(1).lower().rstrip(".") if qualifier else ""
    if period:
        p = period.group("u") or period.group("a")
        p = {"annum": "year", "annually": "year", "yearly": "year", "monthly": "month",
             "weekly": "week", "daily": "day"}.get(p.lower(), p.lower())
        p = "year" if p.replace(".", "").replace(" ", "") == "pa" else p
        return q, f"per {p}"
    return q, ""


def _money(sentence: str) -> list[Figure]:
    found: list[Figure] = []
    previous_end = -1
    for m in _MONEY.finditer(sentence):
        if found and sentence[previous_end:m.start()].strip() == "and" and re.search(
                r"between\W+\S*\W*$", sentence[max(0, previous_end - 40):previous_end - len(
                    found[-1].stated)]):
            first = found[-1]
            found[-1] = Figure(first.kind, first.amount,
                               f"{first.stated} and {m.group(0).strip()}", sentence, first.role,
                               first.cue, "range, lower end", first.period)
            previous_end = m.end()
            continue
        previous_end = m.end()
        n1, m1, n2, m2 = (m.group("n1"), m.group("m1"), m.group("n2"), m.group("m2"))
        if n1 is None:
            n1, m1, n2, m2 = m.group("n3"), m.group("m3"), m.group("n4"), m.group("m4")
        low = _number(n1) * _scale(m1 or (m2 if n2 else None))
        qualifier, period = _context(sentence, m.start(), m.end())
        if n2:
            qualifier = "range, lower end" + (f"; {qualifier}" if qualifier else "")
        if m.group("plus"):
            qualifier = qualifier or "or more"
        role, cue = _role(sentence, m.start(), m.end())
        found.append(Figure("money", round(low, 2), m.group(0).strip(), sentence, role, cue,
                            qualifier, period))
    return found


def _time(sentence: str) -> list[Figure]:
    found = []
    previous_end = -10
    for m in _TIME.finditer(sentence):
        unit = m.group("unit").lower()
        after_figure = m.start() - previous_end <= 1
        previous_end = m.end()
        if after_figure and m.group("n1").lower() in ("a", "an", "one"):
            continue  # "half a day a week": "a week" is the period, not a figure
        if unit == "h" and not m.group("n1")[0].isdigit():
            continue
        amount = _number(m.group("n1"))
        if "and a half" in m.group(0) or "½" in m.group(0):
            amount += 0.5
        if amount == 0:
            continue
        role, cue = _role(sentence, m.start(), m.end())
        if role == "unclassified":
            continue  # "24 hours a day", "within 48 hours": time, but not a claim of any kind
        window = sentence[max(0, m.start() - 60):m.end() + 40]
        if _NOT_STAFF_TIME.search(window) or unit.startswith("min") and m.group("n1").isalpha():
            continue
        qualifier, period = _context(sentence, m.start(), m.end())
        if m.group("n2"):
            qualifier = "range, lower end" + (f"; {qualifier}" if qualifier else "")
        rule = ""
        if unit.startswith(("day", "week")):
            if role != "saving" or not _said_saved(sentence, m.start(), m.end()):
                continue  # only days and weeks the text says were saved are converted
            per = HOURS_PER_DAY if unit.startswith("day") else HOURS_PER_WEEK
            rule = (f"{amount:g} {unit} × {per:g} h (NHS full-time week 37.5 h"
                    f"{', 7.5 h a day' if per == HOURS_PER_DAY else ''})")
            amount *= per
        elif unit.startswith("min"):
            rule = f"{amount:g} minutes ÷ 60"
            amount /= 60
        if m.group("m"):
            amount += int(m.group("m")) / 60
            rule = f"{m.group(0).strip()} as hours"
        found.append(Figure("hours", round(amount, 2), m.group(0).strip(), sentence, role, cue,
                            qualifier, period, rule))
    return found


def find_figures(text: str) -> list[Figure]:
    """Every money figure, and every saved or spent time figure, in reading order."""
    figures: list[Figure] = []
    for sentence in sentences(text):
        if any(ch.isdigit() for ch in sentence) or re.search(r"\b(?:a|an|half|one|two|three|"
                                                             r"four|five|six|seven|eight|nine|"
                                                             r"ten)\b", sentence, re.I):
            figures += _money(sentence) + _time(sentence)
    return figures
