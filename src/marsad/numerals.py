"""Shared machinery for the ``times`` and ``quantities`` recognisers.

* :class:`View`: the folded, normalised view of a text (``أ/إ/آ`` → ``ا``, ``ى`` → ``ي``,
  ``ة`` → ``ه``, Arabic-Indic digits → ASCII) cut into small tokens, with the map back to the
  original offsets. Numbers keep their inner separators (``1.7``, ``10/9/2024``, ``10:30``).
* :class:`PhraseLex`: multi-word look-up (longest match first) with optional proclitics on the
  first word (``وفي``, ``بمئات``, ``للعام``); the proclitic stays outside the span.
* Number words (``data/times/numbers.yaml``): :func:`parse_number` reads ``ثلاثة وعشرون``,
  ``1.7 مليار``, ``3 ملايين و500 ألف``, ``مليارين``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from marsad._data import load_yaml
from marsad.normalize import Normalized, normalize, normalize_key

T = TypeVar("T")

_TOKEN_RE = re.compile(
    r"(?P<num>\d+(?:[.,:/\-]\d+)*)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<nl>\n)"
    r"|(?P<punct>[^\s])"
)
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_CONJ = "وف"
_PREP = "بلك"
#: Tokens that end the context window of a time expression (sentence ends).
STOPS = frozenset({".", "!", "?", "\n", ";", "؟", "…"})


class Tok(NamedTuple):
    """A token of the normalised view: ``s``/``e`` are offsets into the normalised text."""

    s: int
    e: int
    t: str
    kind: str  # num, word (Arabic), latin, punct, nl


def key(s: str) -> str:
    """The look-up key of a data entry: folded, normalised, single-spaced."""
    return normalize_key(s)


@functools.lru_cache(maxsize=4)
def view(text: str) -> View:
    """The :class:`View` of ``text``, shared by the recognisers run on the same document."""
    return View(text)


class View:
    """A text, its folded normalised view and the tokens of that view."""

    __slots__ = ("_forms", "norm", "text", "toks")

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm: Normalized = normalize(text, fold=True)
        toks: list[Tok] = []
        for m in _TOKEN_RE.finditer(self.norm.text):
            g = m.lastgroup or "punct"
            if g == "word":
                g = "word" if _ARABIC.match(m.group()) else "latin"
            toks.append(Tok(m.start(), m.end(), m.group(), g))
        self.toks = toks
        self._forms: dict[int, tuple[tuple[int, str], ...]] = {}

    def __len__(self) -> int:
        return len(self.toks)

    def word(self, i: int) -> str:
        """Token ``i``'s text, or ``""`` past the end."""
        return self.toks[i].t if 0 <= i < len(self.toks) else ""

    def adjacent(self, i: int) -> bool:
        """Token ``i`` touches token ``i - 1`` (no space between)."""
        return 0 < i < len(self.toks) and self.toks[i - 1].e == self.toks[i].s

    def forms(self, i: int) -> tuple[tuple[int, str], ...]:
        """``(offset, form)`` readings of token ``i`` with proclitics removed.

        ``وبالعام`` → ``(0, وبالعام)``, ``(1, بالعام)``, ``(2, العام)``; ``للعام`` also
        reads as ``العام`` (offset 1: only the preposition's ل is outside).
        """
        got = self._forms.get(i)
        if got is not None:
            return got
        if not 0 <= i < len(self.toks):
            return ()
        t = self.toks[i].t
        out: list[tuple[int, str]] = [(0, t)]
        if self.toks[i].kind == "word":
            stage: list[tuple[int, str]] = [(0, t)]
            if t[0] in _CONJ and len(t) > 2:
                stage.append((1, t[1:]))
            for off, f in stage:
                if off:
                    out.append((off, f))
                if f[:1] in _PREP and len(f) > 2:
                    out.append((off + 1, f[1:]))
                    if f.startswith("لل") and len(f) > 3:
                        out.append((off + 1, "ا" + f[1:]))
        res = tuple(out)
        self._forms[i] = res
        return res

    def to_original(self, i: int, j: int, off: int = 0) -> tuple[int, int]:
        """Original offsets of tokens ``i`` to ``j - 1`` (``off`` characters into token i)."""
        ns = self.toks[i].s + off
        ne = self.toks[j - 1].e
        return self.norm.to_original(ns, ne)

    def next_word(self, i: int) -> int:
        """Index of the first token at or after ``i`` (alias kept for readability)."""
        return i


class PhraseLex(Generic[T]):
    """Multi-word phrases (keys split on spaces) → values; longest match wins."""

    def __init__(self, items: Iterable[tuple[str, T]] = ()) -> None:
        self._d: dict[tuple[str, ...], T] = {}
        self._first: dict[str, int] = {}
        for k, v in items:
            self.add(k, v)

    def add(self, phrase: str, value: T) -> None:
        words = tuple(_phrase_words(key(phrase)))
        if not words or words in self._d:
            return
        self._d[words] = value
        self._first[words[0]] = max(self._first.get(words[0], 0), len(words))

    def __contains__(self, word: object) -> bool:
        return (word,) in self._d

    def first_words(self) -> frozenset[str]:
        """Every word a phrase can start with (for quick pre-filtering)."""
        return frozenset(self._first)

    def get(self, word: str) -> T | None:
        return self._d.get((word,))

    def match(self, v: View, i: int, *, prefix: bool = True) -> tuple[int, T, int] | None:
        """Longest phrase starting at token ``i``: ``(end token, value, proclitic length)``."""
        if i >= len(v.toks):
            return None
        cands = v.forms(i) if prefix else ((0, v.toks[i].t),)
        return self._match(v, i, cands)

    def match_form(self, v: View, i: int, form: str, off: int = 0) -> tuple[int, T, int] | None:
        """Like :meth:`match` with the first word read as ``form`` (``الطائرات`` → ``طائرات``)."""
        if i >= len(v.toks):
            return None
        return self._match(v, i, ((off, form),))

    def _match(
        self, v: View, i: int, cands: Iterable[tuple[int, str]]
    ) -> tuple[int, T, int] | None:
        best: tuple[int, T, int] | None = None
        for off, f in cands:
            n = self._first.get(f)
            if n is None:
                continue
            for size in range(n, 0, -1):
                words = (f, *(v.word(i + k) for k in range(1, size)))
                val = self._d.get(words)
                if val is not None and (best is None or i + size > best[0]):
                    best = (i + size, val, off)
                    break
        return best


def _phrase_words(k: str) -> list[str]:
    """Split a data phrase into tokens the way :class:`View` does (``%`` alone, ``/``)."""
    return [m.group() for m in _TOKEN_RE.finditer(k) if m.lastgroup != "nl"]


# -- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberWords:
    units: Mapping[str, int]
    teen_heads: Mapping[str, int]
    teen_tails: frozenset[str]
    tens: Mapping[str, int]
    hundreds: Mapping[str, int]
    scales: Mapping[str, int]
    dual_scales: Mapping[str, int]
    fractions: Mapping[str, float]
    vague: Mapping[str, int]
    day_ordinals: PhraseLex[int]
    decades: Mapping[str, int]

    def starts(self) -> frozenset[str]:
        """Words a numeral can start with."""
        return frozenset(
            [
                *self.units,
                *self.teen_heads,
                *self.tens,
                *self.hundreds,
                *self.scales,
                *self.dual_scales,
                *self.fractions,
                *self.vague,
            ]
        )

    def is_number_word(self, w: str) -> bool:
        return (
            w in self.units
            or w in self.tens
            or w in self.hundreds
            or w in self.scales
            or w in self.dual_scales
        )


def _keyed(d: Mapping[str, Any]) -> dict[str, Any]:
    return {key(str(k)): v for k, v in d.items()}


@functools.cache
def number_words() -> NumberWords:
    d = load_yaml("times/numbers.yaml")
    return NumberWords(
        units=_keyed(d["units"]),
        teen_heads=_keyed(d["teen_heads"]),
        teen_tails=frozenset(key(x) for x in d["teen_tails"]),
        tens=_keyed(d["tens"]),
        hundreds=_keyed(d["hundreds"]),
        scales=_keyed(d["scales"]),
        dual_scales=_keyed(d["dual_scales"]),
        fractions={key(k): float(v) for k, v in d["fractions"].items()},
        vague=_keyed(d["vague"]),
        day_ordinals=PhraseLex((str(k), int(v)) for k, v in d["day_ordinals"].items()),
        decades=_keyed(d["decades"]),
    )


_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")


def digit_value(t: str) -> int | float | None:
    """``"1.7"`` → 1.7; ``"1,700"`` → 1700; ``"3,5"`` → 3.5; ``"10/9/2024"`` → None."""
    if t.isdigit():
        return int(t)
    if _THOUSANDS.match(t):
        return int(t.replace(",", ""))
    if re.fullmatch(r"\d+[.,]\d+", t):
        return float(t.replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+", t):
        return float(t.replace(",", ""))
    return None


@dataclass(frozen=True, slots=True)
class Number:
    """A parsed numeral: tokens ``i`` to ``j - 1``; ``off`` = proclitic length in token i."""

    i: int
    j: int
    off: int
    value: int | float | None
    words: bool  # written (at least partly) in words
    vague: bool = False
    scaled: bool = False  # carries a scale word (مليون …)
    dual_noun: bool = False


def _clean(x: float) -> int | float:
    r = round(x, 6)
    return int(r) if float(r).is_integer() else r


def word_forms(v: View, i: int) -> tuple[tuple[int, str], ...]:
    """Readings of token ``i`` without a leading و/ب/ل (for number words)."""
    if i >= len(v.toks) or v.toks[i].kind != "word":
        return ()
    return v.forms(i)


def parse_number(v: View, i: int, nw: NumberWords | None = None) -> Number | None:
    """Read a numeral starting at token ``i`` (digits, words, or digits + scale words)."""
    nw = nw or number_words()
    toks = v.toks
    if i >= len(toks):
        return None
    tok = toks[i]
    if tok.kind == "num":
        val = digit_value(tok.t)
        if val is None:
            return None
        j = i + 1
        total = float(val)
        scaled = False
        # 1.7 مليار, 3 ملايين و500 ألف
        sc = nw.scales.get(toks[j].t) if j < len(toks) else None
        if sc is not None:
            total *= sc
            j += 1
            scaled = True
            j, total = _continue_scaled(v, j, total, sc, nw)
        return Number(i, j, 0, _clean(total), False, scaled=scaled)
    if tok.kind != "word":
        return None
    return _parse_words(v, i, nw)


def _continue_scaled(
    v: View, j: int, total: float, last: float, nw: NumberWords
) -> tuple[int, float]:
    """After a scale word: ``و500 ألف``, ``و 800 ألف``, ``و500``, ``ونصف``."""
    toks = v.toks
    n = len(toks)
    while j < n:
        t = toks[j].t
        if t == "و" and j + 1 < n and toks[j + 1].kind == "num":
            more = digit_value(toks[j + 1].t)
            if more is None:
                break
            k = j + 2
            sc = nw.scales.get(toks[k].t) if k < n else None
            if sc is not None and sc < last:
                total += float(more) * sc
                last, j = sc, k + 1
                continue
            if sc is None and more < last and float(more).is_integer():
                total += float(more)
                j = k
            break
        if t in ("ونصف", "ونيف"):
            if t == "ونصف":
                total += 0.5 * last
            j += 1
        break
    return j, total


def _word_value(nw: NumberWords, w: str) -> tuple[str, float] | None:
    if w in nw.units:
        return "unit", nw.units[w]
    if w in nw.tens:
        return "ten", nw.tens[w]
    if w in nw.hundreds:
        return "hundred", nw.hundreds[w]
    if w in nw.dual_scales:
        return "dual", nw.dual_scales[w]
    if w in nw.scales:
        return "scale", nw.scales[w]
    if w in nw.fractions:
        return "fraction", nw.fractions[w]
    return None


def _parse_words(v: View, i: int, nw: NumberWords) -> Number | None:
    toks = v.toks
    # first word may carry a proclitic (وثلاثة, بثلاثة)
    first: tuple[int, str, tuple[str, float]] | None = None
    for off, f in v.forms(i):
        wv = _word_value(nw, f)
        if wv is not None:
            first = (off, f, wv)
            break
        if f in nw.teen_heads and toks[i + 1 : i + 2] and toks[i + 1].t in nw.teen_tails:
            first = (off, f, ("unit", nw.teen_heads[f]))
            break
    if first is None:
        return None
    if first[2][0] == "scale" and first[1] in nw.vague:
        return None  # آلاف, ملايين alone are vague quantifiers
    off, _, (kind0, val0) = first
    total = 0.0
    current = 0.0
    scaled = False
    j = i
    kind, val = kind0, val0
    last_kind = ""
    last_scale = 0.0
    while True:
        if kind == "unit":
            if last_kind in ("unit", "ten"):
                break
            current += val
            # teens: ثلاثة عشر
            if j + 1 < len(toks) and toks[j + 1].t in nw.teen_tails and val < 10:
                current += 10
                j += 1
        elif kind == "ten":
            if last_kind == "ten":
                break
            current += val
        elif kind == "hundred":
            if last_kind == "unit" and val == 100 and current < 10:
                current = current * 100  # ثلاث مئة
            else:
                if last_kind in ("ten", "hundred"):
                    break
                current += val
        elif kind == "fraction":
            if last_kind:
                break
            current += val
        elif kind in ("scale", "dual"):
            last_scale = val / 2 if kind == "dual" else val
            if kind == "dual":
                if last_kind:
                    break
                total += val
            else:
                total += (current or 1.0) * val
            current = 0.0
            scaled = True
        last_kind = kind
        j += 1
        # continue with "و" + number word (وعشرون, و500 is digits: stop)
        nxt: tuple[str, float] | None = None
        if j < len(toks) and toks[j].kind == "word":
            t = toks[j].t
            wv = _word_value(nw, t)
            if (
                wv is not None
                and wv[0] in ("scale",)
                and kind in ("unit", "ten", "hundred", "fraction")
            ):
                nxt = wv
            elif t.startswith("و") and len(t) > 1:
                wv = _word_value(nw, t[1:])
                if wv is not None and wv[0] != "fraction":
                    nxt = wv
        if nxt is None:
            break
        kind, val = nxt
    if kind0 == "fraction" and not scaled:
        # نصف alone is not a number (نصف السكان); it needs a scale (نصف مليون)
        return None
    value = total + current
    if value == 0:
        return None
    if last_kind in ("scale", "dual") and last_scale:
        j, value = _continue_scaled(v, j, value, last_scale, nw)
    return Number(i, j, off, _clean(value), True, scaled=scaled)
