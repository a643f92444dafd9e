from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from search_service import create_app
from search_service.settings import SETTINGS, Setting, SettingsError, check_settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IMPACT_SEARCH_INDEX_DIR", str(tmp_path))
    monkeypatch.setenv("IMPACT_SEARCH_CACHE_MAX_AGE", "5")
    app = create_app()
    assert app.config["INDEX_DIR"] == str(tmp_path)
    assert app.config["CACHE_MAX_AGE"] == 5


def test_readme_shows_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text


@pytest.mark.parametrize(("typed", "value"), [
    ("False", False), ("false", False), ("0", False), ("off", False), ("No", False),
    ("True", True), ("true", True), ("1", True), ("on", True), ("YES", True),
])
def test_a_switch_reads_the_words_people_type(monkeypatch: pytest.MonkeyPatch, index_dir: Path,
                                               typed: str, value: bool) -> None:
    monkeypatch.setenv("IMPACT_SEARCH_RATELIMIT_ENABLED", typed)
    assert create_app({"INDEX_DIR": str(index_dir)}).config["RATELIMIT_ENABLED"] is value


@pytest.mark.parametrize(("enabled", "statuses"), [("False", [200, 200, 200]),
                                                   ("True", [200, 200, 429])])
def test_ratelimit_enabled_false_turns_rate_limiting_off(
        monkeypatch: pytest.MonkeyPatch, index_dir: Path, enabled: str,
        statuses: list[int]) -> None:
    monkeypatch.setenv("IMPACT_SEARCH_RATELIMIT_ENABLED", enabled)
    monkeypatch.setenv("IMPACT_SEARCH_RATELIMIT_SEARCH", "2/minute")
    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    assert [client.get("/api/v1/search?q=falls").status_code for _ in range(3)] == statuses


def test_bad_settings_refuse_to_start_with_one_message_each(
        monkeypatch: pytest.MonkeyPatch, index_dir: Path) -> None:
    monkeypatch.setenv("IMPACT_SEARCH_HSTS_MAX_AGE", "1y")
    monkeypatch.setenv("IMPACT_SEARCH_RATELIMIT_ENABLED", "maybe")
    monkeypatch.setenv("IMPACT_SEARCH_CONTACT_EMAIL", "the library")
    with pytest.raises(SettingsError) as caught:
        create_app({"INDEX_DIR": str(index_dir), "MAX_CONTENT_LENGTH": 0})
    assert caught.value.problems == [
        "IMPACT_SEARCH_MAX_CONTENT_LENGTH=0 is not allowed: use a whole number, 1 or more.",
        "IMPACT_SEARCH_CONTACT_EMAIL='the library' is not allowed: use an email address, or "
        "empty for none.",
        "IMPACT_SEARCH_RATELIMIT_ENABLED='maybe' is not allowed: use true or false.",
        "IMPACT_SEARCH_HSTS_MAX_AGE='1y' is not allowed: use a whole number of seconds, 0 or "
        "more (31536000 is a year).",
    ]


@pytest.mark.parametrize(("name", "typed", "value"), [
    ("HSTS_MAX_AGE", "31536000", 31536000), ("HSTS_MAX_AGE", 600, 600),
    ("CACHE_MAX_AGE", "0", 0), ("TRUSTED_PROXIES", "1", 1),
    ("RATELIMIT_SEARCH", "10/second; 50 per minute", "10/second; 50 per minute"),
    ("SERVICE_NAME", 2024, "2024"), ("CONTACT_EMAIL", "", ""),
    ("CONTACT_EMAIL", "library@example.nhs.uk", "library@example.nhs.uk"),
    ("INDEX_DIR", Path("/srv/index"), "/srv/index"), ("INDEX_DIR", "", None),
    ("PUBLIC_URL", "https://impact.example.nhs.uk/", "https://impact.example.nhs.uk"),
    ("PUBLIC_URL", "https://example.nhs.uk/impact", "https://example.nhs.uk/impact"),
    ("PUBLIC_URL", "http://127.0.0.1:8000", "http://127.0.0.1:8000"), ("PUBLIC_URL", "", ""),
])
def test_allowed_values_are_read_as_their_kind(name: str, typed: Any, value: Any) -> None:
    assert check_settings({name: typed})[name] == value


@pytest.mark.parametrize(("name", "typed"), [
    ("HSTS_MAX_AGE", "-1"), ("HSTS_MAX_AGE", 1.5), ("HSTS_MAX_AGE", True),
    ("TRUSTED_PROXIES", "one"), ("RATELIMIT_SIMILAR", "30/fortnight"),
    ("RATELIMIT_SUGGEST", ""), ("METRICS_ENABLED", "2"), ("SERVICE_NAME", ["a"]),
    ("PUBLIC_URL", "impact.example.nhs.uk"), ("PUBLIC_URL", "javascript:alert(1)"),
    ("PUBLIC_URL", "https://impact.example.nhs.uk/?from=feed"),
    ("PUBLIC_URL", "https://impact.example.nhs.uk/#top"), ("PUBLIC_URL", "ftp://example.nhs.uk"),
])
def test_values_that_are_not_allowed(name: str, typed: Any) -> None:
    with pytest.raises(SettingsError) as caught:
        check_settings({name: typed})
    [problem] = caught.value.problems
    assert problem.startswith(f"IMPACT_SEARCH_{name}=") and "is not allowed: use " in problem


def test_a_setting_declared_without_a_kind_takes_its_defaults() -> None:
    kinds = {type(s.default): s.kind_of().allowed for s in SETTINGS if s.kind is None}
    assert kinds[bool] == "true or false"
    assert kinds[int] == "a whole number, 0 or more"
    assert Setting("NEW", "x", "help").kind_of().allowed == "text"
