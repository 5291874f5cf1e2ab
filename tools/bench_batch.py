"""Benchmark marsad at scale: throughput per core, worker memory, speed-up from 1 to 2 workers
(local engine and Dask), cost against document size, start-up, and a profile of hot spots.

usage: python tools/bench_batch.py [--n 400] [--workers 2] [--sizes 1000,10000,100000,1000000]
                                   [--no-dask] [--profile N] [--saudinewsnet N] [--json FILE]

Input: the first N JawharaFM articles (../shared, read with tools/corpora.py), written to a
temporary JSONL file that the batch engines read. Sizes are UTF-8 bytes (1 KB = 1000 bytes);
documents of a given size are articles concatenated (one paragraph each) and cut at a space.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import itertools
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import JAWHARAFM, iter_ant, iter_saudinewsnet

PHRASE = "التقى الرئيس بوتين نظيره في طهران يوم الجمعة 11 أكتوبر 2024."


def fresh_process_seconds(code: str, repeat: int = 3) -> float:
    """Best wall time of ``python -c code`` in a fresh process."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def startup() -> dict[str, float]:
    base = fresh_process_seconds("pass")
    imp = fresh_process_seconds("import marsad")
    full = fresh_process_seconds(
        f"import marsad; p = marsad.Pipeline(); p.analyze({PHRASE!r}, published='2024-10-11')"
    )
    return {"interpreter_s": base, "import_s": imp, "import_data_first_doc_s": full}


def write_jsonl(records: Iterable[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def single_core(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The full pipeline in this process: articles/s, tokens/s, each component's cost."""
    from marsad.pipeline import DEFAULT_PIPELINE, Pipeline

    pl = Pipeline(DEFAULT_PIPELINE)
    for r in records[:5]:  # warm caches
        pl.analyze(r["text"], published=r.get("published"))
    for k in pl.timings:
        pl.timings[k] = 0.0
    n_tok = 0
    t0 = time.perf_counter()
    for r in records:
        doc = pl.analyze(r["text"], published=r.get("published"), outlet=r.get("outlet"))
        n_tok += len(doc.tokens)
    el = time.perf_counter() - t0
    comps = {
        name: {
            "ms_per_article": 1000 * secs / len(records),
            "articles_per_s": len(records) / secs if secs else float("inf"),
            "share": secs / el,
        }
        for name, secs in pl.timings.items()
    }
    return {
        "articles": len(records),
        "seconds": el,
        "articles_per_s": len(records) / el,
        "tokens_per_s": n_tok / el,
        "chars_per_s": sum(len(r["text"]) for r in records) / el,
        "components": comps,
    }


def batch_run(src: Path, engine: str, workers: int, shard_size: int) -> dict[str, Any]:
    from marsad.batch import run_batch

    with tempfile.TemporaryDirectory(prefix="marsad-bench-") as out:
        c0 = time.process_time()
        s = run_batch(
            [src], out, engine=engine, workers=workers, shard_size=shard_size, progress=False
        )
        driver_cpu = time.process_time() - c0
        digest = hashlib.sha256()
        for sub in sorted(p for p in Path(out).iterdir() if p.is_dir()):
            for f in sorted(sub.iterdir()):
                digest.update(f.name.encode() + f.read_bytes())
    busiest = max(s.worker_busy_s.values()) if s.worker_busy_s else s.seconds
    cpu = sum(s.worker_cpu_s.values()) or s.seconds
    return {
        "engine": engine,
        "workers": workers,
        "documents": s.documents,
        "wall_s": s.seconds,
        "articles_per_s": s.documents / s.seconds,
        # throughput once the workers are up (data loaded): documents / busiest worker's time
        "steady_articles_per_s": s.documents / busiest,
        "tokens_per_s_per_core": s.tokens / busiest / workers,
        # contention-proof: documents per CPU-second of the workers, and the driver's CPU
        "articles_per_cpu_s": s.documents / cpu,
        "tokens_per_cpu_s": s.tokens / cpu,
        "driver_cpu_s": driver_cpu,
        "peak_rss_mb_per_worker": max(s.worker_rss_mb.values(), default=0.0),
        "output_sha256": digest.hexdigest()[:16],
    }


def sized_text(articles: list[str], n_bytes: int) -> str:
    """Articles joined as paragraphs until ``n_bytes`` UTF-8 bytes, cut at a space."""
    parts: list[str] = []
    size = 0
    for a in itertools.cycle(articles):
        parts.append(a.replace("\n", " "))
        size += len(a.encode("utf-8")) + 1
        if size >= n_bytes:
            break
    text = "\n".join(parts)
    data = text.encode("utf-8")[:n_bytes].decode("utf-8", errors="ignore")
    cut = data.rfind(" ")
    return data[:cut] if cut > 0 else data


def cut_documents(text: str, n_bytes: int) -> list[str]:
    """``text`` cut at spaces into consecutive documents of about ``n_bytes`` UTF-8 bytes."""
    data = text.encode("utf-8")
    docs: list[str] = []
    pos = 0
    while pos < len(data):
        chunk = data[pos : pos + n_bytes].decode("utf-8", errors="ignore")
        if pos + n_bytes < len(data):
            cut = chunk.rfind(" ")
            chunk = chunk[:cut] if cut > 0 else chunk
        if not chunk:
            break
        docs.append(chunk)
        pos += len(chunk.encode("utf-8")) + 1
    if len(docs) > 1 and len(docs[-1].encode("utf-8")) < n_bytes // 2:
        docs.pop()  # a short remainder is not a document of this size
    return docs


def size_scaling(articles: list[str], sizes: list[int]) -> list[dict[str, Any]]:
    """Cost of the full pipeline per KB for documents of each size.

    Every size reads the same text (the articles concatenated up to the largest size), cut
    into documents of that size: small documents are all different, as in a real corpus,
    rather than one document repeated (which would run on warm word caches and flatter the
    small sizes)."""
    from marsad.pipeline import Pipeline

    pl = Pipeline()
    pl.analyze(articles[0], published="2017-01-20")
    text = sized_text(articles, max(sizes))
    rows = []
    for n_bytes in sizes:
        docs = cut_documents(text, n_bytes)
        for k in pl.timings:
            pl.timings[k] = 0.0
        t0 = time.perf_counter()
        for d in docs:
            pl.analyze(d, published="2017-01-20")
        el = time.perf_counter() - t0
        total_kb = sum(len(d.encode("utf-8")) for d in docs) / 1000
        rows.append(
            {
                "bytes": round(1000 * total_kb / len(docs)),
                "documents": len(docs),
                "chars": round(sum(len(d) for d in docs) / len(docs)),
                "seconds": el / len(docs),
                "ms_per_kb": 1000 * el / total_kb,
                "components_ms_per_kb": {k: 1000 * v / total_kb for k, v in pl.timings.items()},
            }
        )
    return rows


def profile(records: list[dict[str, Any]], top: int = 25) -> str:
    from marsad.pipeline import Pipeline

    pl = Pipeline()
    pl.analyze(records[0]["text"], published=records[0].get("published"))
    prof = cProfile.Profile()
    prof.enable()
    for r in records:
        pl.analyze(r["text"], published=r.get("published"))
    prof.disable()
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("tottime").print_stats(top)
    # time spent in each module's own code
    per_module: dict[str, float] = {}
    for (filename, _line, _fn), (_cc, _nc, tt, _ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        key = Path(filename).name if "marsad" in filename else "(python/builtins)"
        per_module[key] = per_module.get(key, 0.0) + tt
    total = sum(per_module.values())
    buf.write("own time by module:\n")
    for mod, tt in sorted(per_module.items(), key=lambda kv: -kv[1])[:12]:
        buf.write(f"  {mod:24s} {tt:7.2f} s  {100 * tt / total:5.1f}%\n")
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400, help="JawharaFM articles")
    ap.add_argument("--workers", type=int, default=2, help="the larger worker count")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000", help="document sizes, bytes")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--profile", type=int, default=0, help="profile N articles (cProfile)")
    ap.add_argument("--saudinewsnet", type=int, default=0, help="also batch N SaudiNewsNet")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args()
    if not JAWHARAFM.is_file():
        sys.exit(f"bench_batch: {JAWHARAFM} not found (needs ../shared)")

    records = list(itertools.islice(iter_ant(), args.n))
    chars = sum(len(r["text"]) for r in records)
    print(f"corpus        JawharaFM (ANT v1.1): {len(records)} articles, {chars:,} characters")
    from marsad.pipeline import DEFAULT_PIPELINE

    print(f"pipeline      {', '.join(DEFAULT_PIPELINE)}")
    print(f"machine       {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    res: dict[str, Any] = {"articles": len(records), "chars": chars}

    res["startup"] = st = startup()
    print(
        f"start-up      python {st['interpreter_s']:.3f} s; import marsad "
        f"{st['import_s']:.3f} s; import + all data + 1 doc {st['import_data_first_doc_s']:.3f} s"
    )

    res["single_core"] = sc = single_core(records)
    print(
        f"1 core        {sc['articles_per_s']:.1f} articles/s, {sc['tokens_per_s']:,.0f} tokens/s, "
        f"{sc['chars_per_s'] / 1000:,.0f} K chars/s (full pipeline, in-process)"
    )
    for name, c in sc["components"].items():
        print(
            f"  {name:12s} {c['ms_per_article']:6.2f} ms/article  "
            f"{c['articles_per_s']:8.1f} articles/s alone  {100 * c['share']:5.1f}%"
        )

    with tempfile.TemporaryDirectory(prefix="marsad-bench-in-") as tmp:
        src = Path(tmp) / "jawharafm.jsonl"
        write_jsonl(records, src)
        shard = max(10, len(records) // (8 * args.workers))
        runs = []
        engines = ["local"] + ([] if args.no_dask else ["dask"])
        for engine in engines:
            for w in (1, args.workers):
                r = batch_run(src, engine, w, shard)
                runs.append(r)
                print(
                    f"{engine:5s} {w} worker{'s' if w > 1 else ' '}  wall {r['wall_s']:6.2f} s  "
                    f"{r['articles_per_s']:6.1f} articles/s end-to-end  "
                    f"{r['steady_articles_per_s']:6.1f} steady  "
                    f"{r['steady_articles_per_s'] / w:6.1f}/core  "
                    f"{r['tokens_per_s_per_core']:7,.0f} tokens/s/core  "
                    f"{r['articles_per_cpu_s']:5.1f} articles/CPU-s  "
                    f"driver CPU {r['driver_cpu_s']:.2f} s  "
                    f"peak RSS {r['peak_rss_mb_per_worker']:.0f} MB/worker  "
                    f"out {r['output_sha256']}"
                )
        res["batch"] = runs
        by = {(r["engine"], r["workers"]): r for r in runs}
        for engine in engines:
            one, many = by[(engine, 1)], by[(engine, args.workers)]
            print(
                f"speed-up {engine:5s} 1 → {args.workers} workers: "
                f"{many['wall_s'] and one['wall_s'] / many['wall_s']:.2f}× end-to-end, "
                f"{many['steady_articles_per_s'] / one['steady_articles_per_s']:.2f}× steady; "
                f"work per article {one['articles_per_cpu_s'] / many['articles_per_cpu_s']:.2f}× "
                f"(CPU-s at {args.workers} workers / at 1: {args.workers}× is the speed-up "
                "this implies on idle cores)"
            )
        if "dask" in engines:
            loc, dsk = by[("local", args.workers)], by[("dask", args.workers)]
            print(
                f"dask / local ({args.workers} workers): "
                f"{dsk['articles_per_s'] / loc['articles_per_s']:.2f} end-to-end, "
                f"{dsk['steady_articles_per_s'] / loc['steady_articles_per_s']:.2f} steady; "
                f"identical output: {len({r['output_sha256'] for r in runs}) == 1}"
            )

        if args.saudinewsnet:
            big = Path(tmp) / "saudinewsnet.jsonl"
            write_jsonl(itertools.islice(iter_saudinewsnet(), args.saudinewsnet), big)
            r = batch_run(big, "local", args.workers, 200)
            res["saudinewsnet"] = r
            print(
                f"SaudiNewsNet  {r['documents']} articles, {args.workers} workers: "
                f"{r['articles_per_s']:.1f} articles/s end-to-end, "
                f"{r['steady_articles_per_s'] / args.workers:.1f}/core steady, "
                f"peak RSS {r['peak_rss_mb_per_worker']:.0f} MB/worker"
            )

    sizes = [int(x) for x in args.sizes.split(",") if x]
    res["sizes"] = rows = size_scaling([r["text"] for r in records], sizes)
    base = rows[0]["ms_per_kb"] if rows else 1.0
    print("document size (full pipeline; the same text cut into documents of each size):")
    for row in rows:
        print(
            f"  {row['bytes'] / 1000:8.0f} KB × {row['documents']:4d}  {row['chars']:9,} chars  "
            f"{row['seconds']:8.3f} s/doc  "
            f"{row['ms_per_kb']:6.2f} ms/KB  ({row['ms_per_kb'] / base:.2f}× the 1 KB rate)  "
            + " ".join(f"{k} {v:.2f}" for k, v in row["components_ms_per_kb"].items())
        )

    if args.profile:
        print(f"profile ({args.profile} articles, cProfile; times inflated by the profiler):")
        res["profile"] = text = profile(records[: args.profile])
        print(text)

    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
