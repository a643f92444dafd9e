"""A full disk or a read-only index folder: `impact-search index` says what to do, leaves the
live index as it was and writes no half generation. Real file systems: a small or read-only
tmpfs, mounted in a private mount namespace (``unshare``) that ends with the command."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.prodserver import impact_search


def index_on_tmpfs(tmp_path: Path, options: str) -> subprocess.CompletedProcess[str]:
    """``impact-search index`` into a fresh tmpfs mounted with ``options``."""
    if shutil.which("unshare") is None:
        if os.environ.get("CI"):
            pytest.fail("unshare (util-linux) is missing")
        pytest.skip("unshare (util-linux) is missing")
    mount = tmp_path / "disk"
    mount.mkdir()
    # The listing after the build shows what it left on that disk (printed to stdout).
    script = (f"mount -t tmpfs -o {options} tmpfs {mount} || exit 9; "
              f"{impact_search()} index --index {mount}/index --quiet; "
              f"status=$?; ls -A {mount}/index 2>/dev/null; exit $status")
    return subprocess.run(["unshare", "--map-root-user", "--mount", "sh", "-c", script],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})


def test_a_full_disk_says_what_to_do(tmp_path: Path) -> None:
    # The bundled corpus needs about 2.7 MB; the disk has 1 MB.
    done = index_on_tmpfs(tmp_path, "size=1m")
    assert done.returncode == 1, done.stderr
    assert "No space left on device" in done.stderr and "Free some space" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.split() == ["build.lock"]  # no half generation, no CURRENT


def test_a_read_only_index_folder_says_what_to_do(tmp_path: Path) -> None:
    done = index_on_tmpfs(tmp_path, "size=1m,ro")
    assert done.returncode == 1, done.stderr
    assert "Read-only file system" in done.stderr and "writable" in done.stderr
    assert "Traceback" not in done.stderr
