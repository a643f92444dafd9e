"""What the indexes are built from: a case study's public record, or a generic title + text
document (a BEIR corpus), reduced to the same few text fields."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["IndexDocument", "from_case", "from_generic", "NARRATIVE_FIELDS"]

# The narrative of a case study, in reading order; together they are the "body" field. An
# imported record's ``body`` holds the text of its document outside the recognised sections.
NARRATIVE_FIELDS = ("challenge", "lks_contribution", "outcome", "patient_benefit", "body")


@dataclass(frozen=True, slots=True)
class IndexDocument:
    id: str
    title: str
    summary: str
    topics: str
    body: str
    organisation: str

    @property
    def similarity_text(self) -> str:
        # The organisation is left out on purpose: two case studies are not alike because the
        # same trust wrote them, and shared organisations are reported as a facet reason.
        return "\n".join((self.title, self.summary, self.topics, self.body))


def _quote_text(record: dict[str, Any]) -> str:
    quote = record.get("quote")
    return str(quote["text"]) if quote else ""


def from_case(record: dict[str, Any]) -> IndexDocument:
    """A case study's public record (consent already applied) as an index document."""
    narrative = [str(record.get(f, "")) for f in NARRATIVE_FIELDS]
    narrative.append(_quote_text(record))
    return IndexDocument(
        id=record["id"],
        title=record["title"],
        summary=record.get("summary", ""),
        topics="\n".join(record.get("topics", [])),
        body="\n".join(t for t in narrative if t),
        organisation=record.get("organisation", ""),
    )


def from_generic(rows: Iterable[dict[str, Any]]) -> Iterator[IndexDocument]:
    """BEIR-style ``{"_id", "title", "text"}`` rows as index documents."""
    for row in rows:
        yield IndexDocument(
            id=str(row["_id"]),
            title=str(row.get("title") or ""),
            summary="",
            topics="",
            body=str(row.get("text") or ""),
            organisation="",
        )
