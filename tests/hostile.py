"""A reusable hostile corpus record: every free-text field carries HTML and script payloads.

For the API tests here and for the pages' and widget's browser tests: index it with the
``small_index`` fixture (``small_index([hostile_record(), ...])``) and check that nothing in
:data:`PAYLOADS` runs or becomes markup. Each payload contains :data:`MARKER`, a plain word the
analysis keeps, so a search for it finds the record and its snippet shows the payload.
"""

from __future__ import annotations

import re
from typing import Any

from tests.builders import make_record

__all__ = ["MARKER", "PAYLOADS", "hostile_record", "may_be_refused"]

MARKER = "xssprobe"

PAYLOADS = (
    f"<script>window.__xss=1</script>{MARKER}",
    f'<img src=x onerror="window.__xss=1">{MARKER}',
    f"\"><svg/onload=window.__xss=1>{MARKER}",
    f"</textarea></title><script>window.__xss=1</script>{MARKER}",
    f"javascript:window.__xss=1//{MARKER}",
    f"{{{{7*7}}}} ${{7*7}} {MARKER}",  # template injection: must stay literal
    f"<a href=\"javascript:window.__xss=1\">{MARKER}</a>",
    f"<mark>{MARKER}</mark><style>body{{display:none}}</style>",
)
ALL = " ".join(PAYLOADS)


def hostile_record(case_id: str = "hostile-case") -> dict[str, Any]:
    """A valid, consented record with payloads in every free-text field."""
    return make_record(
        id=case_id,
        title=f"<script>window.__xss=1</script>{MARKER} title",
        summary=f"Summary {PAYLOADS[1]} {PAYLOADS[2]}",
        challenge=f"Challenge {ALL}",
        lks_contribution=f"Contribution {ALL}",
        outcome=f"Outcome {ALL}",
        patient_benefit=f"Benefit {ALL}",
        organisation=f"<b>Hostile</b> {MARKER} NHS Trust",
        topics=[PAYLOADS[0], PAYLOADS[3][:80]],
        quote={"text": f"Quote {PAYLOADS[1]}", "name": f"<i>{MARKER}</i> Name",
               "role": PAYLOADS[2], "organisation": PAYLOADS[6]},
        consent={"named": True, "internal": True, "external": True},
    )


def may_be_refused(query: str) -> bool:
    """Whether ``query`` could be over one of the query bounds (500 characters, 32 words,
    brackets 8 deep, a wildcard): a generous over-estimate, computed without the parser, so
    a fuzz test can tell a refusal that is due from a parser that refuses what it should read.
    """
    text = query.strip()
    words = re.findall(r'[^\s()"]+', text)
    return "*" in text or len(text) > 500 or len(words) > 32 or text.count("(") > 8
