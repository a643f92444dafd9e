"""Real readers for the cards: Debian's tesseract OCR for images and poppler's pdftotext and
pdfinfo for PDFs (`.ci/run` installs both). A missing tool fails in CI, never skips."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

__all__ = ["ocr", "pdf_text", "pdf_info", "pdf_fonts", "png_chunks"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run must install it")
        pytest.skip(f"{name} is not installed (apt-get install tesseract-ocr poppler-utils)")
    return path


def ocr(png: bytes) -> str:
    """What tesseract reads on the image (English, automatic page layout)."""
    with tempfile.TemporaryDirectory() as folder:
        image = Path(folder) / "card.png"
        image.write_bytes(png)
        done = subprocess.run([_tool("tesseract"), str(image), "stdout", "-l", "eng"],
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def _pdf_tool(name: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "card.pdf"
        path.write_bytes(pdf)
        done = subprocess.run([_tool(name), *args, str(path), *(["-"] if name == "pdftotext"
                                                                 else [])],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def pdf_text(pdf: bytes) -> str:
    return _pdf_tool("pdftotext", pdf, "-layout")


def pdf_info(pdf: bytes) -> dict[str, str]:
    lines = _pdf_tool("pdfinfo", pdf).splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def pdf_fonts(pdf: bytes) -> dict[str, dict[str, str]]:
    """Each embedded font by its name without the subset tag: type, embedded, subset."""
    lines = _pdf_tool("pdffonts", pdf).splitlines()[2:]  # a header line and a rule
    fonts = {}
    for line in lines:
        name, kind, *rest = line.split()
        fonts[name.partition("+")[2] or name] = {
            "type": kind, "embedded": rest[-5], "subset": rest[-4]}
    return fonts


def png_chunks(png: bytes) -> list[str]:
    """The chunk types of a PNG file, in order."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], "big")
        chunks.append(png[at + 4:at + 8].decode("ascii"))
        at += 12 + length
    return chunks
