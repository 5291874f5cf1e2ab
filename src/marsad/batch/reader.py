"""Reading batch inputs as a stream of items, in a fixed order.

An *item* is ``(index, source, payload)``: ``index`` is the 0-based position of the record in
the whole input (all files, in the order given), ``source`` says where it is (``path:line``
or ``path:row``), and ``payload`` is the raw JSONL line (``bytes``, parsed by the worker) or a
Parquet row (``dict``). Blank JSONL lines are not records and take no index.

The driver only splits lines; JSON parsing and validation (coded errors ``E002``–``E009``) run
in the workers, so one process reading the input keeps many workers busy.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from marsad.errors import MAX_JSONL_LINE_BYTES, Code, MarsadError
from marsad.io import Record, check_text, decode

Item = tuple[int, str, bytes | dict[str, Any]]

#: Columns read from Parquet inputs (others are ignored).
COLUMNS: tuple[str, ...] = ("text", "published", "outlet", "url", "id")
#: Rows read from a Parquet file at a time.
PARQUET_BATCH_ROWS = 1024


def input_kind(path: str) -> str:
    """``parquet`` or ``jsonl`` (plain or ``.gz``), from the file name; E012 otherwise."""
    low = path.lower()
    if low.endswith((".parquet", ".pq")):
        return "parquet"
    if low.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".json.gz", ".gz")):
        return "jsonl"
    raise MarsadError(Code.E012, "batch reads .jsonl, .jsonl.gz and .parquet files", source=path)


def _check_file(path: str) -> Path:
    p = Path(path)
    if not p.is_file():
        raise MarsadError(Code.E001, "no such file", source=path)
    return p


def _open_lines(path: str) -> IO[bytes]:
    p = _check_file(path)
    if path.lower().endswith(".gz"):
        return gzip.GzipFile(p, "rb")  # type: ignore[return-value]
    return p.open("rb")


def count_records(paths: list[str]) -> int:
    """How many records the inputs hold (a fast pass: lines, or Parquet metadata)."""
    n = 0
    for path in paths:
        if input_kind(path) == "parquet":
            pq = _parquet()
            n += int(pq.ParquetFile(_check_file(path)).metadata.num_rows)
        else:
            with _open_lines(path) as fh:
                n += sum(1 for line in fh if line.strip())
    return n


def iter_items(paths: list[str]) -> Iterator[Item]:
    """Every record of every input, in order, with its global index."""
    index = 0
    for path in paths:
        if input_kind(path) == "parquet":
            for row_no, row in enumerate(_parquet_rows(path), start=1):
                yield index, f"{path}:{row_no}", row
                index += 1
        else:
            try:
                with _open_lines(path) as fh:
                    for line_no, line in enumerate(fh, start=1):
                        if line.strip():
                            yield index, f"{path}:{line_no}", line
                            index += 1
            except (OSError, EOFError) as exc:  # a truncated .gz: what was read stays
                raise MarsadError(Code.E001, str(exc), source=path) from None


def _parquet_rows(path: str) -> Iterator[dict[str, Any]]:
    pq = _parquet()
    pf = pq.ParquetFile(_check_file(path))
    have = [c for c in COLUMNS if c in pf.schema_arrow.names]
    for batch in pf.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=have):
        yield from batch.to_pylist()


def _parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MarsadError(
            Code.E012, "Parquet input needs pyarrow: pip install 'marsad[batch]'"
        ) from None
    return pq


def _field(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, _dt.datetime):
        return v.date().isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v)


def parse_item(source: str, payload: bytes | Mapping[str, Any]) -> Record:
    """The validated record of one item, or a coded error (with ``extra`` id/url/outlet)."""
    obj: Any
    if isinstance(payload, bytes):
        if len(payload) > MAX_JSONL_LINE_BYTES:
            raise MarsadError(Code.E004, f"line of {len(payload):,} bytes", source=source)
        line = decode(payload.rstrip(b"\r\n"), source)
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MarsadError(Code.E006, exc.msg, source=source) from None
        if not isinstance(obj, dict):
            raise MarsadError(Code.E006, f"got {type(obj).__name__}", source=source)
    else:
        obj = payload
    try:
        text = obj.get("text")
        if not isinstance(text, str):
            raise MarsadError(Code.E007, "missing or not a string", source=source)
        return Record(
            text=check_text(text, source),
            published=_field(obj.get("published")),
            outlet=_field(obj.get("outlet")),
            url=_field(obj.get("url")),
            id=_field(obj.get("id")),
            source=source,
        )
    except MarsadError as exc:
        exc.extra = {k: _field(obj.get(k)) for k in ("id", "url", "outlet")}
        raise


def safe_extra(payload: bytes | Mapping[str, Any]) -> dict[str, Any]:
    """id/url/outlet of a payload that could not be parsed, if they can be read."""
    if isinstance(payload, Mapping):
        return {k: _field(payload.get(k)) for k in ("id", "url", "outlet")}
    try:
        obj = json.loads(payload.decode("utf-8", errors="replace"))
    except ValueError:
        return {}
    if not isinstance(obj, dict):
        return {}
    return {k: _field(obj.get(k)) for k in ("id", "url", "outlet")}
