#!/usr/bin/env python3
"""Score the times and quantities components against the shared gold annotations.

usage: python tools/eval_times.py [--shared ../shared] [--out OUTDIR]

Runs ``segment``, ``times`` and ``quantities`` on ``<shared>/examples/articles/*.txt`` (the
publication date from the ``.meta.json`` beside each text), writes ``OUTDIR/<id>.json`` with
``Document.to_dict()`` and prints time_recall, time_value_acc and qty_value_acc from
``<shared>/tools/score.py``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from marsad.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT / ".." / "shared")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    examples = args.shared / "examples"
    if not (examples / "gold").is_dir():
        print(f"no gold annotations under {examples}", file=sys.stderr)
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="marsad-eval-times-"))
    out.mkdir(parents=True, exist_ok=True)
    pipe = Pipeline(["segment", "times", "quantities"])
    for txt in sorted((examples / "articles").glob("*.txt")):
        meta_path = txt.with_suffix(".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        doc = pipe.analyze(
            txt.read_text(encoding="utf-8"), published=meta.get("published"), id=txt.stem
        )
        (out / f"{txt.stem}.json").write_text(
            json.dumps(doc.to_dict(), ensure_ascii=False), encoding="utf-8"
        )
    res = subprocess.run(
        [
            sys.executable,
            str(args.shared / "tools" / "score.py"),
            str(examples / "gold"),
            str(out),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(res.stdout)["rows"]
    for k in ("time_recall", "time_value_acc", "time_value_lenient", "qty_value_acc"):
        print(f"{k:20s} {rows[k]:.3f}")
    print(f"outputs in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
