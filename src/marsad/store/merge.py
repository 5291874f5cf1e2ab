"""Cross-document event merging: reports of one event from different articles become one
merged event that keeps every report (its modality and its document).

Two reports are the same event when they have the same PLOVER type, dates within
:data:`MERGE_WINDOW_DAYS`, compatible locations (equal, or one unknown) and overlapping actors:
for each role (source, target) the actor sets overlap or one side is unknown, and at least one
role overlaps — with two shared actors, or one that is not a place (a country alone is weak
evidence), unless both reports are in one story (near-duplicate articles). For symmetric
types (meetings, cooperation, agreements) who is source and who is target is a matter of
phrasing, so the actors are compared as one set. A report joins a
cluster only if it is compatible with the whole cluster (locations, actors by role), so one
vague report cannot chain two different events together.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

#: Largest gap, in days, between two reports of one event.
MERGE_WINDOW_DAYS = 2
#: Types whose source and target are interchangeable.
SYMMETRIC_TYPES = frozenset({"CONSULT", "COOPERATE", "AGREE"})


@dataclass(frozen=True, slots=True)
class Report:
    """One event mention, as stored: actors are entity keys (KB id, else ``name:…``).

    ``places`` are the actors that are countries, cities or regions: sharing one of them
    alone is weak evidence (many events involve Tunisia), enough only within one story
    (``story``: the near-duplicate group, or the document when it has none).
    """

    id: int
    type: str
    date: _dt.date | None
    source: frozenset[str]
    target: frozenset[str]
    location: str | None
    story: int | str | None = None
    places: frozenset[str] = frozenset()


def _enough(common: set[str] | frozenset[str], a: Report, b: Report) -> bool:
    """Shared actors make two reports one event: two of them, or one that is not a place,
    or any within one story."""
    if not common:
        return False
    if a.story is not None and a.story == b.story:
        return True
    return len(common) >= 2 or bool(common - a.places - b.places)


def same_event(a: Report, b: Report) -> bool:
    """Whether two reports describe one event."""
    if a.type != b.type or a.date is None or b.date is None:
        return False
    if abs((a.date - b.date).days) > MERGE_WINDOW_DAYS:
        return False
    if a.location and b.location and a.location != b.location:
        return False
    if a.type in SYMMETRIC_TYPES:
        x, y = a.source | a.target, b.source | b.target
        if not x or not y:
            return False
        common = x & y
        # a meeting of A and B is not a meeting of A and C
        return len(common) >= min(2, len(x), len(y)) and _enough(common, a, b)
    shared: set[str] = set()
    for p, q in ((a.source, b.source), (a.target, b.target)):
        if p and q:
            if not p & q:
                return False
            shared |= p & q
    return _enough(shared, a, b)


def merge(reports: Sequence[Report]) -> list[list[int]]:
    """Clusters of report ids (every report is in exactly one cluster, singletons included)."""
    parent = {r.id: r.id for r in reports}
    # per cluster root: the locations and actors of its reports, so that an underspecified
    # report does not chain two incompatible ones (a strike in A and a strike in B)
    locs = {r.id: {r.location} - {None} for r in reports}
    roles = {r.id: (set(r.source), set(r.target)) for r in reports}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def compatible(ra: int, rb: int, symmetric: bool) -> bool:
        if locs[ra] and locs[rb] and not locs[ra] & locs[rb]:
            return False
        if symmetric:
            return True
        return all(p & q or not p or not q for p, q in zip(roles[ra], roles[rb], strict=True))

    def union(ra: int, rb: int) -> None:
        keep, gone = min(ra, rb), max(ra, rb)
        parent[gone] = keep
        locs[keep] |= locs.pop(gone)
        gs, gt = roles.pop(gone)
        roles[keep][0].update(gs)
        roles[keep][1].update(gt)

    by_type: dict[str, list[Report]] = defaultdict(list)
    for r in reports:
        if r.date is not None:
            by_type[r.type].append(r)
    for rs in by_type.values():
        rs.sort(key=lambda r: (r.date, r.id))
        for i, a in enumerate(rs):
            assert a.date is not None
            for b in rs[i + 1 :]:
                assert b.date is not None
                if (b.date - a.date).days > MERGE_WINDOW_DAYS:
                    break
                if same_event(a, b):
                    ra, rb = find(a.id), find(b.id)
                    if ra != rb and compatible(ra, rb, a.type in SYMMETRIC_TYPES):
                        union(ra, rb)
    clusters: dict[int, list[int]] = defaultdict(list)
    for r in reports:
        clusters[find(r.id)].append(r.id)
    return sorted(clusters.values(), key=lambda c: min(c))
