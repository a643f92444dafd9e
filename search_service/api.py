"""The JSON API under ``/api/v1``: thin views over the Flask-free query functions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from search_service.cards import views as cards
from search_service.current import get_generation, live_index
from search_service.engine import browse, search, similar
from search_service.engine.errors import ParameterError
from search_service.engine.params import Filters, SearchParams
from search_service.openapi import openapi_document

__all__ = ["bp", "init_app"]

bp = Blueprint("api", __name__, url_prefix="/api/v1")

Args = dict[str, list[str]]


def _args() -> Args:
    return {k: request.args.getlist(k) for k in request.args}


def _k(default: int = 5) -> int:
    raw = request.args.get("k", str(default))
    try:
        return int(raw)
    except ValueError:
        raise ParameterError("k", f"{raw[:40]!r} is not a whole number") from None


@bp.get("/search")
def search_view() -> Response:
    generation = get_generation()
    params = SearchParams.from_args(_args(), generation.columns.keys)
    return jsonify(search.search(generation, params).to_json())


@bp.get("/cases/<case_id>")
def case_view(case_id: str) -> Response:
    case = browse.lookup(get_generation(), case_id).to_json()
    case["cards"] = cards.share(case)  # the case page shows the same downloads and alt text
    return jsonify(case)


@bp.get("/cases/<case_id>/similar")
def case_similar_view(case_id: str) -> Response:
    generation = get_generation()
    filters = Filters.from_args(_args(), generation.columns.keys)
    return jsonify(similar.similar_to_case(generation, case_id, _k(), filters).to_json())


@bp.post("/similar")
def draft_similar_view() -> Response:
    try:
        body: Any = request.get_json(silent=True)
    except RecursionError:  # json raises it, not ValueError, for deeply nested arrays
        body = None
    if not isinstance(body, dict):
        raise ParameterError("body", 'send JSON like {"text": "...", "k": 5, "filters": {}}')
    k = body.get("k", 5)
    if not isinstance(k, int) or isinstance(k, bool):
        raise ParameterError("k", "must be a whole number")
    generation = get_generation()
    filters = Filters.from_json(body.get("filters"), generation.columns.keys)
    text = body.get("text")
    if not isinstance(text, str):
        raise ParameterError("text", "must be a string: the draft's title and a few sentences")
    return jsonify(similar.similar_to_text(generation, text, k, filters).to_json())


@bp.get("/facets")
def facets_view() -> Response:
    return jsonify(browse.facet_overview(get_generation()).to_json())


@bp.get("/suggest")
def suggest_view() -> Response:
    return jsonify(browse.suggest(get_generation(), request.args.get("q", "")).to_json())


@bp.get("/health")
def health_view() -> Response:
    index = live_index()
    generation = index.check()  # re-verified if its files changed or it is time to
    body = {
        "ok": True,
        "status": "degraded" if index.degraded else "ok",
        "documents": generation.manifest.documents,
        "generation": generation.name,
        "built_at": generation.manifest.built_at,
        "format_version": generation.manifest.format_version,
    }
    if index.degraded:
        body["reason"] = index.degraded
    return jsonify(body)


@bp.get("/openapi.json")
def openapi_view() -> Response:
    return jsonify(openapi_document(get_generation().columns.keys))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
