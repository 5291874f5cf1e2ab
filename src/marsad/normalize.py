"""Arabic normalisation with an offset map back to the original text.

Matchers work on a normalised view (``أحمد`` and ``احمد`` alike, ``٢٠٢٤`` as ``2024``,
no harakat, tatweel or bidi marks) and report spans in the original text through the map::

    >>> n = normalize("الرئيسُ  ٢٠٢٤")
    >>> n.text
    'الرئيس  2024'
    >>> n.to_original(8, 12)
    (9, 13)

The rules live in ``data/normalization.yaml``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

from marsad._data import codepoints, load_yaml

_COMPOSING_MARKS = {"\u0653", "\u0654", "\u0655"}


@dataclass(frozen=True, slots=True)
class _Tables:
    base: dict[int, str | None]  # str.translate table, one char or deletion
    folded: dict[int, str | None]
    presentation: frozenset[int]
    special: re.Pattern[str]  # characters needing the slow path
    deleted: dict[int, re.Pattern[str]]  # id(table) → runs of the characters it deletes


@functools.cache
def _tables() -> _Tables:
    spec = load_yaml("normalization.yaml")
    base: dict[int, str | None] = {}
    for ranges in spec["delete"].values():
        for r in ranges:
            for cp in codepoints(r):
                base[cp] = None
    for mapping in spec["map"].values():
        _add_map(base, mapping)
    folded = dict(base)
    for mapping in spec["fold"].values():
        _add_map(folded, mapping)
    pres: set[int] = set()
    for r in spec["presentation_forms"]:
        pres.update(cp for cp in codepoints(r) if cp not in base)
    special_chars = "".join(chr(c) for c in sorted(pres)) + "".join(sorted(_COMPOSING_MARKS))
    special = re.compile("[" + re.escape(special_chars) + "]")
    deleted = {id(t): _runs_of(cp for cp, v in t.items() if v is None) for t in (base, folded)}
    return _Tables(base, folded, frozenset(pres), special, deleted)


def _runs_of(cps: Iterable[int]) -> re.Pattern[str]:
    chars = "".join(re.escape(chr(cp)) for cp in sorted(cps))
    return re.compile(f"[{chars}]+") if chars else re.compile(r"(?!)")


def _add_map(table: dict[int, str | None], mapping: dict[str, str]) -> None:
    for src, dst in mapping.items():
        srcs, dsts = codepoints(src), codepoints(dst)
        if len(dsts) == 1:
            dsts = dsts * len(srcs)
        if len(srcs) != len(dsts):
            raise ValueError(f"normalization.yaml: {src} and {dst} differ in length")
        for s, d in zip(srcs, dsts, strict=True):
            table[s] = chr(d)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised string and, per character, the original span it came from."""

    original: str
    text: str
    starts: array[int]
    ends: array[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the original text."""
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span {start}:{end} outside normalised text of length {n}")
        if start == end:
            pos = self.starts[start] if start < n else len(self.original)
            return pos, pos
        oe = self.ends[end - 1]
        # harakat and tatweel after the last letter belong to the span (الرئيسُ)
        orig = self.original
        while oe < len(orig) and (orig[oe] == "\u0640" or unicodedata.combining(orig[oe])):
            oe += 1
        return self.starts[start], oe

    def from_original(self, pos: int) -> int:
        """The first normalised position at or after original offset ``pos``."""
        return bisect_left(self.starts, pos)


#: Texts up to this many characters (words, names, cue phrases: matchers normalise them over
#: and over) are normalised once and remembered, in a cache of ``_SHORT_CACHE`` entries.
_SHORT_CHARS = 48
_SHORT_CACHE = 1 << 15


def normalize(text: str, *, fold: bool = False) -> Normalized:
    """Normalise ``text`` for matching, keeping the offset map.

    ``fold=True`` also folds ى → ي and ة → ه (``مصطفى`` ≈ ``مصطفي``) for matchers that ask.
    The result is shared between calls with the same short text: treat it as read-only.
    """
    if len(text) <= _SHORT_CHARS:
        return _normalize_short(text, fold)
    return _normalize(text, fold)


@functools.lru_cache(maxsize=_SHORT_CACHE)
def _normalize_short(text: str, fold: bool) -> Normalized:
    return _normalize(text, fold)


def _normalize(text: str, fold: bool) -> Normalized:
    t = _tables()
    table = t.folded if fold else t.base
    if t.special.search(text) is None:
        return _fast(text, table, t.deleted[id(table)])
    return _slow(text, table, t.presentation)


def normalize_key(text: str) -> str:
    """A folded, space-collapsed key for dictionary look-ups: ``إيران`` → ``ايران``."""
    return " ".join(normalize(text, fold=True).text.split())


def _fast(text: str, table: dict[int, str | None], deleted: re.Pattern[str]) -> Normalized:
    """One character in, at most one out: the map is the kept positions (built per run of
    kept characters, not per character)."""
    out = text.translate(table)
    n = len(text)
    if len(out) == n:
        return Normalized(text, out, array("l", range(n)), array("l", range(1, n + 1)))
    starts = array("l")
    ends = array("l")
    prev = 0
    for m in deleted.finditer(text):
        starts.extend(range(prev, m.start()))
        ends.extend(range(prev + 1, m.start() + 1))
        prev = m.end()
    starts.extend(range(prev, n))
    ends.extend(range(prev + 1, n + 1))
    return Normalized(text, out, starts, ends)


def _slow(text: str, table: dict[int, str | None], presentation: frozenset[int]) -> Normalized:
    out: list[str] = []
    starts = array("l")
    ends = array("l")
    prev_src: int | None = None  # original index of the last emitted base character
    for i, ch in enumerate(text):
        cp = ord(ch)
        if ch in _COMPOSING_MARKS and prev_src is not None and out and ends[-1] == i:
            composed = unicodedata.normalize("NFC", text[prev_src] + ch)
            if len(composed) == 1:
                mapped = table.get(ord(composed), composed)
                if mapped:
                    out[-1] = mapped
                    ends[-1] = i + 1
                    continue
        if cp in presentation:
            expanded = unicodedata.normalize("NFKC", ch)
            for e in expanded:
                m = table.get(ord(e), e)
                if m:
                    out.append(m)
                    starts.append(i)
                    ends.append(i + 1)
            prev_src = None
            continue
        mapped = table.get(cp, ch)
        if mapped:
            out.append(mapped)
            starts.append(i)
            ends.append(i + 1)
            prev_src = i
    return Normalized(text, "".join(out), starts, ends)
