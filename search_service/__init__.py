"""The impact-search web service.

Import rule: :mod:`search_service.search`, :mod:`search_service.similar`,
:mod:`search_service.browse`, :mod:`search_service.query` and :mod:`search_service.params` are
Flask-free (no Flask imports, no request globals); blueprints are thin shells over them. This
package never builds an index: it opens what ``impact-search index`` published.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from search_service.app import make_app

    return make_app(test_config)
