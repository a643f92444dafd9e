"""The NHS.UK frontend's built files are committed in web/vendor (so that installing needs no
Node): they must be the version package-lock.json pins, exactly what `make assets` makes from
it, and complete (every file the CSS refers to is there)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "web" / "vendor" / "nhsuk-frontend"


def _locked_version() -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return str(lock["packages"]["node_modules/nhsuk-frontend"]["version"])


def test_the_committed_copy_is_the_locked_version() -> None:
    version = _locked_version()
    assert (VENDOR / "VERSION").read_text(encoding="utf-8").strip() == version
    css = (VENDOR / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    assert f'--nhsuk-frontend-version:"{version}"' in css
    js = (VENDOR / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
    assert f'const version="{version}"' in js
    assert "MIT License" in (VENDOR / "LICENSE").read_text(encoding="utf-8")


def test_every_file_the_css_refers_to_is_committed() -> None:
    css = (VENDOR / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
    local = {u for u in re.findall(r"url\(([^)\"']+)\)", css) if not u.startswith("data:")}
    assert local, "the CSS should use the icons"
    assert [u for u in local if not (VENDOR / u).is_file()] == []


def test_the_committed_copy_matches_what_make_assets_makes() -> None:
    if not (ROOT / "node_modules" / "nhsuk-frontend").is_dir():
        if os.environ.get("CI"):
            pytest.fail("node_modules is missing: `make test` runs npm ci first")
        pytest.skip("run `npm ci` (make node_modules/.installed) to compare with node_modules")
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "vendor_assets.py"),
                           "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
