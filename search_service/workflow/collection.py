"""The published collection in the database, and the folder of JSON records around it.

- :func:`load_records` puts corpus records in the database as published case studies (or
  accepted ones, without consent to publish): the first run seeds the bundled collection this
  way, and ``impact-search db load DIR`` loads a folder (an export, or the importer's output).
- :func:`published_records` is what an index generation is built from.
- :func:`export_corpus` and :func:`export_listing` write the published set back out as corpus
  JSON and as the national listing's CSV (labels, as the national database shows them).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from indexer.paths import corpus_dir
from indexer.sources.corpus import load_corpus, load_vocabularies, public_record
from search_service.workflow import audit
from search_service.workflow.models import (
    PUBLIC_STATES,
    PublicationState,
    Role,
    State,
    Submission,
    User,
    utcnow,
)
from search_service.workflow.records import region_facet

__all__ = ["load_records", "seed_bundled", "published_records", "bump_revision",
           "database_revision", "export_corpus", "export_listing", "COLLECTION_OWNER",
           "LISTING_COLUMNS"]

Record = dict[str, Any]
COLLECTION_OWNER = "collection@impact-search.invalid"  # owns loaded records; cannot sign in
LISTING_COLUMNS = ("title", "region", "sector", "group impacted", "impact types",
                   "organisation", "date submitted", "document")


def _owner(session: Session) -> User:
    owner = session.scalar(select(User).where(User.email == COLLECTION_OWNER))
    if owner is None:
        owner = User(email=COLLECTION_OWNER, role=Role.SUBMITTER.value, active=False)
        session.add(owner)
        session.flush()
    return owner


def bump_revision(session: Session) -> None:
    """The published set changed: every node's index must follow (see publishing)."""
    session.execute(update(PublicationState).where(PublicationState.id == 1).values(
        revision=PublicationState.revision + 1, changed_at=utcnow()))
    session.info["published_changed"] = True


def database_revision(session: Session) -> int:
    return int(session.scalar(select(PublicationState.revision).where(
        PublicationState.id == 1)) or 0)


def load_records(session: Session, records: Iterable[Record], *, actor: str = audit.CLI_ACTOR,
                 bump: bool = True) -> tuple[int, int]:
    """Add or update records by id, published when consented; returns (added, updated)."""
    owner = _owner(session)
    existing = {s.case_id: s for s in session.scalars(
        select(Submission).where(Submission.case_id.is_not(None)))}
    added = updated = 0
    for record in records:
        state = State.PUBLISHED if record["consent"]["external"] else State.ACCEPTED
        found = existing.get(record["id"])
        if found is None:
            found = Submission(case_id=record["id"], owner_id=owner.id, round=1)
            session.add(found)
            added += 1
        elif found.record == record and found.state == state.value:
            continue
        else:
            updated += 1
        found.record, found.state, found.region = record, state.value, region_facet(record)
        found.updated_at = found.submitted_at = found.published_at = utcnow()
    if added or updated:
        audit.record(session, actor, "collection_loaded", added=added, updated=updated)
        if bump:
            bump_revision(session)
    return added, updated


def seed_bundled(session: Session) -> int:
    """On an empty database, the bundled collection (what `impact-search index` builds by
    default), at revision 0: an index built from the folder already matches it."""
    if session.scalar(select(Submission.id).limit(1)) is not None:
        return 0
    loaded = load_corpus(corpus_dir() / "cases")
    added, _ = load_records(session, loaded.records, actor="first run", bump=False)
    return added


def published_records(session: Session) -> list[Record]:
    rows = session.scalars(select(Submission).where(
        Submission.state.in_([s.value for s in PUBLIC_STATES])).order_by(Submission.case_id))
    return [dict(s.record) for s in rows]


def _write_atomically(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            write(out)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_corpus(records: Sequence[Record], folder: Path) -> int:
    """One ``<id>.json`` per record, as the corpus loader reads them (consent flags kept, so
    the folder can be indexed or loaded again; the index applies them)."""
    for record in records:
        _write_atomically(folder / f"{record['id']}.json", lambda out, r=record: out.write(
            json.dumps(r, indent=2, ensure_ascii=False) + "\n"))
    return len(records)


def export_listing(records: Sequence[Record], path: Path) -> int:
    """The national listing's CSV: one row per case study, labels rather than keys, and no
    quoted person's name (consent applied: the listing is public)."""
    vocab = load_vocabularies()

    def write(out: Any) -> None:
        writer = csv.writer(out)
        writer.writerow(LISTING_COLUMNS)
        for record in (public_record(r) for r in records):
            writer.writerow([
                record["title"], vocab.label("region", record["region"]),
                vocab.label("sector", record["sector"]),
                vocab.label("group_impacted", record["group_impacted"]),
                ", ".join(vocab.label("impact_types", k) for k in record["impact_types"]),
                record["organisation"], record["submitted_date"], f"{record['id']}.json",
            ])

    _write_atomically(path, write)
    return len(records)
