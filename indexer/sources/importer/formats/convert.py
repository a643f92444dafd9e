"""Word-processor files the readers do not parse (.doc, .odt, .rtf...), converted by LibreOffice.

Case studies written before the template moved to .docx are Word 97-2003 ``.doc`` files, and
some services write in LibreOffice (``.odt``) or save ``.rtf``. Rather than a parser of our own
for each, LibreOffice (Debian's ``libreoffice-writer-nogui``) converts the file to ``.docx`` and
the ``.docx`` reader reads it, so every format gets the same sections, tables and labels.

LibreOffice is a large program reading a hostile file, so it runs as a separate process, in a
temporary folder removed afterwards, with no macros (headless conversion never runs them), a
time bound (its process group is killed past it) and a profile folder of its own per process
(two conversions sharing one profile lock each other out). One conversion runs at a time per
process; an import's worker processes convert side by side. Without LibreOffice the file gets
an error that says how to install it or convert the file by hand.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from indexer.sources.importer.errors import CONVERT_HINT, CorruptFile, UnsupportedFormat
from indexer.sources.importer.limits import is_ole

__all__ = ["CONVERTED", "converter", "to_docx", "TIMEOUT_SECONDS"]

# Extension -> the name the record's provenance gives the format.
CONVERTED = {".doc": "doc", ".dot": "doc", ".docm": "docm", ".dotm": "docm", ".dotx": "docm",
             ".odt": "odt", ".ott": "odt", ".fodt": "odt", ".rtf": "rtf", ".wps": "wps",
             ".wpd": "wpd"}
TIMEOUT_SECONDS = 60.0  # a few pages convert in 2-5 s; a first start makes the profile

_ZIP = b"PK\x03\x04"


def _looks_like(data: bytes, kind: str) -> bool:
    """Do the bytes start as a ``kind`` file does? LibreOffice opens anything it cannot
    recognise as plain text, so a damaged or misnamed file must be caught before it."""
    head = data[:65536]
    if kind in ("doc", "wps"):
        return is_ole(data)
    if kind == "wpd":
        return data.startswith(b"\xffWPC")
    if kind == "rtf":
        return data.lstrip()[:5] == b"{\\rtf"
    if kind == "docm":
        return data.startswith(_ZIP) and b"word/" in head
    if kind == "odt":
        return (data.startswith(_ZIP) and b"application/vnd.oasis.opendocument.text" in head
                ) or b"office:document" in head  # .fodt: the flat XML form
    return False


_lock = threading.Lock()
_profile: Path | None = None


def converter() -> str | None:
    """The LibreOffice program on this machine, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile_folder() -> Path:
    """This process's LibreOffice profile, made on first use and removed when it exits."""
    global _profile
    if _profile is None:
        _profile = Path(tempfile.mkdtemp(prefix="impact-search-office-")) / "profile"
        atexit.register(shutil.rmtree, _profile.parent, True)
    return _profile


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True,
                               env={**os.environ, "HOME": str(_profile_folder().parent)})
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # LibreOffice starts helper processes
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def to_docx(data: bytes, suffix: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The ``.docx`` LibreOffice makes of ``data`` (a ``suffix`` file), or raise."""
    program = converter()
    if program is None:
        raise UnsupportedFormat(
            f"{suffix} files are read through LibreOffice, which is not installed here "
            "(Debian: apt-get install libreoffice-writer-nogui); or "
            f"{CONVERT_HINT} on a machine that has it")
    kind = CONVERTED.get(suffix, suffix.lstrip("."))
    if not _looks_like(data, kind):
        raise CorruptFile(
            f"this is not a real {suffix} file (its first bytes are not those of one): it may "
            f"be damaged or misnamed; open it and save it as .docx, or {CONVERT_HINT}")
    with _lock, tempfile.TemporaryDirectory(prefix="impact-search-convert-") as folder:
        source = Path(folder) / f"document{suffix}"
        source.write_bytes(data)
        out = Path(folder) / "out"
        command = [program, f"-env:UserInstallation={_profile_folder().as_uri()}",
                   "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)]
        try:
            _run(command, timeout)
        except subprocess.TimeoutExpired:
            raise CorruptFile(
                f"LibreOffice took over {timeout:.0f} s to open this {suffix} file and was "
                f"stopped; open it in Word or LibreOffice and save it as .docx") from None
        except OSError as exc:
            raise UnsupportedFormat(f"LibreOffice could not be started ({exc.strerror}); "
                                    f"{CONVERT_HINT}") from None
        made = out / "document.docx"
        if not made.is_file() or made.stat().st_size == 0:
            raise CorruptFile(
                f"LibreOffice could not read this {suffix} file: it may be damaged, password-"
                f"protected or not really {suffix}; open it and save it as .docx, or "
                f"{CONVERT_HINT}")
        return made.read_bytes()
