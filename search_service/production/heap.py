"""Keep Python's cyclic garbage collector off the index a worker holds for hours.

A full collection walks every object the collector tracks. A worker with an index open holds
hundreds of thousands of long-lived ones, and a request that allocates many short-lived objects
(an A4 card: fontTools parses a font into ~100,000) sets off full collections that walk them
all: on a quiet machine an A4 card's p95 was three times its median (bench/cards.py).
``gc.freeze()`` moves every object alive at that moment out of all later collections, as
CPython's documentation suggests for long-running servers.

It is done after the response of the first request that sees a new index generation (so no
one waits for it): unfreeze, collect, freeze. Unfreezing first lets the previous generation,
once no request holds it, be collected at the next switch: at most one stale generation waits.
Only under ``serve --prod`` (``PRODUCTION``): the development server and the tests open many
short-lived apps, for which a full collection per app would cost more than it saves.
"""

from __future__ import annotations

import gc
import threading

from flask import Flask, Response, g

__all__ = ["init_app", "settle", "settled_generation"]

_lock = threading.Lock()
_settled: str | None = None  # per process: gc state is per process, not per app


def settled_generation() -> str | None:
    """The generation this process last settled its heap for (None before the first)."""
    return _settled


def settle(generation: str) -> None:
    """Collect what is garbage, then freeze what is left, once per generation per process."""
    global _settled
    with _lock:
        if _settled == generation:
            return
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _settled = generation


def _after(response: Response) -> Response:
    generation = g.get("generation")
    if generation is not None and generation.name != _settled:
        name = generation.name
        response.call_on_close(lambda: settle(name))
    return response


def init_app(app: Flask) -> None:
    if app.config.get("PRODUCTION"):
        app.after_request(_after)

