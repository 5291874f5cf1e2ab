"""Build marsad's word-frequency lexicon (data/lexicon/words.tsv) from the JawharaFM corpus.

usage: python tools/build_lexicon.py [../shared/data/news/jawharafm/ant_v1.1_jawharafm.tar.gz]

Counts normalised (folded) Arabic word forms over the ANT corpus v1.1 (JawharaFM, Apache-2.0)
and keeps forms seen at least MIN_COUNT times. The output is derived counts, not text.
"""

from __future__ import annotations

import sys
import tarfile
from collections import Counter
from pathlib import Path

from marsad.normalize import normalize_key
from marsad.segment import raw_tokens

MIN_COUNT = 3
DEFAULT = (
    Path(__file__).resolve().parents[1] / "../shared/data/news/jawharafm/ant_v1.1_jawharafm.tar.gz"
)
OUT = Path(__file__).resolve().parents[1] / "src/marsad/data/lexicon/words.tsv"


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    counts: Counter[str] = Counter()
    n_docs = 0
    with tarfile.open(src) as tar:
        for m in tar:
            if not (m.isfile() and m.name.endswith(".txt")):
                continue
            fh = tar.extractfile(m)
            if fh is None:
                continue
            text = fh.read().decode("utf-8", errors="replace")
            n_docs += 1
            for s, e, kind in raw_tokens(text):
                if kind == "word":
                    counts[normalize_key(text[s:e])] += 1
    rows = sorted(
        ((w, n) for w, n in counts.items() if n >= MIN_COUNT), key=lambda x: (-x[1], x[0])
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write(f"# word forms (normalised, folded) and counts over {n_docs} JawharaFM articles\n")
        fh.write(
            "# source: ANT corpus v1.1 (JawharaFM), Apache-2.0; built by tools/build_lexicon.py\n"
        )
        for w, n in rows:
            fh.write(f"{w}\t{n}\n")
    print(f"{len(rows)} forms from {n_docs} articles -> {OUT}")


if __name__ == "__main__":
    main()
