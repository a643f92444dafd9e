"""The query language: read what a person typed, bound it, and build a Whoosh query.

Supported: free words (any may match; documents matching more rank higher), ``"phrases"``,
``-word`` and ``-"phrase"`` to exclude, ``AND``/``OR``/``NOT`` with brackets, ``title:``,
``topics:`` and ``organisation:`` for one field, and ``prefix*`` (three or more characters
before the ``*``).

Whoosh's own parser raises on some strings and some shapes (``*``, ranges, an OR of 1,000
terms, 1,000 nested brackets) take tens of seconds, so Whoosh never sees user syntax: this
module builds the query objects itself. Bounds that protect the service raise
:class:`QueryError` (a 400 that names the bound); syntax it cannot read falls back to plain
words with a notice. No string makes it raise anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import query as wq

from indexer.analysis import default_pipeline, normalise_word
from search_service.engine.errors import QueryError
from search_service.engine.scoring import TEXT

__all__ = ["ParsedQuery", "parse_query", "MAX_QUERY_CHARS", "MAX_TERMS", "UnionOr", "WordsOr"]

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_DEPTH = 8
MIN_PREFIX = 3
MAX_PREFIX_EXPANSION = 100
FIELDS = {"title": ("title",), "topics": ("topics",), "organisation": ("organisation",),
          "topic": ("topics",), "org": ("organisation",)}

Expander = Callable[[str, str], list[str]]  # (field, prefix) -> terms in the index


class UnionOr(wq.Or):  # type: ignore[misc]
    """Whoosh's ``Or`` that always uses the binary tree of union matchers.

    Whoosh 2.7.4 picks an "array" matcher for indexes under 5,000 documents; with a result
    limit it drops documents (``pressure ulcer`` with limit=3 missed the best match), so the
    top hits depended on the page size. The union tree scores every match.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


class WordsOr(UnionOr):
    """The union of plain words someone typed: what pseudo-relevance feedback may expand."""

    free_words = True


class _Fallback(Exception):
    """Syntax we cannot read: search the words instead."""


@dataclass
class ParsedQuery:
    text: str
    query: wq.Query | None  # None: no positive condition (list everything)
    terms: set[str] = field(default_factory=set)  # analysed terms, for highlighting
    words: list[str] = field(default_factory=list)  # plain words, for "did you mean"
    notices: list[str] = field(default_factory=list)

    def notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)


_LEX = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<neg>-)(?=[^\s-])|"(?P<phrase>[^"]*)"?'
                  r'|(?P<word>[^\s()"]+))')


def _lex(text: str) -> list[tuple[str, str]]:
    tokens = []
    for m in _LEX.finditer(text):
        kind = m.lastgroup
        if kind is None:
            continue
        tokens.append((kind, m.group(kind) if kind in ("phrase", "word") else kind))
    return tokens


def _check_bounds(text: str, tokens: list[tuple[str, str]]) -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is {len(text):,} characters long; the limit is "
                         f"{MAX_QUERY_CHARS}. Shorten it to the words that matter.")
    words = sum(len(v.split()) for k, v in tokens if k in ("word", "phrase")
                and v not in ("AND", "OR", "NOT"))
    if words > MAX_TERMS:
        raise QueryError(f"The query has {words} words; the limit is {MAX_TERMS}. "
                         "Use fewer, more specific words.")
    depth = deepest = 0
    for kind, _ in tokens:
        depth += kind == "lp"
        depth -= kind == "rp"
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise QueryError(f"Brackets nest {deepest} levels deep; the limit is {MAX_DEPTH}.")


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], expand: Expander,
                 parsed: ParsedQuery) -> None:
        self.tokens = tokens
        self.i = 0
        self.expand = expand
        self.parsed = parsed

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.i >= len(self.tokens):  # an operator at the end: "falls AND"
            raise _Fallback
        token = self.tokens[self.i]
        self.i += 1
        return token

    def is_op(self, name: str) -> bool:
        token = self.peek()
        return token is not None and token == ("word", name)

    # or_expr := seq (OR seq)*
    def or_expr(self) -> tuple[list[wq.Query], list[wq.Query]]:
        positives, negatives = self.seq()
        while self.is_op("OR"):
            self.take()
            if (self.peek() or ("rp", ""))[0] == "rp":
                raise _Fallback
            more_pos, more_neg = self.seq()
            positives += more_pos
            negatives += more_neg
        return positives, negatives

    # seq := chain+ (any may match); chain := unary (AND unary)*
    def seq(self) -> tuple[list[wq.Query], list[wq.Query]]:
        positives: list[wq.Query] = []
        negatives: list[wq.Query] = []
        while (tok := self.peek()) is not None and tok[0] != "rp" and not self.is_op("OR"):
            if self.is_op("AND"):
                raise _Fallback
            chain = [self.unary()]
            while self.is_op("AND"):
                self.take()
                # Nothing or ")" after AND: take() and atom() fall back.
                # AND binds one operand: "falls AND sepsis ulcer" is (falls AND sepsis) ulcer.
                chain.append(self.unary(group=False))
            required = [q for neg, q in chain if not neg and q is not None]
            excluded = [q for neg, q in chain if neg and q is not None]
            if len(chain) == 1 or not required:
                positives += required
                negatives += excluded
            else:
                must: wq.Query = wq.And(required) if len(required) > 1 else required[0]
                positives.append(wq.AndNot(must, UnionOr(excluded)) if excluded else must)
        return positives, negatives

    def unary(self, group: bool = True) -> tuple[bool, wq.Query | None]:
        if self.is_op("NOT") or (self.peek() or ("", ""))[0] == "neg":
            self.take()
            if self.peek() is None:
                raise _Fallback
            negated, q = self.unary(group)
            return (not negated), q
        return False, self.atom(group)

    def atom(self, group: bool) -> wq.Query | None:
        kind, value = self.take()
        if kind == "lp":
            positives, negatives = self.or_expr()
            if self.peek() != ("rp", "rp"):
                raise _Fallback
            self.take()
            return _combine(positives, negatives)
        if kind == "rp":
            raise _Fallback
        if kind == "phrase":
            return self.phrase(value, (TEXT,))
        if _plain(value):
            # Neighbouring plain words are analysed together, so that multi-word acronym
            # expansions ("emergency department") meet their acronym ("ED").
            words = [value]
            while group and (nxt := self.peek()) is not None and nxt[0] == "word" \
                    and _plain(nxt[1]) \
                    and self.tokens[self.i + 1:self.i + 2] != [("word", "AND")]:
                words.append(self.take()[1])
            return self.terms(" ".join(words), (TEXT,))
        return self.word(value)

    def word(self, value: str) -> wq.Query | None:
        if value in ("AND", "OR", "NOT"):
            raise _Fallback
        name, sep, rest = value.partition(":")
        if sep and name.lower() in FIELDS:
            if rest == "" and (self.peek() or ("", ""))[0] == "phrase":
                return self.phrase(self.take()[1], FIELDS[name.lower()])
            return self.terms(rest, FIELDS[name.lower()])
        if sep and rest and re.fullmatch(r"[A-Za-z_]+", name):
            self.parsed.notice(
                f"There is no field called {name!r}: searched for the words instead. "
                "Fields you can name: title, topics, organisation.")
            return self.terms(f"{name} {rest}", (TEXT,))
        return self.terms(value, (TEXT,))

    def terms(self, value: str, fields: tuple[str, ...]) -> wq.Query | None:
        value = self._strip_operators(value)
        if "*" in value:
            return self.prefix(value, fields)
        self.parsed.words += re.findall(r"[^\W\d_]+", value)
        pipeline = default_pipeline()
        subs = []
        for term in pipeline.terms(value, query=True):
            self.parsed.terms.add(term.text)
            sub = _field_term(term.text, fields)
            plain = pipeline.words(term.surface) if pipeline.display(term.text) else []
            if len(plain) == 1 and plain[0] != term.text:
                # A one-word acronym is also an ordinary word: "salt" means salt as well as
                # speech and language therapy, "send" sending as well as SEND.
                self.parsed.terms.add(plain[0])
                sub = WordsOr([sub, _field_term(plain[0], fields)])
            subs.append(sub)
        return _any(subs, words=True)

    def phrase(self, value: str, fields: tuple[str, ...]) -> wq.Query | None:
        terms = [t.text for t in default_pipeline().terms(value, query=True)]
        self.parsed.terms.update(terms)
        if len(terms) <= 1:
            return _any([_field_term(t, fields) for t in terms])
        return _any([wq.Phrase(f, terms) for f in fields])

    def prefix(self, value: str, fields: tuple[str, ...]) -> wq.Query | None:
        stem = value[:-1] if value.endswith("*") else ""
        if not stem or "*" in stem or len(re.sub(r"\W", "", stem)) < MIN_PREFIX:
            raise QueryError(f"{value!r}: a wildcard needs at least {MIN_PREFIX} letters "
                             "before the * and can only end a word (for example diab*).")
        prefix = normalise_word(stem)
        per_field = {f: self.expand(f, prefix) for f in fields}
        expansions = sorted({t for terms in per_field.values() for t in terms})
        if len(expansions) > MAX_PREFIX_EXPANSION:
            raise QueryError(f"{value!r} matches {len(expansions)} different words; the limit "
                             f"is {MAX_PREFIX_EXPANSION}. Type more letters before the *.")
        self.parsed.terms.update(expansions)
        # Never free words, as one plain Term would be: related results and feedback follow
        # only words people typed, however many words the wildcard expands to. A wildcard
        # that expands to nothing matches nothing, as an unknown word does (not dropped as a
        # stop word is: "zzz* -sepsis" must not list everything else).
        return UnionOr([wq.Term(f, t) for f, terms in per_field.items() for t in terms])

    def _strip_operators(self, value: str) -> str:
        fuzzy = re.sub(r"~\d*(\.\d+)?$", "", value)
        boosted = re.sub(r"\^\d+(\.\d+)?$", "", fuzzy)
        if boosted != value:
            self.parsed.notice(
                f"Fuzzy (~) and boost (^) operators are not supported: searched for "
                f"{boosted!r}.")
        if re.search(r"[\[\]{}]", boosted):
            self.parsed.notice(
                "Ranges ([a TO z]) are not supported: searched for the words instead.")
            boosted = re.sub(r"[\[\]{}]", " ", boosted)
        return boosted


def _plain(word: str) -> bool:
    return word not in ("AND", "OR", "NOT") and not re.search(r"[:*~^\[\]{}]", word)


def _field_term(term: str, fields: tuple[str, ...]) -> wq.Query:
    return _any([wq.Term(f, term) for f in fields]) or wq.NullQuery


def _any(subs: list[wq.Query], words: bool = False) -> wq.Query | None:
    subs = [s for s in subs if s is not None and s is not wq.NullQuery]
    if not subs:
        return None
    if len(subs) == 1:
        return subs[0]
    return WordsOr(subs) if words else UnionOr(subs)


def _combine(positives: list[wq.Query], negatives: list[wq.Query]) -> wq.Query | None:
    positive: wq.Query
    if not positives:
        positive = wq.Every()
    elif len(positives) == 1:
        positive = positives[0]
    else:
        # A plain sum: BM25F adds each matching word's score, so a document that matches more
        # of the words ranks higher. Whoosh's coordination bonus (OrGroup.factory) is not
        # used: under a result limit its scores changed with the page size.
        positive = UnionOr(positives)
    if negatives:
        return wq.AndNot(positive, UnionOr(negatives))
    return positive if positives else None


def parse_query(text: str, expand: Expander) -> ParsedQuery:
    """Parse ``text``; ``expand(field, prefix)`` lists index terms for ``prefix*``."""
    text = text.strip()
    parsed = ParsedQuery(text=text, query=None)
    if not text:
        return parsed
    tokens = _lex(text)
    _check_bounds(text, tokens)
    if text.count('"') % 2:
        parsed.notice("A closing quotation mark was missing, so the phrase runs to the end "
                      "of the query.")
    if all(kind == "word" and _plain(value) for kind, value in tokens):
        # Only free words (the common case): the grammar below would read them as one run.
        positive = _Parser(tokens, expand, parsed).terms(" ".join(v for _, v in tokens), (TEXT,))
        parsed.query = positive if positive is not None else wq.NullQuery
        if positive is None:
            parsed.notice("The query has only very common words; try more specific ones.")
        return parsed
    try:
        parser = _Parser(tokens, expand, parsed)
        positives, negatives = parser.or_expr()
        if parser.peek() is not None:
            raise _Fallback
    except _Fallback:
        parsed.notice("We could not read the query's operators or brackets, so we "
                              "searched for its words instead.")
        # Split phrases before dropping operators: the phrase "a AND b" must not bring an
        # operator back into the plain-words parse.
        plain = [w for k, v in tokens if k in ("word", "phrase") for w in v.split()
                 if w not in ("AND", "OR", "NOT")]
        parsed.terms.clear()
        parsed.words.clear()
        parser = _Parser([("word", w) for w in plain], expand, parsed)
        positives, negatives = parser.or_expr()
    if not positives and not negatives:
        parsed.query = wq.NullQuery  # only stop words: nothing can match
        parsed.notice("The query has only very common words; try more specific ones.")
        return parsed
    combined = _combine(positives, negatives)
    parsed.query = combined
    return parsed
