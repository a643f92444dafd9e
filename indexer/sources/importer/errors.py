"""Why a document or listing row could not be imported: one named exception per cause.

Every message says what is wrong and what to do, because a librarian reads it in the import
report, beside the file name::

    ImportProblem
    ├── UnsupportedFormat     .doc, .odt, .rtf, images, anything else
    ├── TooLarge              over the size bound, or a .docx/.xlsx that unpacks too far
    ├── CorruptFile           not the format its name says, damaged or truncated
    ├── PasswordProtected     encrypted Word or PDF files
    ├── NoText                a scanned PDF without a text layer, an empty document
    ├── UncleanText           text that is not clean UTF-8 / Unicode
    ├── ListingProblem        a listing row (or the whole listing) that cannot be used
    │   └── MissingDocument   a listing row whose document was not among the files given
    └── OutputProblem         an output folder that must not or cannot be written
"""

from __future__ import annotations

__all__ = [
    "ImportProblem",
    "UnsupportedFormat",
    "TooLarge",
    "CorruptFile",
    "PasswordProtected",
    "NoText",
    "UncleanText",
    "ListingProblem",
    "MissingDocument",
    "OutputProblem",
    "CONVERT_HINT",
]

CONVERT_HINT = (
    "convert it to .docx or PDF (e.g. `libreoffice --headless --convert-to docx FILE`)"
)


class ImportProblem(Exception):
    """A document or listing row that cannot be imported; ``str()`` is the human message."""

    @property
    def kind(self) -> str:
        """A short name for reports (``corrupt``, ``password``...)."""
        return _KINDS.get(type(self), "error")


class UnsupportedFormat(ImportProblem):
    pass


class TooLarge(ImportProblem):
    pass


class CorruptFile(ImportProblem):
    pass


class PasswordProtected(ImportProblem):
    pass


class NoText(ImportProblem):
    pass


class UncleanText(ImportProblem):
    pass


class ListingProblem(ImportProblem):
    pass


class MissingDocument(ListingProblem):
    pass


class OutputProblem(ImportProblem):
    """The output folder cannot be used (the bundled sample, a file, not writable)."""


_KINDS: dict[type[ImportProblem], str] = {
    UnsupportedFormat: "unsupported",
    TooLarge: "too large",
    CorruptFile: "corrupt",
    PasswordProtected: "password",
    NoText: "no text",
    UncleanText: "unclean text",
    ListingProblem: "listing",
    MissingDocument: "missing document",
    OutputProblem: "output",
}
