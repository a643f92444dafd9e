"""Load and validate case studies: one JSON file per record, checked against the schema and
the vocabularies, every problem reported as ``file: field: reason``.

Consent is applied here, once, so that nothing downstream can leak: ``publishable`` keeps only
records whose ``consent.external`` is true, and ``public_record`` removes the quoted person's
name unless ``consent.named`` is true. The index builders only ever see public records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from indexer.errors import EmptyCorpusError
from indexer.paths import corpus_dir
from indexer.sources.wording import json_reason, schema_reason, unknown_fields

__all__ = [
    "Problem",
    "LoadResult",
    "Vocabularies",
    "load_corpus",
    "validate_record",
    "load_vocabularies",
    "public_record",
    "publishable",
    "corpus_hash",
    "corpus_files",
    "organisation_key", "slug"]

Record = dict[str, Any]

SUMMARY_MAX_WORDS = 60
REQUIRED_MISSING = "required field is missing"
_VOCAB_FIELDS = {
    # record field -> vocabulary name, for fields that hold vocabulary keys
    "impact_types": "impact_types",
    "group_impacted": "group_impacted",
    "sector": "sector",
    "region": "region",
    "service_types": "service_types",
    "purpose": "purpose",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem, printed as ``file: field: reason``."""

    file: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.reason}"


@dataclass
class LoadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files with at least one problem
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Vocabularies:
    """Key -> label tables for every controlled field, plus the 7 region facet labels."""

    tables: Mapping[str, Mapping[str, str]]

    def label(self, vocabulary: str, key: str) -> str:
        return self.tables[vocabulary].get(key, key)

    def region_facet(self, region_key: str) -> str:
        """The facet slug (``north_east_and_yorkshire``) of a source region key."""
        return slug(self.tables["region"][region_key])


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def organisation_key(name: str) -> str:
    """The facet key of a free-text organisation name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@lru_cache(maxsize=4)
def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def load_vocabularies(base: Path | None = None) -> Vocabularies:
    # Cached: search results look labels up for every hit, and finding the bundled corpus
    # folder costs file-system calls each time.
    data = _load_json((base or corpus_dir()) / "vocabularies.json")
    return Vocabularies({k: v for k, v in data.items() if not k.startswith("_")})


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = _load_json(corpus_dir() / "schema.json")
    return jsonschema.Draft202012Validator(schema)


def _schema_problems(name: str, record: Any, vocab: Vocabularies) -> list[Problem]:
    problems = []
    for error in sorted(_validator().iter_errors(record), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in error.path) or "(record)"
        if error.validator == "additionalProperties":
            problems += [Problem(name, ".".join([*map(str, error.path), field]), reason)
                         for field, reason in unknown_fields(error)]
            continue
        if error.validator == "required":
            missing = re.findall(r"'([^']+)' is a required property", error.message)
            where = ".".join([*map(str, error.path), *missing]) if missing else where
        vocabulary = _VOCAB_FIELDS.get(str(error.path[0])) if error.path else None
        problems.append(Problem(name, where, schema_reason(error, vocab.tables, vocabulary)))
    return problems


def _semantic_problems(name: str, stem: str, record: Record) -> list[Problem]:
    problems = []
    if isinstance(record.get("id"), str) and record["id"] != stem:
        problems.append(Problem(name, "id", f"must equal the file name ({stem!r})"))
    date = record.get("submitted_date")
    # A date not written as YYYY-MM-DD is the schema's problem (said once, in plain words).
    if isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        try:
            if dt.date.fromisoformat(date) > dt.date.today():
                problems.append(Problem(name, "submitted_date", f"{date} is in the future"))
        except ValueError:
            problems.append(Problem(name, "submitted_date", f"{date} is not a real date; "
                                    "check the month and the day (YYYY-MM-DD)"))
    summary = record.get("summary")
    if isinstance(summary, str) and len(summary.split()) > SUMMARY_MAX_WORDS:
        words = len(summary.split())
        problems.append(
            Problem(name, "summary", f"{words} words; shorten it to {SUMMARY_MAX_WORDS} or fewer")
        )
    return problems


def validate_record(record: Any, name: str = "record", *, partial: bool = False) -> list[Problem]:
    """Every problem of one record given as data (a submission, not a file).

    ``partial``: a draft, so missing required fields are not problems yet; the values that
    are there are checked against the same schema and vocabularies.
    """
    problems = _schema_problems(name, record, load_vocabularies())
    if partial:
        problems = [p for p in problems if p.reason != REQUIRED_MISSING]
    if isinstance(record, dict):
        stem = record.get("id") if isinstance(record.get("id"), str) else ""
        problems += _semantic_problems(name, str(stem), record)
    return problems


def _read_record(path: Path) -> tuple[Any, Problem | None]:
    raw = path.read_bytes()
    try:
        # utf-8-sig: Windows Notepad starts UTF-8 files with a byte order mark; accept it.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Problem(
            path.name, "(file)", f"not UTF-8 (byte {exc.start}); save the file as UTF-8"
        )
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, Problem(path.name, "(file)", json_reason(exc.msg, exc.lineno, exc.colno))


def corpus_files(path: Path) -> list[Path]:
    """The record files of ``path`` (a folder of ``*.json`` files, or one file).

    Raises :class:`EmptyCorpusError` when there are none, saying which folder was meant.
    """
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist; pass the folder of case study files")
    if not path.is_dir():
        return [path]
    files = sorted(path.glob("*.json"))
    # The corpus folder itself (schema.json, vocabularies.json) instead of its cases/.
    if files and {f.name for f in files} <= _CORPUS_DATA and _json_folders(path):
        raise EmptyCorpusError(f"{path} holds the corpus's settings, not case studies; "
                               f"{_did_you_mean(path)}")
    if not files:
        raise EmptyCorpusError(f"no .json records in {path}; {_did_you_mean(path)}")
    return files


_CORPUS_DATA = {"schema.json", "vocabularies.json", "precedents.json"}


def _json_folders(path: Path) -> list[Path]:
    """Folders up to two levels below ``path`` that hold ``*.json`` files, cases/ first."""
    found = [d for d in sorted(path.glob("*/")) + sorted(path.glob("*/*/"))
             if d.is_dir() and next(d.glob("*.json"), None) is not None]
    return sorted(found, key=lambda d: d.name != "cases")


def _did_you_mean(path: Path) -> str:
    folders = _json_folders(path)
    if folders:
        return f"did you mean {folders[0]}?"
    return "pass the folder that holds the case study files, one .json file per case study"


def load_corpus(path: Path) -> LoadResult:
    """Read every ``*.json`` under ``path`` (a folder or one file) and validate it.

    Raises FileNotFoundError if ``path`` does not exist and :class:`EmptyCorpusError` if it
    holds no records: an empty corpus is a mistake, never an empty index.
    """
    files = corpus_files(path)
    vocab = load_vocabularies()
    result = LoadResult(files=files)
    seen: dict[str, str] = {}
    for file in files:
        record, problem = _read_record(file)
        problems = [problem] if problem else []
        if problem is None:
            problems = _schema_problems(file.name, record, vocab)
            if isinstance(record, dict):
                problems += _semantic_problems(file.name, file.stem, record)
                rid = record.get("id")
                if isinstance(rid, str) and rid in seen:
                    problems.append(
                        Problem(file.name, "id", f"duplicate id {rid!r}, also in {seen[rid]}")
                    )
                elif isinstance(rid, str):
                    seen[rid] = file.name
        if problems:
            result.problems += problems
            result.skipped.append(file.name)
        else:
            result.records.append(record)
    return result


def publishable(records: Iterable[Record]) -> list[Record]:
    """Only records whose authors consented to external publication."""
    return [r for r in records if r["consent"]["external"] is True]


def public_record(record: Record) -> Record:
    """The record as the public may see it: no consent flags, no name without consent."""
    public = {k: v for k, v in record.items() if k != "consent"}
    quote = record.get("quote")
    if quote is not None:
        public["quote"] = {k: v for k, v in quote.items() if k != "name"}
        if record["consent"]["named"] is True and "name" in quote:
            public["quote"]["name"] = quote["name"]
    return public


def corpus_hash(files: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of the corpus files, in name order."""
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(file.name.encode("utf-8") + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()
