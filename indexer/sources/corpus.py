"""Load and validate case studies: one JSON file per record, checked against the schema and
the vocabularies, every problem reported as ``file: field: reason``.

Hostile or damaged files become problems too, never tracebacks: a folder or a symbolic link
loop named ``*.json``, an unreadable file, JSON nested deeper than ``MAX_DEPTH``, and text with
a lone UTF-16 surrogate (``"\\ud800"``, left by truncated UTF-16 exports), which JSON allows but
UTF-8, SQLite and the index cannot store. Values quoted in a problem are cut to an excerpt
(see :mod:`.wording`), and every reason to ``REASON_CHARS``, so a 10 MB field gives one line.

Consent is applied here, once, so that nothing downstream can leak: ``publishable`` keeps only
records whose ``consent.external`` is true, and ``public_record`` removes the quoted person's
name, every name the record's document gave and every e-mail address, unless
``consent.named`` is true. The index
builders only ever see public records.
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
from indexer.sources.names import withhold, withhold_emails
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
    "organisation_key", "slug", "excerpt", "record_problems"]

Record = dict[str, Any]

SUMMARY_MAX_WORDS = 60
MAX_DEPTH = 32  # a case study nests objects and lists two levels deep
REASON_CHARS = 1000  # of a whole reason (a vocabulary's keys fit)
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "field", excerpt(self.field, 80))
        object.__setattr__(self, "reason", excerpt(self.reason, REASON_CHARS))

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


def excerpt(text: str, limit: int) -> str:
    """``text`` cut to about ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters in all)"


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
    # A value can fail the same rule in two branches of the schema (a hand-written record's
    # region is checked against all region keys, then against the source keys): say it once.
    return list(dict.fromkeys(problems))


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


def _depth_problem(value: Any) -> str | None:
    """Why ``value`` is nested too deeply, or None (iterative: no recursion to overflow)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"JSON nested more than {MAX_DEPTH} levels deep"
        children = item.values() if isinstance(item, dict) else item if isinstance(
            item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return None


def _printable(text: str) -> str:
    """``text`` with lone surrogates written as escapes (a field named ``ti\\ud800tle``), so
    that a problem naming it can be printed."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _surrogate_problems(name: str, value: Any, where: str = "") -> list[Problem]:
    """Strings (and keys) with a lone UTF-16 surrogate, which no UTF-8 store can hold."""
    if isinstance(value, str):
        for index, char in enumerate(value):
            if "\ud800" <= char <= "\udfff":
                return [Problem(name, _printable(where) or "(record)",
                                f"has a lone UTF-16 surrogate (\\u{ord(char):04x}) at "
                                f"character {index + 1}, usually from a cut-off UTF-16 export; "
                                "retype or remove that character")]
        return []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else ()
    problems = []
    for key, child in items:
        path = f"{where}.{key}" if where else str(key)
        if isinstance(key, str):
            problems += _surrogate_problems(name, key, path)
        problems += _surrogate_problems(name, child, path)
    return problems
def record_problems(record: Record, name: str | None = None) -> list[Problem]:
    """Every problem the loader would report for ``record`` saved as ``{id}.json``."""
    stem = str(record.get("id", ""))
    name = name or f"{stem}.json"
    problems = _schema_problems(name, record, load_vocabularies())
    return problems + _semantic_problems(name, stem, record)
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
    if path.is_symlink() and not path.exists():
        return None, Problem(path.name, "(file)", "is a symbolic link that leads nowhere (or "
                             "round in a loop); remove it or point it at a case study file")
    if not path.is_file():
        return None, Problem(path.name, "(file)", "is a folder or a device, not a file; move "
                             "it out of the corpus folder or rename it")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, Problem(path.name, "(file)", f"cannot be read ({exc.strerror}); check that "
                             "it exists and that this account may read it")
    try:
        # utf-8-sig: Windows Notepad starts UTF-8 files with a byte order mark; accept it.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, Problem(
            path.name, "(file)", f"not UTF-8 (byte {exc.start}); save the file as UTF-8"
        )
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, Problem(path.name, "(file)", json_reason(exc.msg, exc.lineno, exc.colno))
    except RecursionError:  # far deeper than MAX_DEPTH: json gives up before we can look
        record = None
        depth: str | None = f"JSON nested more than {MAX_DEPTH} levels deep"
    else:
        depth = _depth_problem(record)
    if depth is not None:
        return None, Problem(path.name, "(file)", f"{depth}; a case study is one object of "
                             "text, lists and small objects")
    return record, None


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


_CORPUS_DATA = {"schema.json", "vocabularies.json", "precedents.json", "organisations.json"}


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
            problems = _surrogate_problems(file.name, record)
        if problem is None and not problems:
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
    """The record as the public may see it: no consent flags, no name without consent.

    Without ``consent.named`` no one the record names is shown: the quoted person's name
    leaves ``quote.name`` and every text (an imported document's prose can repeat it), and so
    does every name its document gave (``provenance.people``: the librarians, the team), which
    a draft started from an upload keeps in its writer's own text. An import's provenance
    stays in the corpus; with ``consent.named`` its document's file name is public as
    ``document`` (a file name is free text that often carries a person's name).
    """
    public = {k: v for k, v in record.items() if k not in ("consent", "provenance")}
    quote = record.get("quote")
    if quote is not None:
        public["quote"] = {k: v for k, v in quote.items() if k != "name"}
    if record["consent"]["named"] is True:
        if quote is not None and "name" in quote:
            public["quote"]["name"] = quote["name"]
        source = (record.get("provenance") or {}).get("source") or {}
        if source.get("file"):
            public["document"] = source["file"]
        return public
    names = [quote["name"]] if quote is not None and "name" in quote else []
    names += (record.get("provenance") or {}).get("people", [])
    return {k: v if k == "id" else _withheld(v, names) for k, v in public.items()}


def _withheld(value: Any, names: list[str]) -> Any:
    """``value`` (text, or lists and objects of it) with every one of ``names``, and every
    e-mail address (which names its owner too), withheld."""
    if isinstance(value, str):
        return withhold_emails(withhold(value, names))
    if isinstance(value, list):
        return [_withheld(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _withheld(v, names) for k, v in value.items()}
    return value


def corpus_hash(files: Iterable[Path]) -> str:
    """SHA-256 over the names and bytes of the corpus files, in name order."""
    digest = hashlib.sha256()
    for file in sorted(files):
        digest.update(file.name.encode("utf-8") + b"\0")
        try:
            digest.update(file.read_bytes() + b"\0")
        except OSError:  # a folder or a broken link: reported as a problem, named above
            digest.update(b"\1")
    return digest.hexdigest()
