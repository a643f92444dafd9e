"""The deployment recipes: the systemd unit passes ``systemd-analyze verify`` with its sandbox,
and the container recipe's own install and start commands, run in a clean copy of the
repository with a fresh virtualenv, give a server that answers health. (No container daemon
or systemd runs on these machines; this is what can be run here.)"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "impact-search.service"
CONTAINERFILE = ROOT / "Containerfile"
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def directives(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def test_the_systemd_unit_verifies_and_is_sandboxed(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze is missing; .ci/run installs Debian's systemd")
        pytest.skip("systemd-analyze is missing (apt-get install systemd)")
    text = UNIT.read_text(encoding="utf-8")
    # verify checks that the commands exist: point them at this virtualenv's.
    unit = tmp_path / UNIT.name
    unit.write_text(text.replace("/opt/impact-search/bin/", f"{Path(sys.executable).parent}/"),
                    encoding="utf-8")
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr  # unknown keys warn only
    found = directives(text)
    assert found["Restart"] == ["on-failure"]
    assert found["ProtectSystem"] == ["strict"] and found["NoNewPrivileges"] == ["yes"]
    # The one writable place (besides a private /tmp) is the index folder.
    assert found["StateDirectory"] == ["impact-search/index"]
    assert "ReadWritePaths" not in found and found["PrivateTmp"] == ["yes"]
    assert found["Environment"][0] == "IMPACT_SEARCH_INDEX_DIR=/var/lib/impact-search/index"
    assert found["ExecStart"] == [
        "/opt/impact-search/bin/impact-search serve --prod --host 127.0.0.1 --port 8000"]


def test_the_container_recipe_runs_the_tested_scripts() -> None:
    text = CONTAINERFILE.read_text(encoding="utf-8")
    assert "RUN deploy/install.sh /opt/impact-search" in text
    assert 'CMD ["/src/deploy/start.sh"]' in text
    assert "IMPACT_SEARCH_INDEX_DIR=/var/lib/impact-search/index" in text


def copy_repository(target: Path) -> Path:
    junk = shutil.ignore_patterns(".git", ".venv", "node_modules", "instance", "__pycache__",
                                  ".*_cache", ".hypothesis", "bench", "docs", "dist", "build")
    shutil.copytree(ROOT, target, ignore=junk, symlinks=True)
    return target


@pytest.mark.slow
def test_the_container_recipe_installs_and_starts_in_a_clean_copy(tmp_path: Path) -> None:
    source = copy_repository(tmp_path / "src")
    prefix = tmp_path / "opt"
    clean = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path / "home"),
             "TMPDIR": str(tmp_path / "tmp"), "OPENBLAS_NUM_THREADS": "1"}
    (tmp_path / "tmp").mkdir()
    subprocess.run([source / "deploy" / "install.sh", prefix], env=clean, check=True,
                   timeout=900)
    environment = {**clean, "IMPACT_SEARCH_PREFIX": str(prefix),
                   "IMPACT_SEARCH_INDEX_DIR": str(tmp_path / "state" / "index"),
                   "IMPACT_SEARCH_HOST": "127.0.0.1", "IMPACT_SEARCH_PORT": "0",
                   "IMPACT_SEARCH_TRUSTED_PROXIES": "1"}
    log_path = tmp_path / "start.log"
    with open(log_path, "w", encoding="utf-8") as log:
        server = subprocess.Popen([source / "deploy" / "start.sh"], env=environment,
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        port = None
        while port is None and time.monotonic() < deadline and server.poll() is None:
            found = LISTENING.search(log_path.read_text(encoding="utf-8"))
            port = int(found.group(1)) if found else None
            time.sleep(0.2)
        assert port is not None, log_path.read_text(encoding="utf-8")
        body = b""
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health",
                                            timeout=10) as answer:
                    body = answer.read()
            except OSError:
                time.sleep(0.2)
        assert b'"status":"ok"' in body and b'"documents":185' in body
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    assert list((tmp_path / "tmp").iterdir()) == []  # the server's run folder is gone
    assert str(prefix) in (prefix / "bin" / "impact-search").read_text(encoding="utf-8")
