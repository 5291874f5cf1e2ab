"""The batch output tables: their columns, the rows of one document, and their encoding.

Every table has a fixed, typed column list, so that a shard with no events still has an
``events`` file with the same schema, Parquet and JSONL outputs hold the same values, and the
same input always gives byte-identical files. Rows point back to their document by
``doc_index`` (the record's 0-based position in the whole input) and ``doc_id``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

from marsad.errors import Code, MarsadError
from marsad.model import Document

ColType = Literal["str", "int", "float", "bool", "list[str]"]

#: Table name → ordered (column, type) pairs.
SCHEMAS: dict[str, tuple[tuple[str, ColType], ...]] = {
    "documents": (
        ("doc_index", "int"),
        ("doc_id", "str"),
        ("url", "str"),
        ("published", "str"),
        ("outlet", "str"),
        ("source", "str"),
        ("n_chars", "int"),
        ("n_tokens", "int"),
        ("n_entities", "int"),
        ("n_times", "int"),
        ("n_quantities", "int"),
        ("n_quotes", "int"),
        ("n_events", "int"),
        ("n_warnings", "int"),
        ("document", "str"),  # the marsad.document/1 JSON object
    ),
    "entities": (
        ("doc_index", "int"),
        ("doc_id", "str"),
        ("entity_id", "str"),
        ("type", "str"),
        ("name_ar", "str"),
        ("name_en", "str"),
        ("kb_id", "str"),
        ("wikidata", "str"),
        ("confidence", "float"),
        ("n_mentions", "int"),
        ("first_start", "int"),
        ("first_end", "int"),
        ("mentions", "str"),  # JSON list of {start, end, text}
    ),
    "times": (
        ("doc_index", "int"),
        ("doc_id", "str"),
        ("start", "int"),
        ("end", "int"),
        ("text", "str"),
        ("value", "str"),
        ("relative", "bool"),
        ("kind", "str"),
        ("mod", "str"),
    ),
    "quantities": (
        ("doc_index", "int"),
        ("doc_id", "str"),
        ("start", "int"),
        ("end", "int"),
        ("text", "str"),
        ("value", "float"),
        ("unit", "str"),
        ("approximate", "bool"),
    ),
    "quotes": (
        ("doc_index", "int"),
        ("doc_id", "str"),
        ("quote_index", "int"),
        ("start", "int"),
        ("end", "int"),
        ("text", "str"),
        ("speaker", "str"),
        ("speaker_text", "str"),
        ("via", "str"),
        ("via_chain", "list[str]"),
        ("cue", "str"),
        ("direct", "bool"),
        ("stance", "str"),
    ),
    "events": (
        ("doc_index", "int"),
        ("doc_id", "str"),
        ("event_id", "str"),
        ("type", "str"),
        ("label", "str"),
        ("mode", "str"),
        ("cameo", "str"),
        ("trigger_start", "int"),
        ("trigger_end", "int"),
        ("trigger_text", "str"),
        ("source", "list[str]"),
        ("target", "list[str]"),
        ("location", "str"),
        ("time", "str"),
        ("modality", "str"),
        ("quote", "int"),
        ("confidence", "float"),
    ),
    "errors": (
        ("doc_index", "int"),
        ("doc_id", "str"),
        ("url", "str"),
        ("source", "str"),
        ("code", "str"),
        ("step", "str"),
        ("message", "str"),
    ),
}

TABLES: tuple[str, ...] = tuple(SCHEMAS)
FORMATS: tuple[str, ...] = ("parquet", "jsonl")
EXTENSIONS = {"parquet": ".parquet", "jsonl": ".jsonl"}

#: Warning codes that mean part of a document's analysis is missing: also listed in ``errors``.
FAILURE_WARNINGS = frozenset({Code.W001.value, Code.W002.value})


class _Sink(Protocol):
    def append(self, row: dict[str, Any], /) -> None: ...


#: Table name → where its rows go (a list, or a :class:`TableWriter`).
Rows = Mapping[str, _Sink]


def writers(fmt: str) -> dict[str, TableWriter]:
    """A writer for every table."""
    return {name: TableWriter(name, fmt) for name in TABLES}


def add_document(rows: Rows, index: int, source: str, doc: Document) -> None:
    """Append the rows of one analysed document to every table."""
    did = doc.id
    base = {"doc_index": index, "doc_id": did}
    d = doc.to_dict()
    rows["documents"].append(
        {
            **base,
            "url": doc.url,
            "published": d["published"],
            "outlet": doc.outlet,
            "source": source,
            "n_chars": len(doc.text),
            "n_tokens": len(doc.tokens),
            "n_entities": len(doc.entities),
            "n_times": len(doc.times),
            "n_quantities": len(doc.quantities),
            "n_quotes": len(doc.quotes),
            "n_events": len(doc.events),
            "n_warnings": len(doc.warnings),
            "document": json.dumps(d, ensure_ascii=False),
        }
    )
    for e in doc.entities:
        first = e.mentions[0] if e.mentions else None
        rows["entities"].append(
            {
                **base,
                "entity_id": e.id,
                "type": e.type,
                "name_ar": e.name_ar,
                "name_en": e.name_en,
                "kb_id": e.kb_id,
                "wikidata": e.wikidata,
                "confidence": e.confidence,
                "n_mentions": len(e.mentions),
                "first_start": first.start if first else None,
                "first_end": first.end if first else None,
                "mentions": json.dumps([m.to_dict() for m in e.mentions], ensure_ascii=False),
            }
        )
    for t in doc.times:
        rows["times"].append({**base, **t.to_dict(), "kind": t.kind, "mod": t.mod})
    for q in doc.quantities:
        rows["quantities"].append(
            {**base, **q.to_dict(), "value": None if q.value is None else float(q.value)}
        )
    for i, qt in enumerate(doc.quotes):
        rows["quotes"].append(
            {
                **base,
                "quote_index": i,
                "start": qt.start,
                "end": qt.end,
                "text": qt.text,
                "speaker": qt.speaker,
                "speaker_text": qt.speaker_text,
                "via": qt.via,
                "via_chain": list(qt.via_chain),
                "cue": qt.cue,
                "direct": qt.direct,
                "stance": qt.stance,
            }
        )
    for ev in doc.events:
        rows["events"].append(
            {
                **base,
                "event_id": ev.id,
                "type": ev.type,
                "label": ev.label,
                "mode": ev.mode,
                "cameo": ev.cameo,
                "trigger_start": ev.trigger.start,
                "trigger_end": ev.trigger.end,
                "trigger_text": ev.trigger.text,
                "source": list(ev.source),
                "target": list(ev.target),
                "location": ev.location,
                "time": ev.time,
                "modality": ev.modality,
                "quote": ev.quote,
                "confidence": ev.confidence,
            }
        )
    for w in doc.warnings:
        if w.code in FAILURE_WARNINGS:
            rows["errors"].append(
                {
                    **base,
                    "url": doc.url,
                    "source": source,
                    "code": w.code,
                    "step": w.step,
                    "message": w.message,
                }
            )


def add_error(
    rows: Rows,
    index: int,
    source: str,
    err: MarsadError,
    extra: Mapping[str, Any],
    step: str = "input",
) -> None:
    """Append the ``errors`` row of a record that could not be analysed."""

    def opt(key: str) -> str | None:
        v = extra.get(key)
        return None if v is None else str(v)

    rows["errors"].append(
        {
            "doc_index": index,
            "doc_id": opt("id"),
            "url": opt("url"),
            "source": source,
            "code": err.code.value,
            "step": step,
            "message": err.line(),
        }
    )


def _clean(value: Any, kind: ColType) -> Any:
    """A value as stored in the column (lone surrogates cannot be written: replaced)."""
    if value is None:
        return None
    if kind == "str":
        s = str(value)
        try:
            s.encode("utf-8")
        except UnicodeEncodeError:
            s = s.encode("utf-8", "replace").decode("utf-8")
        return s
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    return [_clean(v, "str") for v in value]


#: Rows encoded at a time (a Parquet row group), per table: a shard's rows are never all held
#: in memory as Python objects, whatever the shard size.
ROW_GROUP_ROWS = {"documents": 128}
DEFAULT_ROW_GROUP_ROWS = 2048


class TableWriter:
    """Rows in (``append``), the bytes of one table file out (``finish``); deterministic."""

    def __init__(self, name: str, fmt: str) -> None:
        if fmt not in FORMATS:
            raise MarsadError(Code.E012, f"output format {fmt!r} (use {' or '.join(FORMATS)})")
        self.name = name
        self.fmt = fmt
        self.cols = SCHEMAS[name]
        self.limit = ROW_GROUP_ROWS.get(name, DEFAULT_ROW_GROUP_ROWS)
        self.rows: list[Mapping[str, Any]] = []
        self.chunks: list[bytes] = []
        self.sink = io.BytesIO()
        self.writer: Any = None
        if fmt == "parquet":
            pa, pq = _pyarrow()
            types = {
                "str": pa.string(),
                "int": pa.int64(),
                "float": pa.float64(),
                "bool": pa.bool_(),
                "list[str]": pa.list_(pa.string()),
            }
            self.types = [types[k] for _, k in self.cols]
            self.schema = pa.schema(
                [(c, t) for (c, _), t in zip(self.cols, self.types, strict=True)]
            )
            self.writer = pq.ParquetWriter(self.sink, self.schema, compression="zstd")

    def append(self, row: Mapping[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.limit:
            self._flush()

    def _flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        if self.fmt == "jsonl":
            lines = [
                json.dumps({c: _clean(r.get(c), k) for c, k in self.cols}, ensure_ascii=False)
                + "\n"
                for r in rows
            ]
            self.chunks.append("".join(lines).encode("utf-8"))
            return
        pa, _pq = _pyarrow()
        arrays = [
            pa.array([_clean(r.get(c), k) for r in rows], type=t)
            for (c, k), t in zip(self.cols, self.types, strict=True)
        ]
        self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))

    def finish(self) -> bytes:
        self._flush()
        if self.fmt == "jsonl":
            return b"".join(self.chunks)
        self.writer.close()
        return self.sink.getvalue()


def encode(name: str, rows: Sequence[Mapping[str, Any]], fmt: str) -> bytes:
    """The bytes of one table file (``parquet`` or ``jsonl``) holding ``rows``."""
    w = TableWriter(name, fmt)
    for r in rows:
        w.append(r)
    return w.finish()


def decode(data: bytes, fmt: str) -> list[dict[str, Any]]:
    """Rows of one table file, back as dicts."""
    if fmt == "jsonl":
        return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    _pa, pq = _pyarrow()
    rows: list[dict[str, Any]] = pq.read_table(io.BytesIO(data)).to_pylist()
    return rows


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise MarsadError(
            Code.E012, "Parquet needs pyarrow: pip install 'marsad[batch]' (or use --format jsonl)"
        ) from None
    return pa, pq
