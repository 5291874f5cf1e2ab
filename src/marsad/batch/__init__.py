"""Batch analysis at scale: many articles in, Parquet/JSONL tables out.

    from marsad.batch import run_batch, read_table
    run_batch(["news.jsonl.gz"], "out/", engine="local", workers=8)
    events = read_table("out/", "events")

The command is ``marsad batch INPUT... --out DIR`` (:mod:`marsad.batch.cli`). pyarrow (Parquet)
and dask.distributed (the ``dask`` engine) are optional (``pip install 'marsad[batch]'``) and
imported only when used. See :mod:`marsad.batch.run` for the output layout.

Names are imported on first use, so that ``marsad`` (which registers the ``batch`` command)
starts without loading the batch machinery.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_SHARD_SIZE", "SCHEMAS", "TABLES", "BatchSummary", "read_table", "run_batch"]


def __getattr__(name: str) -> Any:
    if name in ("DEFAULT_SHARD_SIZE", "BatchSummary", "read_table", "run_batch"):
        from marsad.batch import run

        return getattr(run, name)
    if name in ("SCHEMAS", "TABLES"):
        from marsad.batch import tables

        return getattr(tables, name)
    raise AttributeError(name)
