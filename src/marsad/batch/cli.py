"""``marsad batch``: analyse many articles into Parquet/JSONL tables, resumably.

    marsad batch INPUT... --out DIR [--engine local|dask] [--workers N] [--scheduler ADDRESS]
                 [--format parquet|jsonl] [--shard-size N] [--pipeline a,b,c] [--quiet]

Exit status: 0 when the batch is complete (records that failed are in DIR/errors), 1 when it
could not run (bad option, unreadable input, unwritable output), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "batch",
        help="analyse many articles (JSONL, JSONL.gz, Parquet) into tables",
        description=(
            "Analyse every record of the inputs (fields text, published, outlet, url, id) "
            "into documents, entities, times, quantities, quotes, events and errors tables, "
            "one file per shard. A re-run skips the shards already complete."
        ),
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help=".jsonl, .jsonl.gz or .parquet")
    p.add_argument("--out", "-o", required=True, help="output directory")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--workers", type=int, help="worker processes (default: the CPUs)")
    p.add_argument("--scheduler", help="Dask scheduler address (default: a local cluster)")
    p.add_argument("--format", choices=("parquet", "jsonl"), default="parquet")
    p.add_argument("--shard-size", type=int, default=None, help="records per shard (1000)")
    p.add_argument("--pipeline", help="comma-separated component names (default: all)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=_batch)


def _batch(args: argparse.Namespace) -> int:
    from marsad.batch.run import DEFAULT_SHARD_SIZE, run_batch

    names = [n.strip() for n in args.pipeline.split(",") if n.strip()] if args.pipeline else None
    if args.scheduler and args.engine != "dask":
        args.engine = "dask"
    s = run_batch(
        args.inputs,
        args.out,
        engine=args.engine,
        workers=args.workers,
        scheduler=args.scheduler,
        fmt=args.format,
        shard_size=args.shard_size or DEFAULT_SHARD_SIZE,
        pipeline=names,
        progress=not args.quiet,
    )
    rate = (s.documents / s.seconds) if s.seconds else 0.0
    print(
        f"marsad batch: {s.records} records in {s.shards} shards "
        f"({s.shards_skipped} already complete): {s.documents} documents, "
        f"{s.errors} errors; {s.seconds:.1f} s ({rate:.1f} docs/s) → {s.out}",
        file=sys.stderr,
    )
    return 0
