"""Reading inputs: UTF-8 text, HTML (article text extracted) and JSONL records.

Every problem becomes a :class:`~marsad.errors.MarsadError` with a code, never a traceback:
a missing file is E001, bytes that are not UTF-8 E002, an empty text E003, an input over the
size limit E004, binary data E005, a bad JSONL line E006/E007, lone surrogates E009.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from marsad.errors import (
    MAX_DOCUMENT_CHARS,
    MAX_INPUT_BYTES,
    MAX_JSONL_LINE_BYTES,
    Code,
    MarsadError,
)

_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


@dataclass
class Record:
    """One input document before analysis."""

    text: str
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    id: str | None = None
    source: str = "-"  # where it came from (path, path:line)
    warnings: list[tuple[Code, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        return {"published": self.published, "outlet": self.outlet, "url": self.url, "id": self.id}


def read_sidecar(path: str) -> dict[str, Any]:
    """Metadata (id, published, outlet, url) from ``<stem>.meta.json`` beside a text or HTML
    input, if there is one; ``{}`` otherwise."""
    if path == "-":
        return {}
    p = Path(path)
    meta = p.with_name(p.stem + ".meta.json")
    if not meta.is_file():
        return {}
    try:
        obj = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return obj if isinstance(obj, dict) else {}


def decode(data: bytes, source: str = "-") -> str:
    """Bytes → text: UTF-8 (a BOM is dropped), or a coded error."""
    if len(data) > MAX_INPUT_BYTES:
        raise MarsadError(Code.E004, f"{len(data):,} bytes", source=source)
    if b"\x00" in data[:8192]:
        raise MarsadError(Code.E005, "NUL bytes", source=source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MarsadError(
            Code.E002, f"byte 0x{data[exc.start]:02x} at offset {exc.start}", source=source
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def check_text(text: str, source: str = "-") -> str:
    """Validate one document's text (empty, too large, binary-looking, lone surrogates)."""
    if not text.strip():
        raise MarsadError(Code.E003, source=source)
    if len(text) > MAX_DOCUMENT_CHARS:
        raise MarsadError(
            Code.E004,
            f"{len(text):,} characters > {MAX_DOCUMENT_CHARS:,} (MAX_DOCUMENT_CHARS)",
            source=source,
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise MarsadError(Code.E009, f"at offset {exc.start}", source=source) from None
    sample = text[:4096]
    if "\x00" in text or len(_BINARY_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise MarsadError(Code.E005, "control characters", source=source)
    return text


def detect_format(path: str, text: str) -> str:
    """``jsonl``, ``html`` or ``text``, from the extension, else from the content."""
    low = path.lower()
    if low.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if low.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if low.endswith(".txt"):
        return "text"
    head = text.lstrip()[:512].lower()
    if head.startswith("{") and head.count("\n") >= 0 and '"text"' in text[:65536]:
        return "jsonl"
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        return "html"
    return "text"


def read_path(path: str, fmt: str | None = None) -> Iterator[Record | MarsadError]:
    """Records of one input (``-`` is standard input). Bad JSONL lines yield their error."""
    import sys

    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            p = Path(path)
            if not p.is_file():
                raise MarsadError(Code.E001, "no such file", source=path)
            if p.stat().st_size > MAX_INPUT_BYTES:
                raise MarsadError(Code.E004, f"{p.stat().st_size:,} bytes", source=path)
            data = p.read_bytes()
    except OSError as exc:
        yield MarsadError(Code.E001, exc.strerror or str(exc), source=path)
        return
    except MarsadError as exc:
        yield exc
        return
    fmt = fmt or detect_format(path, data[:65536].decode("utf-8", errors="replace"))
    if fmt == "jsonl":
        yield from read_jsonl(data, path)
        return
    try:
        text = decode(data, path)
        if fmt == "html":
            text = html_to_text(text)
            rec = Record(check_text(text, path), source=path)
            rec.warnings.append((Code.W005, "offsets index the extracted text"))
            yield rec
        else:
            yield Record(check_text(text, path), source=path)
    except MarsadError as exc:
        yield exc


def read_jsonl(data: bytes, source: str = "-") -> Iterator[Record | MarsadError]:
    """One record per non-empty line; a bad line yields a coded error and reading goes on."""
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        where = f"{source}:{lineno}"
        if not raw.strip():
            continue
        try:
            if len(raw) > MAX_JSONL_LINE_BYTES:
                raise MarsadError(Code.E004, f"line of {len(raw):,} bytes", source=where)
            line = decode(raw, where)
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise MarsadError(Code.E006, exc.msg, source=where) from None
            if not isinstance(obj, dict):
                raise MarsadError(Code.E006, f"got {type(obj).__name__}", source=where)
            text = obj.get("text")
            if not isinstance(text, str):
                raise MarsadError(Code.E007, "missing or not a string", source=where)
            rec = Record(
                text=check_text(text, where),
                published=_opt_str(obj.get("published")),
                outlet=_opt_str(obj.get("outlet")),
                url=_opt_str(obj.get("url")),
                id=_opt_str(obj.get("id")),
                source=where,
            )
            yield rec
        except MarsadError as exc:
            exc.extra = _safe_fields(raw)
            yield exc


def _opt_str(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return s.encode("utf-8", "replace").decode("utf-8")
    return s


def _safe_fields(raw: bytes) -> dict[str, str | None]:
    """id/url/outlet of a bad JSONL line, if they can be read, for the error record."""
    try:
        obj = json.loads(raw.decode("utf-8", errors="replace"))
    except (json.JSONDecodeError, ValueError):
        return {}
    if not isinstance(obj, dict):
        return {}
    return {k: _opt_str(obj.get(k)) for k in ("id", "url", "outlet") if obj.get(k) is not None}


# --- HTML ---------------------------------------------------------------------------------

_BLOCK = frozenset(
    "p div br li h1 h2 h3 h4 h5 h6 blockquote tr article section header footer figcaption pre "
    "ul ol table dd dt".split()
)
_SKIP = frozenset("script style noscript template svg nav aside form button select iframe".split())


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.in_article = 0
        self.article_parts: list[str] = []
        self.seen_article = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "article":
            self.in_article += 1
            self.seen_article = True
        if tag in _BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip:
            self.skip -= 1
        elif tag == "article" and self.in_article:
            self.in_article -= 1
        if tag in _BLOCK:
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._emit(data)

    def _emit(self, s: str) -> None:
        self.parts.append(s)
        if self.in_article:
            self.article_parts.append(s)


def html_to_text(html: str) -> str:
    """The readable text of an HTML page: the ``<article>`` if there is one, else the body;
    one paragraph per line; scripts, styles and navigation dropped."""
    ex = _Extractor()
    try:
        ex.feed(html)
        ex.close()
    except Exception:  # malformed markup: keep what was read
        pass
    raw = "".join(ex.article_parts if ex.seen_article and ex.article_parts else ex.parts)
    lines = [" ".join(line.split()) for line in raw.split("\n")]
    return "\n".join(line for line in lines if line)
