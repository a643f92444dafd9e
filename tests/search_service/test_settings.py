from __future__ import annotations

from pathlib import Path

import pytest

from search_service import create_app
from search_service.settings import SETTINGS

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_setting_is_documented_in_the_readme(setting: object) -> None:
    assert f"`{setting.name}`" in README.read_text(encoding="utf-8")  # type: ignore[attr-defined]


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IMPACT_SEARCH_INDEX_DIR", str(tmp_path))
    monkeypatch.setenv("IMPACT_SEARCH_CACHE_MAX_AGE", "5")
    app = create_app()
    assert app.config["INDEX_DIR"] == str(tmp_path)
    assert app.config["CACHE_MAX_AGE"] == 5


def test_readme_shows_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
