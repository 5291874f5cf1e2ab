"""marsad (مرصد): Arabic news → structured, sourced, verifiable data.

>>> import marsad
>>> doc = marsad.analyze("التقى بوتين نظيره الإيراني.", published="2024-10-11")
>>> doc.sentences[0].start
0
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from marsad.errors import Code, MarsadError
from marsad.model import (
    SCHEMA,
    Document,
    Entity,
    Event,
    Quantity,
    Quote,
    Sentence,
    Span,
    TimeExpr,
    Token,
    Warning,
)
from marsad.pipeline import DEFAULT_PIPELINE, Pipeline, component, registry

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PIPELINE",
    "SCHEMA",
    "Code",
    "Document",
    "Entity",
    "Event",
    "MarsadError",
    "Pipeline",
    "Quantity",
    "Quote",
    "Sentence",
    "Span",
    "TimeExpr",
    "Token",
    "Warning",
    "__version__",
    "analyze",
    "component",
    "error_document",
    "pipe",
    "registry",
]


@functools.cache
def _default() -> Pipeline:
    return Pipeline()


def analyze(
    text: str,
    published: _dt.date | str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    id: str | None = None,
) -> Document:
    """Analyse one article with the default pipeline.

    Raises :class:`MarsadError` (E003 empty, E004 too large, E008 bad date …) for input that
    cannot be analysed.
    """
    return _default().analyze(text, published=published, outlet=outlet, url=url, id=id)


def pipe(
    records: Iterable[Mapping[str, Any] | str], n_process: int = 1, batch_size: int = 16
) -> Iterator[Document]:
    """Analyse many records (dicts with ``text``, ``published``, ``outlet``, ``url``, ``id``,
    or plain strings), in input order.

    A record that cannot be analysed comes back as a document with an ``E…`` warning and
    empty lists, so one bad record never sinks the batch.
    """
    from marsad._parallel import imap_records

    for rec, res in imap_records(records, n_process=n_process, batch_size=batch_size):
        if isinstance(res, MarsadError):
            yield error_document(rec, res)
        else:
            yield res


def error_document(rec: Mapping[str, Any] | str | None, err: MarsadError) -> Document:
    """A placeholder document carrying an input error as a warning (step ``input``)."""
    fields: dict[str, Any] = {}
    text = ""
    if isinstance(rec, Mapping):
        raw = rec.get("text")
        if isinstance(raw, str):
            try:
                raw.encode("utf-8")
                text = raw if err.code not in (Code.E004,) else ""
            except UnicodeEncodeError:
                text = ""
        for k in ("outlet", "url", "id"):
            v = rec.get(k)
            fields[k] = None if v is None else str(v)
    doc = Document(text=text, **fields)
    return doc.warn(err.code.value, err.line(), "input")
