"""Deterministic synthetic case studies for benchmarks: ``python -m bench.scale_corpus``.

The bundled corpus (200 case studies) is too small to measure speed at 10k or 100k, so this
writes as many schema-valid records as asked for, from a seed:

- text: each narrative field is written by a word-bigram chain trained on the same field of the
  bundled case studies, so words, acronyms and their frequencies look like real submissions;
  every record is steered towards one bundled case study's topics (its theme), so that records
  cluster by subject as real ones do and "similar impact" has something to find;
- length: 250 to 450 words over title, summary, narrative and quote;
- facets: impact types, group, sector, region, service types and purpose are drawn from their
  frequencies in the bundled corpus (the keys of ``corpus/vocabularies.json``); organisations
  from a few hundred made-up names with a long-tailed distribution; dates 2015 to 2025.

The same ``--size`` and ``--seed`` always write byte-identical files.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.paths import corpus_dir
from indexer.sources.corpus import load_vocabularies

__all__ = ["Generator", "write_corpus", "main"]

Record = dict[str, Any]
FIELDS = ("title", "summary", "challenge", "lks_contribution", "outcome", "patient_benefit",
          "quote")
WORDS = (250, 450)
SUMMARY_WORDS = (25, 55)
FIRST_DATE = dt.date(2015, 1, 1).toordinal()
LAST_DATE = dt.date(2025, 6, 30).toordinal()
_WORD = re.compile(r"\S+")
_START, _END = "<s>", "</s>"


class _Weighted:
    """Draw from a fixed {value: weight} table with one ``bisect`` per draw."""

    def __init__(self, counts: Counter[str]) -> None:
        items = sorted(counts.items())
        self.values = [v for v, _ in items]
        self.cumulative = list(itertools.accumulate(w for _, w in items))

    def draw(self, rng: random.Random) -> str:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


class _Chain:
    """A word-bigram chain over sentences: ``sentence()`` walks from start to end."""

    def __init__(self, sentences: Sequence[list[str]]) -> None:
        following: dict[str, Counter[str]] = defaultdict(Counter)
        for words in sentences:
            for a, b in itertools.pairwise([_START, *words, _END]):
                following[a][b] += 1
        self.next = {word: _Weighted(counts) for word, counts in following.items()}

    def sentence(self, rng: random.Random, start: str | None = None, limit: int = 45) -> list[str]:
        words = [start] if start and start in self.next else []
        word = words[-1] if words else _START
        while len(words) < limit:
            word = self.next[word].draw(rng)
            if word == _END:
                break
            words.append(word)
        if words and words[-1][-1] not in ".!?":
            words[-1] += "."
        return words


def _sentences(text: str) -> list[list[str]]:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return [_WORD.findall(p) for p in parts if p]


@dataclass
class _Source:
    chains: dict[str, _Chain]
    themes: list[Record]
    facets: dict[str, _Weighted]
    counts: dict[str, _Weighted]  # how many values multi-valued fields hold
    organisations: list[str]
    roles: list[str]


def _organisations(records: Sequence[Record], rng: random.Random, total: int = 300) -> list[str]:
    """Made-up organisation names: the bundled ones, then place + kind combinations."""
    names = sorted({r["organisation"] for r in records})
    places = sorted({n.split()[0] for n in names if n[0].isupper()})
    kinds = sorted({" ".join(n.split()[1:]) for n in names if len(n.split()) > 1})
    pool = [f"{p} {k}" for p in places for k in kinds]
    rng.shuffle(pool)
    extra = [n for n in pool if n not in names][: max(0, total - len(names))]
    return names + extra


def load_source(seed: int) -> _Source:
    base = corpus_dir()
    records = [json.loads(p.read_text(encoding="utf-8"))
               for p in sorted((base / "cases").glob("*.json"))]
    chains = {}
    for name in FIELDS:
        texts = [r["quote"]["text"] if name == "quote" else r[name]
                 for r in records if (r.get(name) if name != "quote" else r.get("quote"))]
        chains[name] = _Chain([s for t in texts for s in _sentences(t)])
    facets = {name: _Weighted(Counter(v for r in records for v in _as_list(r[name])))
              for name in ("impact_types", "group_impacted", "sector", "region",
                           "service_types", "purpose")}
    counts = {name: _Weighted(Counter(str(len(r[name])) for r in records))
              for name in ("impact_types", "service_types", "topics")}
    roles = sorted({r["quote"]["role"] for r in records if r.get("quote")})
    return _Source(chains, records, facets, counts,
                   _organisations(records, random.Random(seed)), roles)


def _as_list(value: Any) -> list[str]:
    return list(value) if isinstance(value, list) else [value]


class Generator:
    """Records for one seed: ``record(i)`` depends only on the seed and ``i``."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.source = load_source(seed)
        self.vocab = load_vocabularies()
        # Zipf-like: a few organisations write many case studies, most write a few.
        orgs = self.source.organisations
        self.org_weights = list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(len(orgs))))

    def _text(self, rng: random.Random, field: str, theme: Record, words: int) -> str:
        """About ``words`` words of ``field``, each sentence started from a theme word."""
        chain = self.source.chains[field]
        starts = _WORD.findall(str(theme.get(field) or theme["title"]))
        out: list[str] = []
        while len(out) < words:
            start = rng.choice(starts) if starts and rng.random() < 0.5 else None
            sentence = chain.sentence(rng, start)
            sentence[0] = sentence[0][:1].upper() + sentence[0][1:]
            out += sentence[: words - len(out)]
        if out[-1][-1] not in ".!?":
            out[-1] += "."
        return " ".join(out)

    def _facets(self, rng: random.Random, name: str) -> list[str]:
        wanted = int(self.source.counts[name].draw(rng))
        chosen: dict[str, None] = {}
        for _ in range(50):
            if len(chosen) >= wanted:
                break
            chosen[self.source.facets[name].draw(rng)] = None
        return list(chosen)

    def record(self, i: int) -> Record:
        rng = random.Random(f"{self.seed}:{i}")
        theme = rng.choice(self.source.themes)
        total = rng.randint(*WORDS)
        title = self._text(rng, "title", theme, rng.randint(6, 12)).rstrip(".")
        summary = self._text(rng, "summary", theme, rng.randint(*SUMMARY_WORDS))
        narrative = total - len(title.split()) - len(summary.split())
        has_benefit, has_quote = rng.random() < 0.9, rng.random() < 0.85
        shares = {"challenge": 3, "lks_contribution": 3, "outcome": 3,
                  "patient_benefit": 2 if has_benefit else 0, "quote": 1 if has_quote else 0}
        unit = narrative / sum(shares.values())
        lengths = {f: int(unit * s) for f, s in shares.items() if s}
        lengths["outcome"] += narrative - sum(lengths.values())
        text = {f: self._text(rng, f, theme, n) for f, n in lengths.items()}
        organisation = self.source.organisations[bisect.bisect(
            self.org_weights, rng.random() * self.org_weights[-1])]
        topics = list(dict.fromkeys(
            rng.sample(theme["topics"], min(len(theme["topics"]), 3))
            + [t for t in rng.choice(self.source.themes)["topics"][:2]]))
        slug = re.sub(r"[^a-z0-9]+", "-", " ".join(title.lower().split()[:6])).strip("-")
        record: Record = {
            "id": f"{slug[:60].strip('-') or 'case'}-{i:06d}",
            "title": title,
            "summary": summary,
            "challenge": text["challenge"],
            "lks_contribution": text["lks_contribution"],
            "outcome": text["outcome"],
            "impact_types": self._facets(rng, "impact_types"),
            "group_impacted": self.source.facets["group_impacted"].draw(rng),
            "sector": self.source.facets["sector"].draw(rng),
            "region": self.source.facets["region"].draw(rng),
            "organisation": organisation,
            "service_types": self._facets(rng, "service_types"),
            "purpose": self.source.facets["purpose"].draw(rng),
            "topics": topics[: int(self.source.counts["topics"].draw(rng))],
            "submitted_date": dt.date.fromordinal(rng.randint(FIRST_DATE, LAST_DATE)).isoformat(),
            "consent": {"named": rng.random() < 0.75, "internal": True, "external": True},
        }
        if has_benefit:
            record["patient_benefit"] = text["patient_benefit"]
        if has_quote:
            record["quote"] = {"text": text["quote"], "name": f"Person {i}",
                               "role": rng.choice(self.source.roles),
                               "organisation": organisation}
        if rng.random() < 0.35:
            record["savings"] = {"money_gbp": rng.randrange(500, 250_000, 100)}
        if rng.random() < 0.25:
            record.setdefault("savings", {})["staff_hours"] = rng.randrange(5, 2_000)
        return record


def write_corpus(size: int, out: Path, seed: int = 0) -> int:
    """Write ``size`` records as ``out/<id>.json``; returns the number written."""
    out.mkdir(parents=True, exist_ok=True)
    generator = Generator(seed)
    for i in range(size):
        record = generator.record(i)
        (out / f"{record['id']}.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return size


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_corpus", description=__doc__
                                     .splitlines()[0])
    parser.add_argument("--size", type=int, required=True, help="number of case studies")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.size < 1:
        parser.error("--size must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty; give a new folder")
    write_corpus(args.size, args.out, args.seed)
    print(f"wrote {args.size} case studies to {args.out}")


if __name__ == "__main__":
    main()
