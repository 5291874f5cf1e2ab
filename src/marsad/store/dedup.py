"""Near-duplicate detection: MinHash signatures over word shingles, LSH banding, union-find.

Two articles are the same story when the estimated Jaccard similarity of their shingle sets
reaches :data:`STORY_MIN_SIMILARITY`; within a story, an article this close to the first
report (:data:`REPRINT_MIN_SIMILARITY`) is a reprint, otherwise an independent rewrite.
"""

from __future__ import annotations

import hashlib
import struct
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

#: Number of hash functions in a signature.
NUM_PERM = 64
#: LSH bands (``NUM_PERM`` must be a multiple): 32 bands of 2 rows find pairs down to J≈0.3.
BANDS = 32
#: Least estimated Jaccard similarity for two articles to be one story.
STORY_MIN_SIMILARITY = 0.35
#: Least similarity to the story's first report for an article to count as a reprint.
REPRINT_MIN_SIMILARITY = 0.8
#: Articles with fewer shingles than this are too short to group.
MIN_SHINGLES = 5
#: Largest LSH bucket compared pair by pair (boiler-plate buckets are skipped).
MAX_BUCKET = 200

#: Changes whenever signatures are computed differently (stored ones are then recomputed).
SCHEME = 2
_PERSONS = tuple(f"marsad-mh{i}".encode() for i in range(NUM_PERM // 16))
_UNPACK = struct.Struct("<16I").unpack


def _hashes(shingle: str) -> tuple[int, ...]:
    """``NUM_PERM`` independent 32-bit hashes of one shingle (16 per BLAKE2b digest)."""
    b = shingle.encode()
    out: tuple[int, ...] = ()
    for person in _PERSONS:
        out += _UNPACK(hashlib.blake2b(b, digest_size=64, person=person).digest())
    return out


def signature(shingle_set: Iterable[str]) -> tuple[int, ...] | None:
    """The MinHash signature of a shingle set (``None`` if it is too small to compare)."""
    rows = [_hashes(s) for s in set(shingle_set)]
    if len(rows) < MIN_SHINGLES:
        return None
    return tuple(map(min, zip(*rows, strict=True)))


def pack(sig: Sequence[int]) -> bytes:
    return struct.pack(f"<{len(sig)}I", *sig)


def unpack(blob: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(blob) // 4}I", blob)


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def group(sigs: Mapping[int, Sequence[int]]) -> list[list[tuple[int, int, float]]]:
    """Groups of near-duplicate documents: for each group of two or more, the
    ``(doc, linked_to, similarity)`` edges found (union-find over LSH candidate pairs)."""
    rows = NUM_PERM // BANDS
    parent: dict[int, int] = {d: d for d in sigs}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges: dict[tuple[int, int], float] = {}
    for band in range(BANDS):
        buckets: dict[tuple[int, ...], list[int]] = defaultdict(list)
        lo = band * rows
        for d, sig in sigs.items():
            buckets[tuple(sig[lo : lo + rows])].append(d)
        for members in buckets.values():
            if len(members) < 2 or len(members) > MAX_BUCKET:
                continue
            for i, x in enumerate(members):
                for y in members[i + 1 :]:
                    key = (x, y) if x < y else (y, x)
                    if key in edges:
                        continue
                    sim = similarity(sigs[x], sigs[y])
                    edges[key] = sim
                    if sim >= STORY_MIN_SIMILARITY:
                        rx, ry = find(x), find(y)
                        if rx != ry:
                            parent[max(rx, ry)] = min(rx, ry)
    comps: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for (x, y), sim in edges.items():
        if sim >= STORY_MIN_SIMILARITY:
            comps[find(x)].append((x, y, sim))
    return [c for c in comps.values() if c]
