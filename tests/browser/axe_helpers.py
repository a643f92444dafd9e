"""axe-core (pinned in package.json, installed by ``npm ci``) run inside a test page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def run_axe(target: Any, problems: list[str], selector: str | None = None) -> dict[str, Any]:
    """axe's WCAG 2.2 A/AA ``violations`` and ``passes`` in ``selector`` (or the document) of
    ``target`` (a page or frame); each node is its JSON target, nested inside shadow roots
    (``[["host","inner"]]``).

    axe is evaluated through DevTools, not a <script> element, so the page's policy stays as
    it is. axe's own probes add a <style> element that a strict policy rightly refuses; those
    reports are axe's, so they are taken out of ``problems`` (the ``page`` fixture's list).
    """
    if not AXE.exists():
        raise FileNotFoundError(f"{AXE} is missing: run `npm ci` in the repository root")
    before = len(problems)
    target.evaluate(AXE.read_text(encoding="utf-8"))
    context = f"document.querySelector({json.dumps(selector)})" if selector else "document"
    result: dict[str, Any] = target.evaluate(
        f"async () => {{ const r = await axe.run({context}, {{runOnly: {{type: 'tag', "
        f"values: {json.dumps(WCAG_TAGS)}}}}});"
        " const nodes = list => list.map(v => ({id: v.id, nodes: v.nodes.map("
        "n => JSON.stringify(n.target))}));"
        " return {violations: nodes(r.violations), passes: nodes(r.passes)}; }")
    problems[before:] = [p for p in problems[before:]
                         if "style-src" not in p and "inline style" not in p]
    return result


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.2 A/AA violations in the page, one line each."""
    result = run_axe(page, page.problems)
    return [f"{v['id']} at {', '.join(v['nodes'][:3])}" for v in result["violations"]]
