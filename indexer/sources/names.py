"""Withholding people's names from text: a quoted person who did not consent to be named must
not appear anywhere public, and a document names them in its prose too, not only in the quote.

A name is withheld in the forms prose uses: as written ("Dr Jane Smith"), without its title
("Jane Smith"), and as title and surname ("Dr Smith"). A surname alone is left, because it is
too often also a word ("Hope", "Bell"). An e-mail address names its owner too, so it is
withheld with the names (:func:`withhold_emails`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["WITHHELD", "EMAIL_WITHHELD", "name_variants", "withhold", "withhold_emails"]

WITHHELD = "[name withheld]"
EMAIL_WITHHELD = "[e-mail withheld]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TITLE = r"(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sir|Dame|Rev|Revd|Cllr|Lady|Lord)\.?"


def name_variants(name: str) -> list[str]:
    """Ways ``name`` (or each of two names joined by "and") can be written, longest first."""
    variants: set[str] = set()
    for person in re.split(r"\s+(?:and|&)\s+", name.strip()):
        person = " ".join(person.split())
        bare = re.sub(rf"^{_TITLE}\s+", "", person)
        tokens = bare.split()
        if len(tokens) < 1 or len(bare) < 3:
            continue
        variants |= {person, bare}
        if len(tokens) >= 2:
            variants.add(f"{tokens[0]} {tokens[-1]}")
        if tokens:
            variants.add(f"{_TITLE} {re.escape(tokens[-1])}")  # a pattern, marked by \\
    return sorted(variants, key=len, reverse=True)


def withhold(text: str, names: Iterable[str]) -> str:
    """``text`` with every variant of each name replaced by ``[name withheld]``."""
    patterns = []
    for name in names:
        for variant in name_variants(name):
            body = variant if variant.startswith(_TITLE) else re.escape(variant)
            patterns.append(body)
    if not patterns or not text:
        return text
    pattern = re.compile(r"(?<![\w])(?:" + "|".join(patterns) + r")(?![\w])")
    return pattern.sub(WITHHELD, text)


def withhold_emails(text: str) -> str:
    """``text`` with every e-mail address replaced by ``[e-mail withheld]``."""
    return _EMAIL.sub(EMAIL_WITHHELD, text)
