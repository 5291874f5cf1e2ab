"""Benchmark the corpus store: ingest rate (articles/s) with the full pipeline, store size per
1,000 articles, re-ingest (nothing to do) rate, cross-document analysis time, search latency.

usage: python tools/bench_store.py [--n 1000] [--jsonl FILE] [--pipeline a,b,c] [--jobs N]
                                   [--db PATH]

Default input: the first N articles of the JawharaFM corpus (../shared). Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import JAWHARAFM, iter_ant, iter_jsonl


def bench_store(
    records: list[dict[str, object]],
    db: Path,
    pipeline: list[str] | None = None,
    jobs: int = 1,
) -> dict[str, float]:
    """Ingest ``records`` into a fresh store at ``db``; the figures measured."""
    from marsad.pipeline import DEFAULT_PIPELINE, Pipeline
    from marsad.store import open_store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    pl = Pipeline(pipeline or list(DEFAULT_PIPELINE))
    pl.analyze("بدأ الاختبار في بغداد يوم الجمعة.", published="2024-10-11")  # warm-up
    out: dict[str, float] = {"articles": len(records)}
    with open_store(db, pipeline=pl) as store:
        for k in pl.timings:
            pl.timings[k] = 0.0
        t0 = time.perf_counter()
        rep = store.ingest(records, jobs=jobs)
        out["ingest_s"] = time.perf_counter() - t0
        out["analysis_s"] = sum(pl.timings.values()) if jobs <= 1 else float("nan")
        out["added"] = rep.added
        out["failed"] = rep.failed
        t0 = time.perf_counter()
        again = store.ingest(records)
        out["reingest_s"] = time.perf_counter() - t0
        out["reingest_unchanged"] = again.unchanged
        t0 = time.perf_counter()
        store.refresh(force=True)
        out["refresh_s"] = time.perf_counter() - t0
        out["stories"] = len(store.stories())
        out["merged_events"] = len(store.merged_events())
        out["events"] = store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        queries = ["تونس", "الحكومة", "وزير الداخلية", "انتخاب*", "الرئيس"]
        t0 = time.perf_counter()
        for q in queries:
            store.search(q, limit=20)
        out["search_ms"] = (time.perf_counter() - t0) / len(queries) * 1000
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out["db_bytes"] = os.path.getsize(db)
    out["text_bytes"] = sum(len(str(r["text"]).encode("utf-8")) for r in records)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jsonl", type=Path)
    ap.add_argument("--pipeline")
    ap.add_argument("--jobs", type=int, default=1, help="analysis processes")
    ap.add_argument("--db", type=Path, help="store file (default: a temporary one)")
    args = ap.parse_args()
    if args.jsonl:
        source = iter_jsonl(args.jsonl)
        name = str(args.jsonl)
    else:
        if not JAWHARAFM.is_file():
            sys.exit(f"bench_store: {JAWHARAFM} not found (needs ../shared, or pass --jsonl FILE)")
        source = iter_ant()
        name = "JawharaFM (ANT v1.1)"
    records = list(itertools.islice(source, args.n))
    names = [x.strip() for x in args.pipeline.split(",")] if args.pipeline else None
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        r = bench_store(records, db, names, args.jobs)
    n = r["articles"]
    per_k = r["db_bytes"] / n * 1000 if n else 0.0
    print(
        f"corpus: {name}, {int(n)} articles, pipeline: {args.pipeline or 'default (full)'}, "
        f"{args.jobs} process(es)"
    )
    print(
        f"ingest: {r['ingest_s']:.1f} s, {n / r['ingest_s']:.1f} articles/s "
        f"({int(r['added'])} added, {int(r['failed'])} failed)"
    )
    if r["analysis_s"] == r["analysis_s"]:  # not NaN: measured in this process
        store_s = r["ingest_s"] - r["analysis_s"]
        print(
            f"  of which analysis {r['analysis_s']:.1f} s, store (index, MinHash, SQLite) "
            f"{store_s:.1f} s = {store_s / n * 1000:.1f} ms per article "
            f"({store_s / r['ingest_s']:.0%})"
        )
    print(
        f"re-ingest (all unchanged): {r['reingest_s']:.2f} s, "
        f"{n / max(r['reingest_s'], 1e-9):.0f} articles/s"
    )
    print(
        f"store size: {r['db_bytes'] / 1e6:.1f} MB, {per_k / 1e6:.1f} MB per 1,000 articles "
        f"({r['db_bytes'] / max(r['text_bytes'], 1):.1f}x the UTF-8 text)"
    )
    print(
        f"stories + event merging: {r['refresh_s']:.2f} s; {int(r['stories'])} stories, "
        f"{int(r['events'])} events -> {int(r['merged_events'])} merged"
    )
    print(f"search: {r['search_ms']:.1f} ms per query")


if __name__ == "__main__":
    main()
