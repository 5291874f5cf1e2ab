"""Benchmark the pipeline: articles/s, tokens/s, each component's share, peak RSS, start-up.

usage: python tools/bench.py [--n 1000] [--jsonl FILE] [--saudinewsnet] [--pipeline a,b,c]

Default input: the first N articles of the JawharaFM corpus (../shared). Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import JAWHARAFM, iter_ant, iter_jsonl, iter_saudinewsnet


def startup_seconds() -> float:
    """Wall time of a fresh process importing marsad and building the default pipeline
    (all data loaded), best of three."""
    code = (
        "import marsad; p = marsad.Pipeline(); "
        "p.analyze('التقى الرئيس بوتين نظيره في طهران يوم الجمعة 11 أكتوبر 2024.', "
        "published='2024-10-11')"
    )
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jsonl", type=Path)
    ap.add_argument("--saudinewsnet", action="store_true")
    ap.add_argument("--pipeline")
    args = ap.parse_args()

    import marsad
    from marsad.pipeline import DEFAULT_PIPELINE, Pipeline

    if args.jsonl:
        source = iter_jsonl(args.jsonl)
        name = str(args.jsonl)
    elif args.saudinewsnet:
        source = iter_saudinewsnet()
        name = "SaudiNewsNet"
    else:
        if not JAWHARAFM.is_file():
            sys.exit(f"bench: {JAWHARAFM} not found (needs ../shared, or pass --jsonl FILE)")
        source = iter_ant()
        name = "JawharaFM (ANT v1.1)"
    records = list(itertools.islice(source, args.n))
    chars = sum(len(r["text"]) for r in records)

    t0 = time.perf_counter()
    names = args.pipeline.split(",") if args.pipeline else list(DEFAULT_PIPELINE)
    pl = Pipeline(names)
    build = time.perf_counter() - t0

    n_tokens = 0
    n_fail = 0
    t0 = time.perf_counter()
    for r in records:
        try:
            doc = pl.analyze(
                r["text"], published=r.get("published"), outlet=r.get("outlet"), id=r.get("id")
            )
            n_tokens += len(doc.tokens)
        except marsad.MarsadError:
            n_fail += 1
    elapsed = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"corpus            {name}: {len(records)} articles, {chars:,} characters")
    print(f"pipeline          {', '.join(names)}")
    print(f"pipeline build    {build:.3f} s (in-process, data loaded)")
    print(f"start-up          {startup_seconds():.3f} s (fresh process: import + data + 1 doc)")
    print(f"wall time         {elapsed:.2f} s on 1 core ({n_fail} inputs rejected)")
    print(f"articles/s        {len(records) / elapsed:.1f}")
    print(f"tokens/s          {n_tokens / elapsed:,.0f}")
    print(f"peak RSS          {rss_mb:.0f} MB")
    total = sum(pl.timings.values()) or 1.0
    print("component share:")
    for comp, secs in pl.timings.items():
        per_doc = 1000 * secs / max(1, len(records))
        print(f"  {comp:12s} {100 * secs / total:5.1f}%  {per_doc:.2f} ms/article")


if __name__ == "__main__":
    main()
