"""Word clusters learned from unlabeled news, used as NER features.

Training (numpy, training time only): every word of the corpus is keyed by
:func:`marsad.normalize.normalize_key`; words seen at least ``min_count`` times get a
context vector (counts of the ``n_context`` most frequent words one position to the left and
one to the right, kept apart), weighted by positive PMI, reduced to ``dim`` dimensions and
clustered with k-means at several granularities (coarse to fine). The result ships as a
small gzip'd TSV ``word<TAB>id<TAB>id…`` (derived ids, not text from the corpus).

At run time :class:`Clusters` is a dict look-up.
"""

from __future__ import annotations

import gzip
import re
import tarfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from marsad.normalize import normalize_key
from marsad.segment import raw_tokens

_TEXT_RE = re.compile(r"<TEXT>(.*?)</TEXT>", re.DOTALL)
_TITLE_RE = re.compile(r"<TITLE>(.*?)</TITLE>", re.DOTALL)


class Clusters:
    """``word key → (cluster id per granularity, coarse to fine)``."""

    def __init__(self, table: dict[str, tuple[int, ...]] | None = None) -> None:
        self.table: dict[str, tuple[int, ...]] = dict(table or {})

    def get(self, key: str) -> tuple[int, ...] | None:
        return self.table.get(key)

    def __len__(self) -> int:
        return len(self.table)

    @classmethod
    def load(cls, path: str | Path) -> Clusters:
        opener = gzip.open if str(path).endswith(".gz") else open
        table: dict[str, tuple[int, ...]] = {}
        with opener(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("# "):
                    continue
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 2:
                    table[parts[0]] = tuple(int(x) for x in parts[1:])
        return cls(table)

    def save(self, path: str | Path, header: str = "") -> None:
        with gzip.GzipFile(path, "wb", mtime=0) as raw:
            lines = [f"# {h}\n" for h in header.splitlines()]
            lines += [
                w + "".join(f"\t{c}" for c in ids) + "\n" for w, ids in sorted(self.table.items())
            ]
            raw.write("".join(lines).encode("utf-8"))


def news_texts(path: str | Path) -> Iterator[str]:
    """Title and body of each article of the ANT/JawharaFM tarball (or a folder of files)."""
    p = Path(path)
    if p.is_dir():
        for f in sorted(p.rglob("*.txt")):
            yield from _doc_texts(f.read_text(encoding="utf-8", errors="replace"))
        return
    with tarfile.open(p, "r:*") as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile()), key=lambda m: m.name)
        for m in members:
            if not m.name.endswith(".txt"):
                continue
            fh = tar.extractfile(m)
            if fh is None:
                continue
            yield from _doc_texts(fh.read().decode("utf-8", errors="replace"))


def _doc_texts(raw: str) -> Iterator[str]:
    for rx in (_TITLE_RE, _TEXT_RE):
        for m in rx.finditer(raw):
            yield m.group(1)


def sentences_of_keys(texts: Iterator[str]) -> Iterator[list[str]]:
    """Word keys per line of text (numbers become ``0``, punctuation is kept)."""
    for t in texts:
        for line in t.splitlines():
            keys = []
            for s, e, kind in raw_tokens(line):
                keys.append("0" if kind == "number" else normalize_key(line[s:e]).lower())
            if keys:
                yield keys


def train_clusters(
    lines: list[list[str]],
    *,
    min_count: int = 3,
    n_context: int = 1500,
    dim: int = 80,
    ks: tuple[int, ...] = (64, 512),
    seed: int = 0,
    iterations: int = 15,
) -> Clusters:
    """Cluster the words of ``lines`` (see the module docstring)."""
    import numpy as np

    counts = Counter(w for ln in lines for w in ln)
    vocab = [w for w, c in counts.most_common() if c >= min_count]
    index = {w: i for i, w in enumerate(vocab)}
    ctx = {w: i for i, w in enumerate(vocab[:n_context])}
    nc = len(ctx)
    mat = np.zeros((len(vocab), 2 * nc), dtype=np.float32)
    for ln in lines:
        for j, w in enumerate(ln):
            i = index.get(w)
            if i is None:
                continue
            if j > 0:
                c = ctx.get(ln[j - 1])
                if c is not None:
                    mat[i, c] += 1
            if j + 1 < len(ln):
                c = ctx.get(ln[j + 1])
                if c is not None:
                    mat[i, nc + c] += 1
    total = mat.sum()
    row = mat.sum(axis=1, keepdims=True) + 1e-9
    col = mat.sum(axis=0, keepdims=True) + 1e-9
    with np.errstate(divide="ignore"):
        pmi = np.log(mat * total / (row * col))
    ppmi = np.where(mat > 0, np.maximum(pmi, 0), 0).astype(np.float32)
    # reduce: eigenvectors of the context covariance
    cov = ppmi.T @ ppmi
    _, vecs = np.linalg.eigh(cov)
    proj = ppmi @ vecs[:, -dim:]
    proj /= np.linalg.norm(proj, axis=1, keepdims=True) + 1e-9
    rng = np.random.default_rng(seed)
    levels = [_kmeans(proj, k, rng, iterations) for k in ks]
    return Clusters({w: tuple(lv[i] for lv in levels) for i, w in enumerate(vocab)})


def _kmeans(x: object, k: int, rng: object, iterations: int) -> list[int]:
    import numpy as np

    xa = np.asarray(x)
    k = min(k, len(xa))
    g = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(0)
    centers = xa[g.choice(len(xa), size=k, replace=False)].copy()
    assign = np.zeros(len(xa), dtype=np.int64)
    for _ in range(iterations):
        sims = xa @ centers.T  # rows are unit vectors: cosine k-means
        assign = sims.argmax(axis=1)
        for c in range(k):
            members = xa[assign == c]
            if len(members):
                v = members.mean(axis=0)
                centers[c] = v / (np.linalg.norm(v) + 1e-9)
            else:
                centers[c] = xa[g.integers(len(xa))]
    return [int(a) for a in assign]
