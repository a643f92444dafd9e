"""The main quotation and who said it; the people a document names (to withhold their names).

Attributions come in many shapes, all handled by :func:`parse_attribution`::

    “…” – Dr Jane Smith, Consultant Geriatrician, Northmoor NHS Trust
    “…” said Jane Smith (Matron).
    Jane Smith, Ward Manager, said: “…”
    “…”  followed by lines  Jane Smith / Consultant / Northmoor NHS Trust
    “…” – Dr A Smith, Consultant, and B Jones, Ward Manager, Northmoor NHS Trust
    “…” – Jane Smith and John Brown, Physiotherapists

A "Working with:" block (the librarian and their service) names the library staff, never the
quoted person. A name is only ever taken from the text; a role or organisation without a name
gives a quote without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.sources.importer.sections import Sections, classify_heading
from indexer.sources.importer.text import Block

__all__ = ["Attribution", "Quote", "parse_attribution", "find_quote", "is_name", "people_in"]

_TITLES = r"(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sir|Dame|Rev|Revd|Cllr|Lady|Lord)\.?"
_TITLE = re.compile(rf"^{_TITLES}\s+", re.IGNORECASE)
_ROLE_WORDS = set("""consultant nurse nurses manager managers lead leads director directors
librarian librarians officer head matron physician surgeon therapist pharmacist registrar
practitioner practitioners specialist midwife midwives sister chief doctor doctors gp gps
physio physiotherapist physiotherapists dietitian dietician psychologist psychiatrist paramedic
paramedics chair chairman chairwoman executive coordinator co-ordinator administrator assistant
adviser advisor educator tutor lecturer student students trainee fellow analyst scientist
technician technologist commissioner governor secretary associate deputy president anaesthetist
radiographer sonographer visitor worker workers clinician clinicians member members champion
partner principal superintendent facilitator counsellor receptionist carer volunteer
representative engineer developer mentor apprentice resident intern team staff ward
lecturer senior junior clinical specialty speciality f1 f2 fy1 fy2 st1 st2 st3 st4 st5 st6 ct1
ct2 spr sho anp acp cns hca rn rgn pa optometrist podiatrist orthoptist audiologist pharmacy
officer ceo cfo coo cno cmo medical nursing operations operational governance quality safety
matrons sisters managers directors""".split())
_ROLE_SUFFIX = re.compile(r"(ologist|iatrist|ician|apist|ologists|icians)$")
_ORG_WORDS = set("""nhs trust trusts hospital hospitals foundation university council ccg icb
board partnership practice surgery centre center hospice ltd limited college school academy
authority agency institute network alliance federation healthcare pcn library libraries lks
infirmary clinic commissioning ics gp-practice""".split())
_NOT_NAME = set("""the a an our their this that these those we i it he she they thanks thank
many all both each every my your his her its which who what when where why how yes no not and
or but if then so as at by for from in into of on to with without library evidence search
searches patients patient staff our""".split())
_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "bin", "al", "el",
              "ben", "st", "mac", "mc", "o'", "ap", "y"}
_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-zà-ÿ'’\-]*(?:[-'’][A-Z][a-zà-ÿ'’\-]*)*|[A-Z]\.?|"
                         r"[A-Z]\.[A-Z]\.?|Mc[A-Z][a-z]+|Mac[A-Z][a-z]+|O['’][A-Z][a-z]+)$")
_SPEECH = (r"said|says|commented|comments|explained|explains|added|adds|told us|tells us|"
           r"noted|notes|reported|reports|stated|states|remarked|wrote|writes|reflected|"
           r"observed|confirmed|summarised|summarized|concluded|shared|recalled|highlighted")
_OPEN_CLOSE = re.compile(r"“([^”]{8,2000})”|\"([^\"]{8,2000})\"|‘([^’]{8,2000}?)’(?![a-z])|"
                         r"«([^»]{8,2000})»|„([^“”]{8,2000})[“”]")
_AFTER = re.compile(rf"^\s*(?:[-–—―‒]+\s*|,?\s*(?:{_SPEECH})\s+|\(\s*)(.+)$", re.IGNORECASE)
_BEFORE = re.compile(rf"(?:^|[.!?]\s+)(?:according to\s+)?([^.!?“\"]{{3,200}}?)[,\s]+(?:{_SPEECH})"
                     r"\s*[:,]?\s*$|^according to\s+(.{3,200}?),?\s*$", re.IGNORECASE)
# 'Text,' said Name, Role.  — straight quotes, recognised only in a quote section.
_STRAIGHT = re.compile(rf"^['\"‘“](.{{8,2000}}?)[,.]?['\"’”]\s*,?\s*((?:{_SPEECH}|[-–—])\s*.+)$",
                       re.IGNORECASE)
_DASH_LINE = re.compile(r"^\s*[-–—―‒]+\s*(.+)$")


@dataclass
class Attribution:
    names: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    organisation: str = ""

    @property
    def empty(self) -> bool:
        return not (self.names or self.roles or self.organisation)


@dataclass
class Quote:
    text: str
    attribution: Attribution
    shape: str  # where it was found: quote section, quotation marks...


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’\-]+", text.lower())


def _role_word(word: str) -> bool:
    return word in _ROLE_WORDS or bool(_ROLE_SUFFIX.search(word))


def _is_org(segment: str) -> bool:
    # A job title ends with its role noun ("Practice Pharmacist"), or starts with one ("Head
    # of Nursing"); an organisation has an organisation word and neither.
    words = _words(segment)
    return any(w in _ORG_WORDS for w in words) and not (
        words and (_role_word(words[0]) or _role_word(words[-1])))


def _is_role(segment: str) -> bool:
    words = _words(segment)
    return any(w in _ROLE_WORDS or _ROLE_SUFFIX.search(w) for w in words)


def is_name(segment: str) -> bool:
    """A person's name: capitalised words (initials allowed), at most a title before them."""
    segment = segment.strip().strip(".,;:")
    titled = bool(_TITLE.match(segment))
    rest = _TITLE.sub("", segment).split()
    if not rest or len(rest) > 5 or _is_org(segment) or (_is_role(segment) and not titled):
        return False
    initial = len(rest[0].strip(".")) == 1 and len(rest) > 1
    if not initial and rest[0].lower() in _NOT_NAME or segment.isupper() and len(segment) > 3:
        return False
    tokens = [t for t in rest if t.lower() not in _PARTICLES]
    if not tokens or not all(_NAME_TOKEN.match(t) for t in tokens):
        return False
    full_words = [t for t in tokens if len(t.strip(".")) > 1]
    return bool(full_words) and (titled or len(tokens) >= 2)


def _segments(text: str) -> list[str]:
    text = re.sub(r"\s+(?:at|from)\s+(?=(?:the\s+)?[A-Z])", ", ", text)
    parts = re.split(r"\s*[,;()\[\]]\s*|\s+[-–—|]\s+|\n+", text)
    return [p.strip(" .:") for p in parts if p.strip(" .:")]


def parse_attribution(text: str) -> Attribution:
    """Names, roles and organisation in an attribution line (of one or two people)."""
    text = re.sub(rf"^\s*(?:[-–—―‒]+|(?:{_SPEECH})\b|according to)\s*", "", text.strip(),
                  flags=re.IGNORECASE).rstrip(" .")
    out = Attribution()
    for segment in _segments(text):
        segment = re.sub(r"^(?:and|&)\s+", "", segment)
        pair = re.split(r"\s+(?:and|&)\s+", segment)
        if len(pair) == 2 and all(is_name(p) for p in pair):
            out.names += pair
        elif is_name(segment):
            out.names.append(segment)
        elif _is_org(segment):
            out.organisation = segment
        elif _is_role(segment):
            out.roles.append(segment)
    return out


def _attribution_near(blocks: list[Block], index: int, before: str, after: str) -> Attribution:
    match = _AFTER.match(" ".join(after.split()))  # wrapped lines of a PDF are one line
    if match:
        found = parse_attribution(match.group(1).rstrip(")"))
        if not found.empty:
            return found
    match = _BEFORE.search(" ".join(before.split()))
    if match:
        found = parse_attribution(match.group(1) or match.group(2))
        if not found.empty:
            return found
    lines: list[str] = []
    for block in blocks[index + 1:index + 4]:
        text = block.text.strip()
        if _OPEN_CLOSE.search(text) or len(text.split()) > 20 or block.kind == "heading":
            break
        first = text.split("\n")[0]
        if ":" in first and classify_heading(first.split(":")[0]):
            break  # "Working with: ..." and other labels are not the speaker
        dash = _DASH_LINE.match(text)
        candidate = parse_attribution(dash.group(1) if dash else text)
        if candidate.empty:
            break
        lines.append(dash.group(1) if dash else text)
        if dash:
            break
    return parse_attribution("\n".join(lines)) if lines else Attribution()


def _from_section(sections: Sections) -> Quote | None:
    part = sections.first("quote")
    if part is None:
        return None
    blocks = [Block(t) for t in part.texts]
    quote = _marked(blocks, "quote section")
    if quote is not None:
        return quote
    joined = " ".join(" ".join(part.texts).split())
    straight = _STRAIGHT.match(joined)
    if straight:
        return Quote(straight.group(1).strip(), parse_attribution(straight.group(2)),
                     "quote section")
    lines = [line for t in part.texts for line in t.split("\n") if line.strip()]
    attribution_lines: list[str] = []
    while len(lines) > 1:
        last = lines[-1]
        dash = _DASH_LINE.match(last)
        parsed = parse_attribution(dash.group(1) if dash else last)
        if parsed.empty or len(last.split()) > 20:
            break
        attribution_lines.insert(0, dash.group(1) if dash else last)
        lines.pop()
        if dash:
            break
    text = " ".join(lines).strip().strip("\"“”'‘’ ")
    if not text:
        return None
    return Quote(text, parse_attribution("\n".join(attribution_lines)), "quote section")


def _marked(blocks: list[Block], shape: str) -> Quote | None:
    found: list[Quote] = []
    for index, block in enumerate(blocks):
        for match in _OPEN_CLOSE.finditer(block.text):
            text = next(g for g in match.groups() if g).strip().rstrip(",")
            if len(text.split()) < (3 if shape == "quote section" else 6):
                continue
            attribution = _attribution_near(blocks, index, block.text[:match.start()],
                                            block.text[match.end():])
            whole = len(block.text) - len(match.group(0)) < 5  # the paragraph is the quote
            if (attribution.empty and len(text.split()) < 15 and not whole
                    and shape != "quote section"):
                continue  # a phrase in quotation marks, not a quotation
            found.append(Quote(" ".join(text.split()), attribution, shape))
    if not found:
        return None
    return max(found, key=lambda q: (not q.attribution.empty, len(q.text)))


def find_quote(blocks: list[Block], sections: Sections) -> Quote | None:
    """The main quotation: from a quote section, else the longest attributed one."""
    return _from_section(sections) or _marked(blocks, "quotation marks")


def people_in(sections: Sections, quote: Quote | None) -> list[str]:
    """Every person's name the document gives: the quoted, the librarians, the team."""
    names = list(quote.attribution.names) if quote else []
    for part in sections.of("people"):
        for line in part.text.split("\n"):
            names += parse_attribution(line).names
    return list(dict.fromkeys(n for n in names if n))
