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

#: Thread settings of the numeric libraries (OpenBLAS, OpenMP, MKL): the NER model's small
#: matrix products run fastest on one thread, and worker processes must not each start a
#: thread per core (two workers on two cores would run four busy threads).
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """Ask the numeric libraries for one thread in this process and the processes it starts
    (unless the user set these variables). Takes effect where numpy is not loaded yet: call
    it before a worker pool starts, and first thing in a worker."""
    import os

    for var in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(var, "1")


def _init_worker() -> None:
    global _WORKER
    one_blas_thread()
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
    one_blas_thread()
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
