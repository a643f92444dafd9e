"""The index generation a request reads, taken once per request (flaskr's ``get_db()``).

A rebuild can publish a new generation at any moment. Everything one request answers (the
ETag, a validation against the vocabularies, the results) must come from the same generation,
so the first caller reads the ``CURRENT`` pointer through :class:`LiveIndex` and every later
caller in the same request gets the generation kept on ``g``.
"""

from __future__ import annotations

from flask import current_app, g

from search_service.engine.live import Generation, LiveIndex

__all__ = ["get_generation", "live_index"]


def live_index() -> LiveIndex:
    """This app's :class:`LiveIndex` (one per worker process)."""
    index: LiveIndex = current_app.extensions["live_index"]
    return index


def get_generation() -> Generation:
    """The generation this request answers from: read once, then kept on ``g``."""
    generation: Generation | None = g.get("generation")
    if generation is None:
        generation = g.generation = live_index().current()
    return generation
