"""What runs in a worker process: one pipeline per process, and the analysis of one shard.

The pipeline is built once per process (by the pool initializer or the Dask worker plugin, or
on first use) and cached in :data:`_PIPELINES`; tasks carry only the component names.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from marsad._parallel import one_blas_thread
from marsad.batch.reader import Item, parse_item, safe_extra
from marsad.batch.tables import add_document, add_error, writers
from marsad.errors import Code, MarsadError
from marsad.pipeline import Pipeline

_PIPELINES: dict[tuple[str, ...], Pipeline] = {}


def get_pipeline(names: Sequence[str]) -> Pipeline:
    """This process's pipeline for ``names``, built on first use."""
    key = tuple(names)
    pl = _PIPELINES.get(key)
    if pl is None:
        pl = _PIPELINES[key] = Pipeline(key)
    return pl


def init_worker(names: Sequence[str]) -> None:
    """Pool initializer: build the pipeline (load all data) before the first task."""
    one_blas_thread()
    get_pipeline(names)


@dataclass
class ShardResult:
    """One analysed shard: its table files (bytes) and counts; timing kept apart."""

    shard: int
    first_index: int
    n_records: int
    n_documents: int
    n_errors: int
    n_tokens: int
    n_chars: int
    files: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    pid: int = 0
    peak_rss_mb: float = 0.0

    def counts(self) -> dict[str, int]:
        return {
            "shard": self.shard,
            "first_index": self.first_index,
            "records": self.n_records,
            "documents": self.n_documents,
            "errors": self.n_errors,
            "tokens": self.n_tokens,
            "chars": self.n_chars,
        }


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 / 1024 if sys.platform == "darwin" else kb / 1024


def process_shard(shard: int, items: Sequence[Item], names: Sequence[str], fmt: str) -> ShardResult:
    """Analyse the items of one shard; every record ends in ``documents`` or ``errors``."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    pl = get_pipeline(names)
    rows = writers(fmt)
    n_docs = n_err = n_tok = n_chars = 0
    for index, source, payload in items:
        try:
            rec = parse_item(source, payload)
            doc = pl.analyze(rec.text, **rec.fields())
            add_document(rows, index, source, doc)
            n_docs += 1
            n_tok += len(doc.tokens)
            n_chars += len(doc.text)
        except MarsadError as exc:
            add_error(rows, index, source, exc, exc.extra or safe_extra(payload))
            n_err += 1
        except Exception as exc:  # a bug must not sink the shard: the record is reported
            err = MarsadError(Code.E017, f"{type(exc).__name__}: {exc}", source=source)
            add_error(rows, index, source, err, safe_extra(payload), step="pipeline")
            n_err += 1
    files = {name: w.finish() for name, w in rows.items()}
    return ShardResult(
        shard=shard,
        first_index=items[0][0] if items else 0,
        n_records=len(items),
        n_documents=n_docs,
        n_errors=n_err,
        n_tokens=n_tok,
        n_chars=n_chars,
        files=files,
        seconds=time.perf_counter() - t0,
        cpu_seconds=time.process_time() - c0,
        pid=os.getpid(),
        peak_rss_mb=peak_rss_mb(),
    )
