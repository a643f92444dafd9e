"""Installed from a clean copy of the repository (what a fresh clone holds: no node_modules,
nothing made by `make`), without Node on the PATH, the service works from any directory and
serves the styled pages: `pip install .`, and a wheel built by `python -m build` (which goes
through the sdist). The copy is `git archive HEAD`, so this tests what is committed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CSS = "/static/vendor/nhsuk-frontend/nhsuk-frontend.min.css"
CLI = "import sys; from search_service.cli import main; sys.exit(main())"


def _clean_copy(out: Path) -> Path:
    if not (ROOT / ".git").exists():
        if os.environ.get("CI"):
            pytest.fail(f"{ROOT} is not a git checkout; CI must test a clean copy of HEAD")
        pytest.skip("not a git checkout: no clean copy to install from")
    archive = out / "head.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive),
                    "HEAD"], check=True, capture_output=True)
    source = out / "src"
    with tarfile.open(archive) as tar:
        tar.extractall(source, filter="data")
    return source


def _no_node() -> dict[str, str]:
    # Only this Python's bin folder on the PATH: no node, npm or make to fall back on.
    return {**os.environ, "PATH": str(Path(sys.executable).parent)}


def _pip_install(source: Path, out: Path) -> Path:
    target = out / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--target", str(target), str(source)],
                   check=True, capture_output=True, env=_no_node(), cwd=source)
    return target


def _wheel_install(source: Path, out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                    str(out / "dist"), str(source)], check=True, capture_output=True,
                   env=_no_node())
    wheel = next((out / "dist").glob("impact_search-*.whl"))
    target = out / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    return target


@pytest.fixture(scope="module", params=["pip install .", "python -m build"])
def installed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("install")
    source = _clean_copy(out)
    assert not (source / "node_modules").exists()
    install = _pip_install if request.param == "pip install ." else _wheel_install
    return install(source, out)


def _env(target: Path) -> dict[str, str]:
    # The installed copy comes first on the path, ahead of this checkout's editable install.
    return {**os.environ, "PYTHONPATH": str(target), "IMPACT_SEARCH_INDEX_DIR": ""}


def _cli(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CLI, *args], cwd=cwd, env=_env(target),
                          capture_output=True, text=True, timeout=120)


def test_the_install_contains_the_bundled_data(installed: Path) -> None:
    assert (installed / "indexer" / "_data" / "corpus" / "schema.json").exists()
    assert len(list((installed / "indexer" / "_data" / "corpus" / "cases").glob("*.json"))) == 200
    # The pages' design system (committed in web/vendor, with its licence) and templates.
    web = installed / "search_service" / "_data" / "web"
    assert (web / "vendor" / "nhsuk-frontend" / "nhsuk-frontend.min.css").exists()
    assert (web / "vendor" / "nhsuk-frontend" / "LICENSE").exists()
    assert (installed / "search_service" / "templates" / "pages" / "search.html").exists()
    # Cards: the bundled typeface with its licence, and the cards' own templates.
    cards = installed / "search_service" / "cards"
    assert {p.name for p in (cards / "fonts").iterdir()} >= {
        "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "OFL.txt"}
    assert (cards / "templates" / "cards" / "endorsement.html").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def server(installed: Path, tmp_path: Path) -> Iterator[str]:
    index = tmp_path / "ix"
    built = _cli(installed, tmp_path, "index", "--index", str(index), "--quiet")
    assert built.returncode == 0, built.stderr
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", CLI, "serve", "--index", str(index),
                                "--port", str(port)], cwd=tmp_path, env=_env(installed),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        # Up to a minute: importing the app (numpy, scikit-learn, nltk, Pillow) can take ten
        # seconds on a loaded two-core machine.
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{url}/api/v1/health", timeout=5):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_validate_from_another_directory(installed: Path, tmp_path: Path) -> None:
    where = _cli(installed, tmp_path, "validate")
    assert where.returncode == 0 and "200 files" in where.stdout


def test_serves_the_styled_pages_from_another_directory(server: str) -> None:
    with urllib.request.urlopen(f"{server}/api/v1/health") as response:
        assert b'"status":"ok"' in response.read()
    with urllib.request.urlopen(f"{server}/") as response:
        page = response.read().decode("utf-8")
    assert CSS in page
    with urllib.request.urlopen(f"{server}{CSS}") as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "text/css"
        assert b"--nhsuk-frontend-version" in response.read()


def test_draws_a_card_with_the_font_inside_the_installed_package(server: str) -> None:
    card = "/cases/falls-bundle-evidence-review-northmoor/card.png"
    with urllib.request.urlopen(f"{server}{card}") as response:
        assert response.headers["Content-Type"] == "image/png"
        assert response.read(4) == b"\x89PNG"
