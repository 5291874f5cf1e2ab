"""Engines: where shards are analysed. Both yield results as shards complete.

- ``local``: a process pool on this machine; each process builds the pipeline once (pool
  initializer) and analyses whole shards.
- ``dask``: ``dask.distributed``; a ``LocalCluster`` of single-threaded worker processes when
  no scheduler address is given, else the cluster behind the address. A worker plugin builds
  the pipeline once per worker process; tasks carry only the shard and the component names.
  Workers return the encoded table files, so a remote cluster needs no shared filesystem;
  its workers need marsad installed (same version and data: the output is deterministic
  only for the same model).

At most ``2 × workers`` shards are in flight, so memory stays bounded on any input size.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from marsad._parallel import one_blas_thread
from marsad.batch.reader import Item
from marsad.batch.worker import ShardResult, init_worker, process_shard
from marsad.errors import Code, MarsadError

ENGINES: tuple[str, ...] = ("local", "dask")
Task = tuple[int, list[Item]]


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_local(
    tasks: Iterator[Task], names: Sequence[str], fmt: str, workers: int
) -> Iterator[ShardResult]:
    """Analyse shards in a pool of ``workers`` processes."""
    ctx = mp.get_context("spawn")
    one_blas_thread()  # before the workers start: they inherit the environment
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=init_worker, initargs=(tuple(names),)
    )
    try:
        pending: set[Future[ShardResult]] = set()
        for shard, items in tasks:
            pending.add(pool.submit(process_shard, shard, items, tuple(names), fmt))
            if len(pending) >= 2 * workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield fut.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
    except BaseException:  # interrupted: do not wait for the shards still queued
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise MarsadError(
            Code.E012, "the dask engine needs dask.distributed: pip install 'marsad[batch]'"
        ) from None
    return distributed


def run_dask(
    tasks: Iterator[Task],
    names: Sequence[str],
    fmt: str,
    workers: int,
    scheduler: str | None = None,
) -> Iterator[ShardResult]:
    """Analyse shards on a Dask cluster (a local one unless ``scheduler`` is given)."""
    distributed = _distributed()
    from marsad.batch.dask_plugin import plugin

    cluster = None
    if scheduler:
        client = distributed.Client(scheduler)
        slots = sum(client.nthreads().values()) or workers
    else:
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = distributed.Client(cluster)
        slots = workers
    try:
        register = getattr(client, "register_plugin", None) or client.register_worker_plugin
        register(plugin(tuple(names)), name="marsad-pipeline")
        pending: set[Any] = set()
        ac = distributed.as_completed()
        for shard, items in tasks:
            fut = client.submit(
                process_shard, shard, items, tuple(names), fmt, pure=False, retries=1
            )
            ac.add(fut)
            pending.add(fut)
            if len(pending) >= 2 * slots:
                done = next(ac)
                pending.discard(done)
                yield done.result()
                done.release()
        for done in ac:
            pending.discard(done)
            yield done.result()
            done.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
