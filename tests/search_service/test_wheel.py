"""The built wheel carries corpus/ and web/: installed anywhere, `impact-search index` and
`impact-search serve` work from another directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(out / "dist"), str(ROOT)], check=True, capture_output=True)
    wheel = next((out / "dist").glob("impact_search-*.whl"))
    target = out / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    return target


def _env(target: Path) -> dict[str, str]:
    # The installed copy comes first on the path, ahead of this checkout's editable install.
    return {**os.environ, "PYTHONPATH": str(target), "IMPACT_SEARCH_INDEX_DIR": ""}


def _cli(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from search_service.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=_env(target),
                          capture_output=True, text=True, timeout=120)


def test_wheel_contains_the_bundled_data(installed: Path) -> None:
    assert (installed / "indexer" / "_data" / "corpus" / "schema.json").exists()
    assert len(list((installed / "indexer" / "_data" / "corpus" / "cases").glob("*.json"))) == 200
    assert (installed / "search_service" / "_data" / "web").is_dir()
    # The pages' design system (copied from npm by `make assets`) and templates travel too.
    web = installed / "search_service" / "_data" / "web"
    assert (web / "vendor" / "nhsuk-frontend" / "nhsuk-frontend.min.css").exists()
    assert (installed / "search_service" / "templates" / "pages" / "search.html").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_index_and_serve_from_another_directory(installed: Path, tmp_path: Path) -> None:
    where = _cli(installed, tmp_path, "validate")
    assert where.returncode == 0 and "200 files" in where.stdout
    index = tmp_path / "ix"
    built = _cli(installed, tmp_path, "index", "--index", str(index), "--quiet")
    assert built.returncode == 0, built.stderr
    port = _free_port()
    code = "import sys; from search_service.cli import main; sys.exit(main())"
    server = subprocess.Popen([sys.executable, "-c", code, "serve", "--index", str(index),
                               "--port", str(port)], cwd=tmp_path, env=_env(installed),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        body = b""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health") as r:
                    body = r.read()
                break
            except OSError:
                time.sleep(0.1)
        assert b'"status":"ok"' in body
    finally:
        server.terminate()
        server.wait(timeout=10)
