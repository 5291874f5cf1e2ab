"""Every error and warning code marsad emits, in one place.

Errors (``E…``) stop the processing of one input; warnings (``W…``) are attached to a
document and processing goes on. Each code has one fixed meaning; messages add detail.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

#: Largest document marsad analyses, in characters (after decoding).
MAX_DOCUMENT_CHARS = 1_000_000
#: Largest input file marsad reads, in bytes (a JSONL file may hold many documents).
MAX_INPUT_BYTES = 512 * 1024 * 1024
#: Longest single JSONL line, in bytes.
MAX_JSONL_LINE_BYTES = 8 * 1024 * 1024


class Code(StrEnum):
    """Error and warning codes. The value is the code as printed."""

    # errors: the input cannot be analysed
    E001 = "E001"  # input file not found or unreadable
    E002 = "E002"  # input is not valid UTF-8
    E003 = "E003"  # input text is empty (or only whitespace)
    E004 = "E004"  # input is over the size limit
    E005 = "E005"  # input looks binary (NUL bytes / control characters)
    E006 = "E006"  # JSONL record is not valid JSON / not an object
    E007 = "E007"  # JSONL record has no usable "text" field
    E008 = "E008"  # invalid field value (published date, id …)
    E009 = "E009"  # text contains lone surrogates (not encodable Unicode)
    E010 = "E010"  # pipeline configuration error (unknown component, missing requirement)
    E011 = "E011"  # output cannot be written
    E012 = "E012"  # unsupported input format or option
    E013 = "E013"  # the corpus store cannot open, migrate or write
    E014 = "E014"  # request body is not valid JSON (HTTP API)
    E015 = "E015"  # no such document, entity or path (HTTP API)
    E016 = "E016"  # request timed out (HTTP API: body not received, analysis too long)
    E017 = "E017"  # internal error (a bug, reported)
    E018 = "E018"  # a batch stopped early: a worker died, or interrupted (re-run resumes)
    # warnings: the document was analysed, with a caveat
    W001 = "W001"  # a component failed on this document; its output is missing
    W002 = "W002"  # a span did not match the text and was dropped (a bug, reported)
    W003 = "W003"  # unbalanced quotation marks
    W004 = "W004"  # control / invisible characters were found in the text
    W005 = "W005"  # HTML input: text was extracted, offsets refer to the extracted text
    W006 = "W006"  # published date missing: relative expressions left unresolved
    W007 = "W007"  # very long token (likely not language)


MESSAGES: dict[Code, str] = {
    Code.E001: "input not found or unreadable",
    Code.E002: "input is not valid UTF-8",
    Code.E003: "input text is empty",
    Code.E004: "input is over the size limit",
    Code.E005: "input looks like binary data, not text",
    Code.E006: "JSONL record is not a JSON object",
    Code.E007: "JSONL record has no text",
    Code.E008: "invalid field value",
    Code.E009: "text contains lone surrogate code points",
    Code.E010: "pipeline configuration error",
    Code.E011: "output cannot be written",
    Code.E012: "unsupported input format or option",
    Code.E013: "corpus store error",
    Code.E014: "request body is not valid JSON",
    Code.E015: "not found",
    Code.E016: "request timed out",
    Code.E017: "internal error",
    Code.E018: "batch stopped before the end (re-run to resume)",
    Code.W001: "a component failed on this document",
    Code.W002: "a span did not match the text and was dropped",
    Code.W003: "unbalanced quotation marks",
    Code.W004: "invisible or control characters in the text",
    Code.W005: "text extracted from HTML; offsets refer to the extracted text",
    Code.W006: "no publication date: relative expressions are unresolved",
    Code.W007: "very long token",
}


class MarsadError(Exception):
    """An error with a code: ``E002 input is not valid UTF-8: byte 0xff at 17``."""

    def __init__(self, code: Code, detail: str = "", *, source: str | None = None) -> None:
        self.code = code
        self.detail = detail
        self.source = source
        #: fields of the failed record that could still be read (id, url, outlet)
        self.extra: dict[str, Any] = {}
        super().__init__(self.line())

    def __reduce__(self) -> tuple[Any, ...]:
        # picklable across processes (the default would call __init__ with the message)
        return (_rebuild, (self.code, self.detail, self.source, self.extra))

    def line(self) -> str:
        """The one-line form printed by the CLI."""
        where = f"{self.source}: " if self.source else ""
        more = f": {self.detail}" if self.detail else ""
        return f"{self.code.value} {where}{MESSAGES[self.code]}{more}"


def _rebuild(code: Code, detail: str, source: str | None, extra: dict[str, Any]) -> MarsadError:
    err = MarsadError(code, detail, source=source)
    err.extra = extra
    return err


class PipelineError(MarsadError):
    """The pipeline cannot be built as asked (E010)."""

    def __init__(self, detail: str) -> None:
        super().__init__(Code.E010, detail)
