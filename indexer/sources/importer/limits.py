"""Bounds that keep one hostile or mistaken file from stalling an import of hundreds.

A case study is a few pages: 20 MB leaves room for photographs, and a .docx/.xlsx (a zip
archive) that declares more than 200 MB unpacked, or a compression ratio no document has, is a
zip bomb. Checked before any parser sees the bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from indexer.sources.importer.errors import CorruptFile, PasswordProtected, TooLarge

__all__ = ["Limits", "DEFAULT_LIMITS", "check_size", "check_zip", "check_ole", "is_ole",
           "is_encrypted"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_unpacked: int = 200 * 1024 * 1024
    max_ratio: int = 200  # unpacked / packed, over the whole archive
    max_entries: int = 5_000
    max_pages: int = 200
    max_chars: int = 500_000
    ocr_pages: int = 8  # pages of a scan read by OCR (a few seconds each)


DEFAULT_LIMITS = Limits()


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise TooLarge(
            f"file is {_mb(len(data))}, over the {_mb(limits.max_bytes)} bound; a case study is "
            "a few pages: remove large images (or compress them in Word) and try again"
        )


def is_ole(data: bytes) -> bool:
    """An OLE compound file: an old binary Office file, or an encrypted new one."""
    return data.startswith(_OLE_MAGIC)


def is_encrypted(data: bytes) -> bool:
    """An OLE container holding an encrypted Office Open XML file (a password-protected .docx)."""
    return is_ole(data) and _ENCRYPTION_STREAM in data


def check_ole(data: bytes, kind: str) -> None:
    """Explain an OLE container where a zip was expected: encrypted, or an old .doc/.xls."""
    if is_encrypted(data):
        raise PasswordProtected(
            f"password-protected {kind} file; open it, remove the password "
            "(File > Info > Protect Document) and save it again"
        )
    raise CorruptFile(
        f"this is an old Word/Excel 97-2003 file named as {kind}; open it and save it as "
        f"{kind}, or convert it (e.g. `libreoffice --headless --convert-to docx FILE`)"
    )


def check_zip(data: bytes, limits: Limits, kind: str) -> zipfile.ZipFile:
    """Open an Office Open XML package, refusing damage and zip bombs with a clear message."""
    if is_ole(data):
        check_ole(data, kind)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise CorruptFile(
            f"corrupt or truncated {kind} file ({exc}); open it in Word and save it again, "
            "or ask for a fresh copy"
        ) from None
    unpacked = sum(e.file_size for e in entries)
    if (len(entries) > limits.max_entries or unpacked > limits.max_unpacked
            or unpacked > limits.max_ratio * max(len(data), 1) and unpacked > 10 * 1024 * 1024):
        raise TooLarge(
            f"{kind} file unpacks to {_mb(unpacked)} in {len(entries)} parts, over the bound of "
            f"{_mb(limits.max_unpacked)} (a zip bomb, or not a case study); "
            "save it again from Word without embedded files"
        )
    return archive
