"""Process-pool helpers for :func:`marsad.pipe` (one pipeline per worker process)."""

from __future__ import annotations

import itertools
import multiprocessing as mp
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from marsad.errors import MarsadError
from marsad.model import Document
from marsad.pipeline import Pipeline, iter_results

Record = Mapping[str, Any] | str
_WORKER: Pipeline | None = None


def _init_worker() -> None:
    global _WORKER
    _WORKER = Pipeline()


def _work(batch: list[Record]) -> list[Document | MarsadError]:
    assert _WORKER is not None
    return list(iter_results(_WORKER, batch))


def imap_records(
    records: Iterable[Record], *, n_process: int = 1, batch_size: int = 16
) -> Iterator[tuple[Record, Document | MarsadError]]:
    """``(record, result)`` pairs in input order."""
    if n_process <= 1:
        from marsad import _default

        pl = _default()
        for rec in records:
            yield rec, next(iter_results(pl, [rec]))
        return
    it = iter(records)
    batches = iter(lambda: list(itertools.islice(it, batch_size)), [])
    ctx = mp.get_context("spawn")
    with ctx.Pool(n_process, initializer=_init_worker) as pool:
        # keep the records alongside their results, in order
        pending = ((b, pool.apply_async(_work, (b,))) for b in batches)
        window: list[tuple[list[Record], Any]] = []
        for item in pending:
            window.append(item)
            if len(window) >= 2 * n_process:
                b, fut = window.pop(0)
                yield from zip(b, fut.get(), strict=True)
        for b, fut in window:
            yield from zip(b, fut.get(), strict=True)
