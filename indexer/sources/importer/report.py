"""The import report: one row per document, as CSV (for a spreadsheet) and as an HTML page.

Made for a person checking an import of hundreds of files in minutes: errors first, then for
each document what was read, what was inferred (and by which rule) and what is missing, and
every figure found with the sentence it came from.
"""

from __future__ import annotations

import csv
import io
from html import escape
from pathlib import Path

from indexer.sources.importer.provenance import TRACKED_FIELDS
from indexer.sources.importer.run import FileResult, ImportSummary

__all__ = ["write_report", "report_csv", "report_html"]

_COLUMNS = ("source", "status", "id", "title", "error", "read", "inferred", "missing",
            "figures", "warnings")


def _by_origin(result: FileResult, origin: str) -> list[str]:
    return [name for name in TRACKED_FIELDS
            if result.origins.get(name) and result.origins[name].origin == origin]


def _missing(result: FileResult) -> list[str]:
    return [name for name in TRACKED_FIELDS if name not in result.origins
            or result.origins[name].origin == "missing"]


def _row(result: FileResult) -> dict[str, str]:
    ok = result.status != "error"
    return {
        "source": result.source,
        "status": result.status,
        "id": result.id,
        "title": result.title,
        "error": result.error,
        "read": ", ".join(_by_origin(result, "read")) if ok else "",
        "inferred": "; ".join(f"{n} ({result.origins[n].detail})"
                              for n in _by_origin(result, "inferred")) if ok else "",
        "missing": ", ".join(_missing(result)) if ok else "",
        "figures": " | ".join(f"{f.describe()}: {f.sentence}" for f in result.figures),
        "warnings": " | ".join(result.warnings),
    }


def _ordered(summary: ImportSummary) -> list[FileResult]:
    return sorted(summary.results, key=lambda r: (r.status != "error", r.source))


def report_csv(summary: ImportSummary) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_COLUMNS)
    writer.writeheader()
    for result in _ordered(summary):
        writer.writerow(_row(result))
    return buffer.getvalue()


_STYLE = """
body{font:16px/1.5 Arial,sans-serif;margin:1.5rem;color:#212b32}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #d8dde0;padding:.4rem;
vertical-align:top;text-align:left}th{background:#f0f4f5;position:sticky;top:0}
.error td{background:#fde8e8}.status{white-space:nowrap}ul{margin:0;padding-left:1.1rem}
.fig{font-size:.9rem}.sentence{color:#4c6272}code{font-size:.85rem}
"""


def _list(items: list[str]) -> str:
    if not items:
        return "—"
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _cells(result: FileResult) -> str:
    title = escape(result.title) + (f"<br><code>{escape(result.id)}</code>" if result.id else "")
    if result.status == "error":
        detail = f"<strong>Error ({escape(result.kind)}):</strong> {escape(result.error)}"
        return f"<td>{title or '—'}</td><td colspan=3>{detail}</td>"
    read = _list([escape(n) for n in _by_origin(result, "read")])
    inferred = _list([f"{escape(n)}: <span class=sentence>{escape(result.origins[n].detail)}"
                      "</span>" for n in _by_origin(result, "inferred")])
    missing = _list([escape(n) for n in _missing(result)])
    return f"<td>{title}</td><td>{read}</td><td>{inferred}</td><td>{missing}</td>"


def report_html(summary: ImportSummary) -> str:
    rows = []
    for result in _ordered(summary):
        figures = _list([f"<span class=fig>{escape(f.describe())}</span><br><span class=sentence>"
                         f"“{escape(f.sentence)}”</span>" for f in result.figures])
        warnings = _list([escape(w) for w in result.warnings])
        css = " class=error" if result.status == "error" else ""
        rows.append(f"<tr{css}><td>{escape(result.source)}</td><td class=status>"
                    f"{escape(result.status)}</td>{_cells(result)}<td>{figures}</td>"
                    f"<td>{warnings}</td></tr>")
    extra = "".join(f"<p>{escape(w)}</p>" for w in summary.warnings)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>Import report: {escape(str(summary.out))}</title><style>{_STYLE}</style>"
        f"</head><body><h1>Import report</h1><p>{escape(summary.line())}</p>{extra}"
        "<table><thead><tr><th scope=col>File</th><th scope=col>Status</th>"
        "<th scope=col>Title and id</th><th scope=col>Read</th><th scope=col>Inferred (rule)"
        "</th><th scope=col>Missing</th><th scope=col>Figures (sentence)</th>"
        "<th scope=col>Warnings</th></tr></thead><tbody>" + "".join(rows)
        + "</tbody></table></body></html>\n"
    )


def write_report(summary: ImportSummary, path: Path) -> tuple[Path, Path]:
    """Write ``path`` as CSV and beside it the HTML page (or the reverse); both paths."""
    if path.suffix.lower() in (".html", ".htm"):
        html_path, csv_path = path, path.with_suffix(".csv")
    else:
        csv_path = path if path.suffix else path.with_suffix(".csv")
        html_path = csv_path.with_suffix(".html")
    csv_path.parent.mkdir(parents=True, exist_ok=True)
    csv_path.write_text(report_csv(summary), encoding="utf-8")
    html_path.write_text(report_html(summary), encoding="utf-8")
    return csv_path, html_path
