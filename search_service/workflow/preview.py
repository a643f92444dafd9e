"""A submission shown as it would be published: consent applied, facet labels from the
vocabularies (the same shape as a published case's ``facets``), for the status and review
pages' vignette."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from indexer.sources.corpus import load_vocabularies, organisation_key, public_record
from search_service.page_models import headline

__all__ = ["preview"]


def _ref(vocabulary: str, key: Any) -> dict[str, str] | None:
    table = load_vocabularies().tables[vocabulary]
    return {"key": key, "label": table[key]} if isinstance(key, str) and key in table else None


def preview(record: Mapping[str, Any]) -> dict[str, Any]:
    """The public record of a (possibly unfinished) submission, with labels."""
    # Without answers to the consent questions, show it as if nothing were consented.
    consent = {"named": False, "internal": False, "external": False,
               **(record.get("consent") or {})}
    public = public_record({**record, "consent": consent})
    vocab = load_vocabularies()
    region = record.get("region")
    organisation = record.get("organisation")
    date = str(record.get("submitted_date") or "")
    facets = {
        "impact_types": [r for r in (_ref("impact_types", k)
                                     for k in record.get("impact_types") or []) if r],
        "service_types": [r for r in (_ref("service_types", k)
                                      for k in record.get("service_types") or []) if r],
        "region": _ref("region_facets", vocab.region_facet(region))
        if isinstance(region, str) and region in vocab.tables["region"] else None,
        "sector": _ref("sector", record.get("sector")),
        "group_impacted": _ref("group_impacted", record.get("group_impacted")),
        "organisation": {"key": organisation_key(organisation), "label": organisation}
        if isinstance(organisation, str) else None,
        "year": int(date[:4]) if date[:4].isdigit() else None,
    }
    return {**public, "facets": facets, "headline": headline(public)}
