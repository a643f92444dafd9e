"""Where the bundled data lives: inside the packages in a wheel, else at the repository root."""

from __future__ import annotations

from pathlib import Path

__all__ = ["corpus_dir", "web_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str, installed: Path) -> Path:
    # A wheel carries the data inside the package (see pyproject's force-include); a source
    # checkout or editable install keeps it at the repository root.
    return installed if installed.is_dir() else _PACKAGE.parent / name


def corpus_dir() -> Path:
    """The bundled ``corpus/`` folder: schema, vocabularies, synonyms, stop words, cases."""
    return _bundled("corpus", _PACKAGE / "_data" / "corpus")


def web_dir() -> Path:
    """The bundled ``web/`` folder of static assets."""
    return _bundled("web", _PACKAGE.parent / "search_service" / "_data" / "web")
