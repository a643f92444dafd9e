"""import_paths: documents (and a listing) in, one record per document written to a folder.

Per file, in order: read it (in worker processes: reading is the slow part), join its listing
row, apply the import's consent options, give it a stable id, check it against the schema,
and write it unless nothing but its import time would change. A file that fails at any step
is an error in the result, with what to do; the others carry on.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.sources.corpus import record_problems
from indexer.sources.importer.errors import ImportProblem, MissingDocument, OutputProblem
from indexer.sources.importer.figures import Figure
from indexer.sources.importer.limits import DEFAULT_LIMITS, Limits
from indexer.sources.importer.listing import Listing, ListingRow, read_listing
from indexer.sources.importer.output import (
    existing_records,
    prepare_output,
    same_record,
    write_record,
)
from indexer.sources.importer.provenance import FieldOrigin, build_provenance, now_iso
from indexer.sources.importer.reader import ImportedDocument, read_document
from indexer.sources.names import withhold, withhold_emails

__all__ = ["FileResult", "ImportSummary", "import_paths", "discover", "slug_id", "TEXT_FIELDS"]

TEXT_FIELDS = ("title", "summary", "challenge", "lks_contribution", "outcome", "patient_benefit",
               "body")
_IGNORED = re.compile(r"^(?:\.|~\$|thumbs\.db$|desktop\.ini$)", re.IGNORECASE)
_PARALLEL_FROM = 16  # files: below this, worker processes cost more than they save


@dataclass
class FileResult:
    """What happened to one file (or one listing row without its file)."""

    source: str
    status: str  # new, updated, unchanged, error
    id: str = ""
    title: str = ""
    origins: dict[str, FieldOrigin] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""
    kind: str = ""  # the error's kind (corrupt, password, listing...)


@dataclass
class ImportSummary:
    out: Path
    results: list[FileResult]
    published: bool
    warnings: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def written(self) -> int:
        return self.count("new") + self.count("updated")

    def line(self) -> str:
        done = len(self.results) - self.count("error")
        text = (f"Imported {done} of {len(self.results)} documents into {self.out}: "
                f"{self.count('new')} new, {self.count('updated')} updated, "
                f"{self.count('unchanged')} unchanged; {self.count('error')} errors")
        if done and not self.published:
            text += ("; not published (run with --published if the listing is public, "
                     "or they will not be indexed)")
        return text + "."


def discover(paths: Iterable[Path], skip: set[Path] | None = None) -> list[tuple[Path, str]]:
    """Every file under ``paths`` (folders recursively), with the name to show for it."""
    found: list[tuple[Path, str]] = []
    skipped = {p.resolve() for p in skip or set()}
    for root in paths:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                relative = path.relative_to(root)
                if (path.is_file() and path.resolve() not in skipped
                        and not any(_IGNORED.match(part) for part in relative.parts)):
                    found.append((path, relative.as_posix()))
        elif root.resolve() not in skipped:
            found.append((root, root.name))
    return found


def _read(path: Path, filename: str, limits: Limits
          ) -> tuple[str, int, ImportedDocument | ImportProblem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return "", 0, ImportProblem(f"cannot read the file ({exc.strerror}); check it exists "
                                    "and can be opened")
    digest = hashlib.sha256(data).hexdigest()
    try:
        return digest, len(data), read_document(data, filename, limits)
    except ImportProblem as exc:
        return digest, len(data), exc
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop an import of hundreds
        return digest, len(data), ImportProblem(
            f"could not be read ({type(exc).__name__}: {str(exc)[:150]}); open it and save it "
            "again as .docx or PDF")


def _read_star(args: tuple[Path, str, Limits]) -> tuple[str, int, ImportedDocument | ImportProblem]:
    return _read(*args)


def _read_all(files: list[tuple[Path, str]], limits: Limits, workers: int
              ) -> Iterator[tuple[str, int, ImportedDocument | ImportProblem]]:
    jobs = [(path, path.name, limits) for path, _ in files]
    if workers <= 1 or len(jobs) < _PARALLEL_FROM:
        yield from map(_read_star, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_read_star, jobs, chunksize=4)


def slug_id(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:60].rsplit("-", 1)[0]
    return slug or "case-study"


class _Ids:
    """Stable ids: a file keeps the id it had; a new one gets its name's slug, made unique."""

    def __init__(self, existing: dict[str, dict[str, Any]]) -> None:
        self.taken = set(existing)
        self.by_source = {
            str(r["provenance"]["source"]["file"]): rid for rid, r in existing.items()
            if isinstance(r.get("provenance"), dict) and isinstance(
                r["provenance"].get("source"), dict) and "file" in r["provenance"]["source"]
        }

    def assign(self, source: str) -> str:
        if source in self.by_source:
            return self.by_source[source]
        base = slug_id(Path(source).stem)
        rid = base
        if rid in self.taken:
            rid = f"{base}-{hashlib.sha256(source.encode('utf-8')).hexdigest()[:8]}"
        self.taken.add(rid)
        self.by_source[source] = rid
        return rid


def _apply_listing(record: dict[str, Any], origins: dict[str, FieldOrigin],
                   row: ListingRow) -> None:
    for name, value in row.fields.items():
        record[name] = value
        origins[name] = row.origins[name]


def _apply_consent(record: dict[str, Any], origins: dict[str, FieldOrigin],
                   people: list[str], published: bool, names_consented: bool) -> None:
    record["consent"] = {"named": names_consented, "internal": published, "external": published}
    flags = [f for f, on in (("--published", published), ("--names-consented",
                                                           names_consented)) if on]
    origins["consent"] = FieldOrigin.read("import options", " ".join(flags) or
                                          "defaults: not named, not published")
    if names_consented:
        return
    # An e-mail address names its owner too.
    for name in TEXT_FIELDS:
        if isinstance(record.get(name), str):
            record[name] = withhold_emails(record[name])
    if not people:
        return
    # Without consent no one the document names is shown: the quoted person's name stays
    # only in quote.name (which public records drop), and every name leaves the text.
    for name in TEXT_FIELDS:
        if isinstance(record.get(name), str):
            record[name] = withhold(record[name], people)
    if isinstance(record.get("savings", {}).get("other"), str):
        record["savings"]["other"] = withhold(record["savings"]["other"], people)
    quote = record.get("quote")
    if isinstance(quote, dict):
        for key in ("text", "role", "organisation"):
            if key in quote:
                quote[key] = withhold(quote[key], people)


def _match(listing: Listing | None, files: list[tuple[Path, str]]
           ) -> tuple[dict[str, ListingRow], list[FileResult]]:
    """Listing row per file (by file name) and an error for each row that cannot be used."""
    if listing is None:
        return {}, []
    names = {path.name.casefold(): shown for path, shown in files}
    stems = {path.stem.casefold(): shown for path, shown in files}
    rows: dict[str, ListingRow] = {}
    errors: list[FileResult] = []
    for document, group in listing.by_document().items():
        shown = names.get(document) or stems.get(document)
        if len(group) > 1:
            numbers = " and ".join(str(r.number) for r in group)
            errors.append(FileResult(shown or group[0].document, "error", error=(
                f"listing rows {numbers} name the same document; keep one"), kind="listing"))
        elif shown is None:
            row = group[0]
            problem = MissingDocument(
                f"listing row {row.number}: document {row.document!r} was not found among "
                "the files given; check its name or add its folder to the PATHs")
            errors.append(FileResult(row.document or f"row {row.number}", "error",
                                     error=str(problem), kind=problem.kind))
        else:
            rows[shown] = group[0]
    return rows, errors


def _finish(doc: ImportedDocument, shown: str, digest: str, size: int, row: ListingRow | None,
            listing: Listing | None, ids: _Ids, options: dict[str, bool], now: str
            ) -> tuple[FileResult, dict[str, Any] | None]:
    record = dict(doc.record)
    origins = dict(doc.origins)
    warnings = list(doc.warnings)
    if row is not None:
        if row.problems:
            return FileResult(shown, "error", error=row.error, kind="listing",
                              figures=doc.figures, title=str(record.get("title", ""))), None
        _apply_listing(record, origins, row)
    elif listing is not None:
        warnings.append("not in the listing: its metadata comes from the document alone")
    _apply_consent(record, origins, doc.people, options["published"], options["named"])
    record = {"id": ids.assign(shown), **record}
    record["provenance"] = build_provenance(
        origins, file=shown, sha256=digest, fmt=doc.format, size=size, imported_at=now,
        listing=(listing.file, row.number) if row is not None and listing else None)
    result = FileResult(shown, "new", record["id"], str(record.get("title", "")), origins,
                        doc.figures, warnings)
    problems = record_problems(record)
    if problems:
        result.status, result.kind = "error", "invalid"
        result.error = ("could not make a valid record: " + "; ".join(
            f"{p.field}: {p.reason}" for p in problems[:3]) + "; please report this file")
        return result, None
    return result, record


def import_paths(paths: Iterable[Path], *, out: Path, listing: Path | None = None,
                 published: bool = False, names_consented: bool = False,
                 limits: Limits = DEFAULT_LIMITS, workers: int | None = None,
                 progress: Callable[[str], None] | None = None) -> ImportSummary:
    """Import every document under ``paths`` into ``out``; see the module docstring.

    Raises :class:`ImportProblem` only for problems with the whole import (an unreadable
    listing, an output folder that must not be written); a file's problem is in its result.
    """
    prepare_output(out)
    table = read_listing(listing, limits) if listing is not None else None
    files = discover(paths, skip={listing} if listing else None)
    rows, results = _match(table, files)
    existing = existing_records(out)
    ids = _Ids(existing)
    now = now_iso()
    options = {"published": published, "named": names_consented}
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    for (_, shown), (digest, size, read) in zip(files, _read_all(files, limits, workers),
                                                   strict=True):
        if progress is not None:
            progress(shown)
        if isinstance(read, ImportProblem):
            results.append(FileResult(shown, "error", error=str(read), kind=read.kind))
            continue
        result, record = _finish(read, shown, digest, size, rows.get(shown), table, ids,
                                 options, now)
        results.append(result)
        if record is None:
            continue
        before = existing.get(record["id"])
        if before is not None and "provenance" not in before:
            result.status, result.kind = "error", OutputProblem("").kind
            result.error = (f"{out / (record['id'] + '.json')} exists and is not an imported "
                            "record; it was not overwritten: move it or choose another --out")
        elif before is not None and same_record(before, record):
            result.status = "unchanged"
        else:
            result.status = "updated" if before is not None else "new"
            write_record(out, record)
    return ImportSummary(out, results, published, table.warnings if table else [])
