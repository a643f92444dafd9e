"""Fields the template never had, inferred by rules over the text; each says which rule.

Every function returns ``(value, rule)`` or ``None``: the rule is stored in the record's
provenance, so a reader can see why a record says "Business case" and overrule it. The rules
are plain phrase lists (below, as data), counted over the whole text; a rule that needs two
mentions says so. Nothing here invents a figure or a name: figures come from
:mod:`~indexer.sources.importer.figures`, names only from the text.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from indexer.paths import corpus_dir
from indexer.sources.importer.figures import Figure, sentences
from indexer.sources.importer.labels import normalise_label, organisation_labels

__all__ = ["Inferred", "summary", "topics", "service_types", "purpose", "impact_types",
           "organisation", "sector", "SUMMARY_WORDS"]

Inferred = tuple[str | list[str], str]
SUMMARY_WORDS = 60
MAX_TOPICS = 8

SERVICE_RULES: dict[str, str] = {
    "expert_literature_search": r"literature search\w*|evidence search\w*|database search\w*|"
                                r"search(?:ed|es)? (?:of )?(?:the )?(?:literature|databases|"
                                r"medline|cinahl|embase|pubmed|psycinfo|cochrane)|search "
                                r"strateg\w*|expert search\w*|searched for (?:the )?evidence",
    "search_with_critical_appraisal": r"critical(?:ly)? apprais\w*",
    "evidence_summary": r"evidence (?:summar\w*|review|synthes\w*|briefing|table)s?|"
                        r"summar\w* (?:of )?(?:the )?(?:evidence|literature|findings)|"
                        r"rapid review|literature review|synthesi[sz]\w*",
    "clinical_librarian": r"clinical librarian\w*|ward rounds?|journal clubs?|embedded "
                          r"librarian\w*|outreach librarian\w*",
    "training": r"training sessions?|information skills|search(?:ing)? skills|teaching "
                r"sessions?|workshops?|taught (?:the |them |staff )?(?:how )?to search|"
                r"trained (?:staff|them|the team)|induction sessions?",
    "current_awareness": r"current awareness|bulletins?|evidence updates?|horizon scanning|"
                         r"(?:journal )?alerts|newsletters?",
    "document_supply": r"document supply|inter-?library loans?|(?:articles|papers|copies) "
                       r"(?:were |was )?(?:supplied|sourced|obtained)|(?:supplied|sourced|"
                       r"obtained) (?:the )?(?:full[- ]text )?(?:articles|papers|copies)",
    "knowledge_management": r"knowledge management|lessons learn[te]d?|after action reviews?|"
                            r"knowledge capture|knowledge exchange|communit(?:y|ies) of "
                            r"practice|peer assists?|knowledge mobili[sz]ation",
    "health_information": r"patient information|health literacy|patient leaflets?|information "
                          r"for (?:patients|the public|carers)|patient-facing",
    "enquiry_service": r"enquir(?:y|ies) service|quick reference|ready reference",
}
# In order of priority when two purposes are mentioned as often.
PURPOSE_RULES: dict[str, str] = {
    "business_case": r"business cases?|funding bids?|case for (?:investment|funding)",
    "patient_care": r"(?:a|one|specific|individual|particular) patient(?:'s|’s)?\b|patient "
                    r"with (?:a |an )?(?:rare|complex|unusual)|for this patient|complex case|"
                    r"rare (?:condition|disease|case)",
    "guideline_or_policy": r"guidelines?|polic(?:y|ies)|protocols?|standard operating "
                           r"procedures?|\bsops?\b|care pathways?|pathways?",
    "audit": r"\baudit\w*",
    "research": r"research (?:projects?|proposals?|study|studies|bids?|questions?|"
                r"applications?)|grant applications?|ethics applications?|systematic review",
    "coursework": r"coursework|dissertations?|assignments?|essays?|thesis|\bmsc\b|master'?s "
                  r"degree|apprenticeship",
    "teaching": r"teaching (?:materials?|programmes?|session)|lectures?|to teach|curriculum",
    "service_redesign": r"service (?:redesign|development|improvement|change|review)|"
                        r"redesign\w*|new service|quality improvement|\bqi\b|transform\w*|"
                        r"pilot\w*|set up a|model of care",
}
IMPACT_RULES: dict[str, str] = {
    "reduced_risk_or_improved_safety": r"patient safety|safety|\brisks?\b|harm|incidents?|"
                                       r"never events?|errors?",
    "improved_the_quality_of_patient_care": r"quality of (?:patient )?care|patient care|"
                                            r"patient outcomes?|patient experience|care "
                                            r"(?:was|is) improved|improv\w* (?:the )?care",
    "more_informed_decision_making": r"decisions?|decided|decision-making",
    "contributed_to_service_development_or_delivery": r"service (?:development|redesign|"
                                                      r"delivery|improvement)|new service|"
                                                      r"pathways?|guidelines?|polic(?:y|ies)",
    "facilitated_collaborative_working": r"collaborat\w*|multidisciplinary|partnership "
                                         r"working|joint working|across (?:teams|"
                                         r"organisations|the system)",
    "contributed_to_personal_or_professional_development": r"professional development|\bcpd\b|"
                                                          r"revalidation|confidence|new skills",
    "health_information_for_patients": SERVICE_RULES["health_information"],
    "mobilising_evidence_and_organisational_knowledge": SERVICE_RULES["knowledge_management"]
    + r"|organisational knowledge|shared learning",
    "carers_and_the_public": r"\bcarers?\b|the public|families|relatives",
    "productivity_and_efficiency": r"efficien\w*|productiv\w*",
}
_ORG_PATTERN = re.compile(
    r"\b((?:[A-Z][\w'’&-]*\s+(?:and\s+|of\s+|&\s+)?){1,8}?(?:NHS\s+(?:Foundation\s+)?Trust|"
    r"Foundation\s+Trust|Integrated\s+Care\s+Board|ICB|Health\s+Board|Hospice|"
    r"Hospitals?\s+NHS\s+(?:Foundation\s+)?Trust|NHS\s+England|Council))\b")


def _count(pattern: str, text: str) -> int:
    return len(re.findall(rf"\b(?:{pattern})\b", text, re.IGNORECASE))


def _cut(text: str, limit: int = SUMMARY_WORDS) -> str:
    chosen: list[str] = []
    for sentence in sentences(text):
        if len(" ".join([*chosen, sentence]).split()) > limit:
            break
        chosen.append(sentence)
    if chosen:
        return " ".join(chosen)
    return " ".join(text.split()[: limit - 1]) + " …"


def summary(sources: list[tuple[str, str]]) -> Inferred | None:
    """The first sentences (up to 60 words) of the first of ``(name, text)`` that has text."""
    for name, text in sources:
        if text.strip():
            return _cut(" ".join(text.split())), f"first sentences of the {name} (≤ 60 words)"
    return None


@lru_cache(maxsize=1)
def _topic_pattern() -> re.Pattern[str]:
    lines = (corpus_dir() / "topics.txt").read_text(encoding="utf-8").splitlines()
    phrases = sorted({ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")},
                     key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")(?:e?s)?\b",
                      re.IGNORECASE)


def topics(text: str, title: str) -> Inferred | None:
    counts = Counter(m.group(1).lower() for m in _topic_pattern().finditer(text))
    in_title = {m.group(1).lower() for m in _topic_pattern().finditer(title)}
    chosen = [t for t, n in counts.most_common() if n >= 2 or t in in_title][:MAX_TOPICS]
    if not chosen:
        return None
    return chosen, ("topic phrases of corpus/topics.txt found twice or in the title: "
                    + ", ".join(f"{t} ×{counts[t]}" for t in chosen))


def service_types(text: str) -> Inferred | None:
    found = {k: _count(p, text) for k, p in SERVICE_RULES.items()}
    keys = [k for k, n in found.items() if n]
    if not keys:
        return None
    return keys, "service phrases found: " + ", ".join(f"{k} ×{found[k]}" for k in keys)


def purpose(text: str) -> Inferred | None:
    found = {k: _count(p, text) for k, p in PURPOSE_RULES.items()}
    best = max(found, key=lambda k: found[k])
    if not found[best]:
        return None
    return best, f"most mentioned purpose phrases: {best} ×{found[best]}"


def impact_types(text: str, figures: list[Figure]) -> Inferred | None:
    keys: list[str] = []
    reasons: list[str] = []
    if any(f.kind == "money" and f.role == "saving" for f in figures):
        keys.append("saved_money_or_contributed_to_financial_effectiveness")
        reasons.append("a money saving")
    if any(f.kind == "hours" and f.role == "saving" for f in figures):
        keys.append("productivity_and_efficiency")
        reasons.append("a staff time saving")
    for key, pattern in IMPACT_RULES.items():
        n = _count(pattern, text)
        if n >= 2 and key not in keys:
            keys.append(key)
            reasons.append(f"{key} phrases ×{n}")
    if not keys:
        return None
    return keys, "from " + "; ".join(reasons) + " (phrase rules need two mentions)"


@lru_cache(maxsize=1)
def _known_organisations() -> re.Pattern[str]:
    labels = sorted(organisation_labels().values(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(x) for x in labels) + r")\b", re.IGNORECASE)


def organisation(text: str, extra: list[str]) -> Inferred | None:
    """An organisation named in the text (the national list first), most mentioned wins."""
    joined = "\n".join([text, *extra])
    known = Counter(m.group(1) for m in _known_organisations().finditer(joined))
    if known:
        name = known.most_common(1)[0][0]
        label = next(v for v in organisation_labels().values()
                     if normalise_label(v) == normalise_label(name))
        return label, "an organisation of the national list named in the text"
    found = Counter(" ".join(m.group(1).split()) for m in _ORG_PATTERN.finditer(joined))
    found.pop("NHS England", None)
    if not found:
        return None
    name, n = found.most_common(1)[0]
    return name, f"the most mentioned NHS organisation name in the text (×{n})"


_SECTOR_WORDS = (("ambulance", "ambulance"), ("mental health", "mental_health"),
                 ("integrated care board", "ccg"), (" icb", "ccg"), ("ccg", "ccg"),
                 ("clinical commissioning group", "ccg"), ("community", "comunity_trust"),
                 ("hospital", "acute"), ("infirmary", "acute"))


def sector(organisation_name: str) -> Inferred | None:
    lowered = f" {organisation_name.lower()}"
    for word, key in _SECTOR_WORDS:
        if word in lowered:
            return key, f"the organisation's name contains '{word.strip()}'"
    return None
