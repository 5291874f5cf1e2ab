"""Running a batch: shards, atomic writes, resumption and the run summary.

Output layout (``OUT``)::

    _batch.json                 the settings (inputs, shard size, format, pipeline)
    documents/part-00000.parquet    one row per analysed document (+ marsad.document/1 JSON)
    entities/ times/ quantities/ quotes/ events/   one row per record, with doc_index/doc_id
    errors/part-00000.parquet   one row per record that failed (input errors E…, and W001/W002)
    _success/part-00000.json    the marker of a complete shard (its counts)
    _SUCCESS                    written when every shard is complete
    _runs.jsonl                 one line per run: engine, workers, timing (kept out of tables)

Shard ``k`` holds records ``k × shard_size`` to ``(k + 1) × shard_size − 1`` of the input, in
input order, whatever the engine or the number of workers, so the same input gives the same
files. Each file is written to a temporary name and renamed; the marker is written last, so a
shard without a marker is incomplete and is redone (its files replaced) by the next run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.batch.engines import ENGINES, Task, default_workers, run_dask, run_local
from marsad.batch.progress import Progress
from marsad.batch.reader import count_records, input_kind, iter_items
from marsad.batch.tables import EXTENSIONS, FORMATS, TABLES
from marsad.batch.worker import ShardResult
from marsad.errors import Code, MarsadError
from marsad.pipeline import DEFAULT_PIPELINE, check_pipeline

BATCH_SCHEMA = "marsad.batch/1"
#: Records per shard (a shard is the unit of work, of output files and of resumption).
DEFAULT_SHARD_SIZE = 1000
MARKERS = "_success"


@dataclass
class BatchSummary:
    """What a run did (counts include shards completed by earlier runs)."""

    out: Path
    records: int = 0
    shards: int = 0
    shards_skipped: int = 0
    documents: int = 0
    errors: int = 0
    tokens: int = 0
    chars: int = 0
    seconds: float = 0.0
    #: worker pid → peak RSS (MB) seen in this run
    worker_rss_mb: dict[int, float] = field(default_factory=dict)
    #: worker pid → seconds spent analysing shards in this run
    worker_busy_s: dict[int, float] = field(default_factory=dict)
    #: worker pid → CPU seconds spent analysing shards in this run
    worker_cpu_s: dict[int, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "records": self.records,
            "shards": self.shards,
            "shards_skipped": self.shards_skipped,
            "documents": self.documents,
            "errors": self.errors,
            "tokens": self.tokens,
            "chars": self.chars,
            "seconds": round(self.seconds, 3),
            "worker_peak_rss_mb": {str(k): round(v, 1) for k, v in self.worker_rss_mb.items()},
            "worker_busy_s": {str(k): round(v, 3) for k, v in self.worker_busy_s.items()},
            "worker_cpu_s": {str(k): round(v, 3) for k, v in self.worker_cpu_s.items()},
        }


def part_name(shard: int) -> str:
    return f"part-{shard:05d}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise MarsadError(Code.E011, exc.strerror or str(exc), source=str(path)) from None


def _settings(
    inputs: Sequence[str], names: Sequence[str], fmt: str, shard_size: int
) -> dict[str, Any]:
    from marsad import __version__

    return {
        "schema": BATCH_SCHEMA,
        "inputs": [{"name": Path(p).name, "bytes": Path(p).stat().st_size} for p in inputs],
        "shard_size": shard_size,
        "format": fmt,
        "pipeline": list(names),
        "marsad": __version__,
    }


def _prepare(out: Path, settings: dict[str, Any]) -> None:
    """Create ``out`` or check that the batch there was made with the same settings."""
    manifest = out / "_batch.json"
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in (*TABLES, MARKERS):
            (out / name).mkdir(exist_ok=True)
            for stale in (out / name).glob(".*.tmp-*"):  # left by a killed run
                stale.unlink()
    except OSError as exc:
        raise MarsadError(Code.E011, exc.strerror or str(exc), source=str(out)) from None
    if manifest.is_file():
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = None
        if old != settings:
            diff = sorted(
                k for k in settings if not isinstance(old, dict) or old.get(k) != settings[k]
            )
            raise MarsadError(
                Code.E012,
                f"{out} holds a batch made with other settings ({', '.join(diff)}); "
                "use another --out or remove it",
            )
        return
    data = json.dumps(settings, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    write_atomic(manifest, data.encode("utf-8"))


def _done_shards(out: Path) -> dict[int, dict[str, Any]]:
    done: dict[int, dict[str, Any]] = {}
    for marker in (out / MARKERS).glob("part-*.json"):
        try:
            counts = json.loads(marker.read_text(encoding="utf-8"))
            done[int(marker.stem.split("-")[1])] = counts
        except (OSError, ValueError, IndexError):
            continue  # unreadable marker: the shard is redone
    return done


def _tasks(
    inputs: list[str], shard_size: int, done: dict[int, dict[str, Any]], progress: Progress
) -> Iterator[Task]:
    """The shards still to do, in order (complete shards are read past, not sent)."""
    current: list[Any] = []
    shard = 0
    for item in iter_items(inputs):
        k = item[0] // shard_size
        if k != shard:
            if current:
                yield shard, current
            current, shard = [], k
        if k in done:
            progress.skip(1)
            continue
        current.append(item)
    if current:
        yield shard, current


def _write_shard(out: Path, res: ShardResult, fmt: str) -> None:
    name = part_name(res.shard)
    for table in TABLES:
        write_atomic(out / table / f"{name}{EXTENSIONS[fmt]}", res.files[table])
    marker = json.dumps(res.counts(), sort_keys=True) + "\n"
    write_atomic(out / MARKERS / f"{name}.json", marker.encode("utf-8"))


def _guarded(results: Iterator[ShardResult]) -> Iterator[ShardResult]:
    """Results, with a dead worker or an interrupt turned into E018 (complete shards stay)."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield from results
    except BrokenProcessPool as exc:
        raise MarsadError(Code.E018, f"a worker process died ({exc})") from None
    except KeyboardInterrupt:
        raise MarsadError(Code.E018, "interrupted") from None


def run_batch(
    inputs: Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    *,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    fmt: str = "parquet",
    shard_size: int = DEFAULT_SHARD_SIZE,
    pipeline: Sequence[str] | None = None,
    progress: bool = True,
) -> BatchSummary:
    """Analyse every record of ``inputs`` into the tables under ``out`` (resumable).

    The local engine starts worker processes with ``spawn``: a script calling this must guard
    its entry point with ``if __name__ == "__main__":``.
    """
    t0 = time.perf_counter()
    paths = [str(p) for p in inputs]
    if not paths:
        raise MarsadError(Code.E012, "no input files")
    if engine not in ENGINES:
        raise MarsadError(Code.E012, f"engine {engine!r} (use {' or '.join(ENGINES)})")
    if fmt not in FORMATS:
        raise MarsadError(Code.E012, f"output format {fmt!r} (use {' or '.join(FORMATS)})")
    if shard_size < 1:
        raise MarsadError(Code.E012, f"shard size must be at least 1, got {shard_size}")
    if fmt == "parquet":
        from marsad.batch.tables import _pyarrow

        _pyarrow()
    for p in paths:
        input_kind(p)
        if not Path(p).is_file():
            raise MarsadError(Code.E001, "no such file", source=p)
    names = check_pipeline(pipeline or DEFAULT_PIPELINE)
    n_workers = max(1, workers or default_workers())
    out_dir = Path(out)
    _prepare(out_dir, _settings(paths, names, fmt, shard_size))

    total = count_records(paths)
    n_shards = -(-total // shard_size)
    done = {k: v for k, v in _done_shards(out_dir).items() if k < n_shards}
    summary = BatchSummary(out=out_dir, records=total, shards=n_shards, shards_skipped=len(done))
    for counts in done.values():
        summary.documents += int(counts.get("documents", 0))
        summary.errors += int(counts.get("errors", 0))
        summary.tokens += int(counts.get("tokens", 0))
        summary.chars += int(counts.get("chars", 0))

    bar = Progress(total, enabled=progress)
    tasks = _tasks(paths, shard_size, done, bar)
    if len(done) < n_shards:
        if engine == "local":
            results = run_local(tasks, names, fmt, n_workers)
        else:
            results = run_dask(tasks, names, fmt, n_workers, scheduler)
        for res in _guarded(results):
            _write_shard(out_dir, res, fmt)
            summary.documents += res.n_documents
            summary.errors += res.n_errors
            summary.tokens += res.n_tokens
            summary.chars += res.n_chars
            rss = summary.worker_rss_mb
            rss[res.pid] = max(rss.get(res.pid, 0.0), res.peak_rss_mb)
            busy = summary.worker_busy_s
            busy[res.pid] = busy.get(res.pid, 0.0) + res.seconds
            cpu = summary.worker_cpu_s
            cpu[res.pid] = cpu.get(res.pid, 0.0) + res.cpu_seconds
            bar.advance(res.n_records)
    else:
        for _ in tasks:  # count the skipped records for the bar
            pass
    bar.close()

    summary.seconds = time.perf_counter() - t0
    if len(_done_shards(out_dir)) >= n_shards:
        write_atomic(out_dir / "_SUCCESS", b"")
    run = {"engine": engine, "workers": n_workers, "scheduler": scheduler, **summary.to_dict()}
    run["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    try:
        with (out_dir / "_runs.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(run, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise MarsadError(Code.E011, exc.strerror or str(exc), source=str(out_dir)) from None
    return summary


def read_table(out: str | os.PathLike[str], table: str) -> list[dict[str, Any]]:
    """All rows of one output table, shard by shard (complete shards only), in order."""
    from marsad.batch.tables import decode

    out_dir = Path(out)
    settings = json.loads((out_dir / "_batch.json").read_text(encoding="utf-8"))
    fmt = settings["format"]
    done = _done_shards(out_dir)
    rows: list[dict[str, Any]] = []
    for shard in sorted(done):
        path = out_dir / table / f"{part_name(shard)}{EXTENSIONS[fmt]}"
        rows.extend(decode(path.read_bytes(), fmt))
    return rows
