"""Sections by their headings, bold labels and table rows.

People label the parts of a case study in many ways ("The challenge", "Background", "What was
the question?", "Role of the library", "What the LKS did", "Outcome", "Impact for the
Library"...). :data:`PHRASINGS` is the table that maps a heading's words to a section, tried in
order (specific before general: "Impact for the Library" before "Impact"). A heading is
recognised in any of these shapes:

- a heading style (Word ``Heading 1``, ``<h2>``, Markdown ``##``) or a bold paragraph;
- a bold or ``Label:`` start of a paragraph (``**Outcome:** The ward...``);
- the first cell of a table row (two-column forms);
- a short line of its own in a PDF or text file that matches the table (no style survives).

Headings that match no phrasing start an ``other`` part, kept whole in the record's body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from indexer.sources.importer.text import Block

__all__ = ["PHRASINGS", "METADATA", "NARRATIVE", "BODY_KEYS", "Part", "Sections",
           "classify_heading", "split_sections", "normalise_heading"]

# Metadata labels: the whole (normalised) label must match; their value is one short item.
METADATA: tuple[tuple[str, str], ...] = (
    ("title", r"(case study |project |story |impact )?title|title of (the )?"
              r"(case study|project|story)|name of (the )?(project|case study)"),
    ("organisation", r"(your |name of (the |your )?|lead |submitting )?(organi[sz]ation|trust|"
                     r"employer|nhs trust|nhs organi[sz]ation|library service|lks)( name)?|"
                     r"(organi[sz]ation|trust) name"),
    ("region", r"(hee |nhs |nhs england |nhse |local office )?region|(hee )?local office"),
    ("sector", r"sector|(organi[sz]ation|trust) type|type of (organi[sz]ation|trust)"),
    ("group_impacted", r"(main )?(staff )?groups? (impacted|affected|benefit\w*)|staff group"
                       r"|who (benefited|was impacted)"),
    ("impact_types", r"(main )?(types?|areas?|categor(y|ies)) of impact|impact "
                     r"(types?|categor(y|ies)|areas?)( \w+)?"),
    ("submitted_date", r"date( submitted| completed| of submission)?|submission date|"
                       r"date of (the )?(request|search|enquiry)"),
    ("service_types", r"(library |lks )?(services?|service types?|resources?) (used|provided)|"
                      r"types? of (library |lks )?service( used| provided)?"),
)

# Narrative sections: the first rule whose pattern occurs in the heading wins.
PHRASINGS: tuple[tuple[str, str], ...] = (
    ("people", r"^(working with|project team|name|names|e-?mail|contact email|team members?|"
               r"(the )?librarians?( involved)?|"
               r"(library|lks) (staff|team|contact)s?( involved)?|contacts?( details| name)?|"
               r"submitted by|authors?|written by|completed by|case study (author|contact)|"
               r"name of (the )?(librarian|lks staff|person submitting)|your (name|details))\b"),
    ("savings", r"\b(cost|time|money|financial|efficiency)\b.*\b(sav|avoid)|\bsav(e|ed|es|ing|"
                r"ings)\b|\bcost avoidance\b|\bfinancial (impact|benefit)|\bvalue for money\b|"
                r"\breturn on investment\b|\bquantif"),
    ("patient_benefit", r"\bpatients?\b.*\b(benefit|impact|outcome|experience|care|safety)|"
                        r"\bbenefit(s|ed)?\b.*\bpatients?\b|\bpatient\b"),
    ("library_impact", r"\b(impact|outcome|benefit|value)s? (for|on|to) (the )?(library|lks)|"
                       r"\b(library|lks)('s)? (impact|benefit)"),
    ("drivers", r"\balign|\bdrivers?\b|\bstrategic\b|\bpriorit(y|ies)\b"),
    ("quote", r"\bquot(e|es|ation|ations)\b|\btestimonials?\b|\bfeedback\b|\bwhat (they|people|"
              r"users?|customers?|the \w+) said|\bin (their|his|her) (own )?words|\bendorse|"
              r"\bcomments?\b"),
    ("lks_contribution", r"\b(role|contribution|input|involvement|support|help|part)\b.*\b("
                         r"library|lks|librar\w*|knowledge (and library )?services?|information "
                         r"services?)|\b(library|lks|librarian|knowledge services?)\b.*\b(did|do|"
                         r"role|help|provid|contribut|input|action|involve|support|deliver)|"
                         r"\bintervention\b|\bwhat (we|i) (did|do)\b|\bactions?( taken)?\b|"
                         r"\bapproach\b|\bmethods?\b|\bresources? (required|used|needed)\b|"
                         r"\bsolution\b|\bhow (we|it|they) (helped|worked)|\bwhat was (done|"
                         r"provided)|\bactivity\b|\bevidence (provided|supplied|found)"),
    ("outcome", r"\boutcomes?\b|\bimpacts?\b|\bresults?\b|\bfindings?\b|\bdifference\b|\bwhat "
                r"(changed|happened)|\bchanges?\b|\bbenefits?\b|\bconclusions?\b|\bnext steps"
                r"\b|\bachiev|\beffect\b|\blearning\b|\blessons\b"),
    ("challenge", r"\bchallenges?\b|\bbackground\b|\bcontext\b|\brequest\b|\bquestions?\b|"
                  r"\bproblems?\b|\bsituation\b|\bissues?\b|\bneeds?\b|\baims?\b|\bobjectives?\b|"
                  r"\bintroduction\b|\bscenario\b|\bbrief\b|\bpurpose\b|\bwhy\b|\brationale\b|"
                  r"\benquiry\b|\bthe ask\b"),
    ("summary", r"^(summary|executive summary|abstract|overview|in brief|at a glance|synopsis|"
                r"key messages?|in summary)$"),
    ("story", r"^(the )?(story|narrative|description|details|case)$"),
)
NARRATIVE = ("challenge", "lks_contribution", "outcome", "patient_benefit")
# Parts kept in the record's body, with their heading.
BODY_KEYS = ("preamble", "story", "drivers", "library_impact", "people", "other")
_COMPILED = [(k, re.compile(p)) for k, p in PHRASINGS]
_META = [(k, re.compile(f"(?:{p})")) for k, p in METADATA]
_NUMBERING = re.compile(r"^(?:(?:section|part|step|q|question)\s*)?(?:\d{1,2}|[a-h]|[ivx]{1,4})"
                        r"(?:[.):]|\s*[-–—])\s*|^\d{1,2}\s+(?=[a-z])")
_LABEL = re.compile(r"^([^:.!?]{2,70}?)\s*[:：]\s*(.*)$", re.DOTALL)


def normalise_heading(text: str) -> str:
    text = text.casefold().replace("&", " and ").replace("/", " or ").replace("’", "'")
    text = text.replace("(s)", "s").replace("(", " ").replace(")", " ")
    text = re.sub(r"[\"“”‘*_#|]", " ", text)
    text = _NUMBERING.sub("", text.strip())
    text = re.sub(r"[\s:?.!,;–—-]+$", "", text)
    return " ".join(text.split())


def classify_heading(text: str) -> str | None:
    """The section a heading names (``challenge``...), a metadata field, or None."""
    words = normalise_heading(text)
    if (not words or len(words.split()) > 16 or re.search(r"[£$%€]|\d{2}", words)
            or re.search(r"\bpage \d", words)):
        return None  # a figure makes it a headline, not a section heading
    for key, pattern in _META:
        if pattern.fullmatch(words):
            return key
    for key, pattern in _COMPILED:
        if pattern.search(words):
            return key
    return None


@dataclass
class Part:
    key: str  # a section, a metadata field, "preamble" or "other"
    heading: str  # as written; "" for the preamble
    shape: str  # how it was labelled: heading, bold label, label, table row
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass
class Sections:
    parts: list[Part]

    def of(self, key: str) -> list[Part]:
        return [p for p in self.parts if p.key == key and p.texts]

    def text(self, key: str) -> str:
        return "\n".join(p.text for p in self.of(key))

    def first(self, key: str) -> Part | None:
        found = self.of(key)
        return found[0] if found else None


def _short(text: str, words: int = 12) -> bool:
    return 0 < len(text.split()) <= words and "\n" not in text.strip()


def _label_like(text: str) -> bool:
    """``Outcome:``, ``Role of the library:``, ``What difference did it make?:`` but not the
    start of a sentence that happens to contain a colon."""
    words = text.split()
    question = words[0].lower() in ("what", "how", "did", "was", "were", "why", "who", "which",
                                    "has", "have", "is", "are") if words else False
    return len(words) <= (12 if question else 5)


def _heading_of(block: Block) -> tuple[str, str, str] | None:
    """(heading, rest, shape) when the block starts with or is a heading."""
    text = block.text.strip()
    if block.kind == "heading" and block.level == 0:
        return None  # the document's title
    if block.kind == "heading":
        return text, "", "heading"
    if block.kind == "row" and len(block.cells) >= 2 and _short(block.cells[0], 16):
        return block.cells[0], "\n".join(block.cells[1:]), "table row"
    if block.label and text.startswith(block.label):
        rest = text[len(block.label):].lstrip(" :：-–—\n")
        return block.label, rest, "bold label"
    if block.bold and _short(text, 16):
        return text, "", "bold heading"
    first, _, rest = text.partition("\n")
    label = _LABEL.match(first)
    if label and _label_like(label.group(1)) and classify_heading(label.group(1)):
        return label.group(1), "\n".join(x for x in (label.group(2), rest) if x), "label"
    # A line on its own (PDF, text) names a section only when it reads like a heading: short,
    # not a sentence, not a quotation, and followed by a sentence if anything.
    words = 10 if not rest else 8
    if (_short(first, words) and not re.search(r"[.;,”\"’]$", first)
            and first[:1].isupper() and (not rest or rest[:1].isupper() or rest[:1] in "£•-")
            and classify_heading(first)):
        return first, rest, "line"
    return None


def split_sections(blocks: Iterable[Block]) -> Sections:
    parts = [Part("preamble", "", "")]
    narrative = parts[0]  # the last non-metadata part: text after a metadata value goes on
    waiting = False  # a metadata heading without its value yet: the next block is the value
    meta = dict(METADATA)

    def resume() -> None:
        parts.append(Part(narrative.key, "", narrative.shape))

    for block in blocks:
        found = _heading_of(block)
        key = classify_heading(found[0]) if found else None
        if found and (key or found[2] == "heading"):
            heading, rest, shape = found
            part = Part(key or "other", heading, shape)
            parts.append(part)
            waiting = False
            if key in meta:
                if rest:
                    part.texts.append(rest)
                    resume()
                else:
                    waiting = True
                continue
            narrative = part
            if rest:
                part.texts.append(rest)
            continue
        parts[-1].texts.append(block.text)
        if waiting:
            waiting = False
            resume()
    return Sections(parts)
