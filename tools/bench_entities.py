#!/usr/bin/env python3
"""Benchmark the knowledge base and the entities component (one core).

usage: python tools/bench_entities.py [--shared ../shared] [-n 1000]

Prints the KB load time (files read, validated and indexed, in a fresh process), the time
to build the component, and articles per second for matching + linking + title/nisba
resolution on the first N JawharaFM articles (segmentation excluded), with the peak RSS.
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_LOAD = (
    "import time; t=time.perf_counter(); from marsad.kb import default_kb; kb=default_kb(); "
    "print(time.perf_counter()-t, len(kb))"
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT / ".." / "shared")
    ap.add_argument("-n", type=int, default=1000)
    args = ap.parse_args(argv)

    out = subprocess.run([sys.executable, "-c", _LOAD], capture_output=True, text=True, check=True)
    load_s, n_entries = out.stdout.split()
    print(f"KB load (fresh process, incl. imports): {float(load_s):.3f} s, {n_entries} entries")

    from marsad.pipeline import Pipeline

    t0 = time.perf_counter()
    pipe = Pipeline(["segment", "entities"])
    print(f"pipeline build (segment + entities): {time.perf_counter() - t0:.3f} s")

    tar_path = args.shared / "data" / "news" / "jawharafm" / "ant_v1.1_jawharafm.tar.gz"
    texts: list[str] = []
    with tarfile.open(tar_path) as tar:
        for member in tar:
            if len(texts) >= args.n:
                break
            if member.isfile() and member.name.endswith(".txt"):
                fh = tar.extractfile(member)
                raw = fh.read().decode("utf-8", "replace") if fh else ""
                m = _TEXT.search(raw)
                if m and m.group(1).strip():
                    texts.append(m.group(1).strip())
    segment, entities = (step for _, step in pipe._steps)
    docs = [segment(pipe.make_doc(t, published="2016-06-01")) for t in texts]
    t0 = time.perf_counter()
    n_ent = 0
    for d in docs:
        n_ent += len(entities(d).entities)
    took = time.perf_counter() - t0
    chars = sum(len(t) for t in texts) / max(1, len(texts))
    print(
        f"entities: {len(docs)} articles ({chars:.0f} chars on average) in {took:.2f} s = "
        f"{len(docs) / took:.0f} articles/s, {n_ent} entities"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
