"""A real PostgreSQL server (Debian's postgresql) in a temporary folder on a free loopback
port, for tests. PostgreSQL refuses to run as root, so as root (CI) the folder is given to the
``postgres`` user and the server run as it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin() -> Path:
    """PG_BIN, else the newest Debian server installed (/usr/lib/postgresql/N/bin)."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


BIN = _bin()


def available() -> bool:
    return (BIN / "initdb").exists() and (BIN / "pg_ctl").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="impact-search-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user is not None:
            shutil.chown(self.folder, self.user)
            os.chmod(self.folder, 0o700)
        self._run([str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                   "-E", "UTF8", "--locale=C.UTF-8"])
        self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                   "-w", "-t", "60", "-o",
                   f"-p {self.port} -h 127.0.0.1 -k {self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off", "start"])

    def _run(self, command: list[str]) -> None:
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.folder / "log"
            raise RuntimeError(f"{command[0]} failed: {result.stderr}\n"
                               f"{log.read_text() if log.exists() else ''}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres",
                             autocommit=True) as connection:
            connection.execute(sql)  # type: ignore[arg-type]

    def stop(self) -> None:
        try:
            self._run([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                       "stop"])
        finally:
            time.sleep(0.1)
            shutil.rmtree(self.folder, ignore_errors=True)
