#!/usr/bin/env python3
"""Benchmark the times and quantities recognisers on JawharaFM articles (one core).

usage: python tools/bench_times.py [--shared ../shared] [-n 1000]

Reads the first N articles of ``<shared>/data/news/jawharafm/ant_v1.1_jawharafm.tar.gz``
(publication date from each article's <TIME>) and prints articles per second for
``find_times`` + ``find_quantities`` together (segmentation excluded).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import tarfile
import time
from pathlib import Path

from marsad.quantities import find_quantities
from marsad.quantities import load_tables as load_quantity_tables
from marsad.times import find_times, load_tables

ROOT = Path(__file__).resolve().parents[1]
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_TIME = re.compile(r"<TIME>(\d{4}-\d\d-\d\d)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT / ".." / "shared")
    ap.add_argument("-n", type=int, default=1000)
    args = ap.parse_args(argv)
    tar_path = args.shared / "data" / "news" / "jawharafm" / "ant_v1.1_jawharafm.tar.gz"
    docs: list[tuple[str, dt.date | None]] = []
    with tarfile.open(tar_path) as tar:
        for member in tar:
            if len(docs) >= args.n:
                break
            if not member.isfile() or not member.name.endswith(".txt"):
                continue
            fh = tar.extractfile(member)
            if fh is None:
                continue
            raw = fh.read().decode("utf-8", errors="replace")
            m = _TEXT.search(raw)
            if m is None:
                continue
            d = _TIME.search(raw)
            docs.append((m.group(1), dt.date.fromisoformat(d.group(1)) if d else None))
    tables, qtables = load_tables(), load_quantity_tables()
    t0 = time.perf_counter()
    n_times = n_qty = 0
    for text, pub in docs:
        times, _ = find_times(text, pub, tables)
        n_times += len(times)
        n_qty += len(find_quantities(text, [(t.start, t.end) for t in times], qtables))
    el = time.perf_counter() - t0
    print(
        f"{len(docs)} articles in {el:.2f}s: {len(docs) / el:.0f} articles/s "
        f"({n_times} times, {n_qty} quantities)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
