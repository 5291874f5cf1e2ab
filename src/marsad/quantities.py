"""Quantities in Arabic news: a numeral with its counted noun or unit.

``نحو 180 صاروخا`` → span ``180 صاروخا``, value 180, unit ``missile``, approximate (the hedge
stays outside); ``1.7 مليار دولار`` → 1700000000 USD; ``بمئات الطائرات بدون طيار`` → span
``مئات الطائرات``, value None, unit ``drone``, approximate; ``15 في المئة`` → 15 percent;
``اثنين من المسؤولين`` → span ``اثنين``, 2 person; ``صاروخين`` → 2 missile.

Not quantities: ordinals (``الثالث``), durations (``أسبوعين``: a time), dates and years,
model numbers (``SU-35``, ``Mi-28``), identifiers (``القرار 2231``), and a bare number with
nothing counted after it. Ranges (``بين 20 و30 قتيلا``) are one span whose value is the lower
bound, approximate. An ambiguous currency noun (``دينار``, ``ريال``) takes the code its
qualified form has elsewhere in the document (``دينار تونسي`` → TND), else null.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from marsad._data import load_yaml
from marsad.model import Quantity
from marsad.numerals import (
    Number,
    NumberWords,
    PhraseLex,
    key,
    number_words,
    parse_number,
    view,
)
from marsad.times import Tables as TimeTables
from marsad.times import extend_marks
from marsad.times import load_tables as load_time_tables

#: Longest hedge phrase, in tokens.
_RANGE_LINKS = frozenset({"و", "الي", "-", "–", "او", "حتي"})
_OF_THEM = frozenset({"منهم", "منهن", "منها", "منهما", "منا", "منكم"})
_ADJ_SUFFIXES = ("يين", "يون", "ين", "يه", "يا", "ه", "ا")


@dataclass(frozen=True)
class QtyTables:
    hedges_before: frozenset[tuple[str, ...]]
    hedge_max: int
    hedges_after: PhraseLex[bool]
    percent: PhraseLex[bool]
    currencies: PhraseLex[str]  # form → base noun key
    currency_default: dict[str, str | None]
    qualifiers: dict[str, dict[str, str]]  # base → adjective key → code
    signs: dict[str, str]
    units: PhraseLex[str]
    counted: PhraseLex[str]
    duals: dict[str, str]
    not_counted: frozenset[str]
    numbers: NumberWords
    times: TimeTables
    starts: frozenset[str] = frozenset()


@functools.cache
def load_tables() -> QtyTables:
    """Load ``data/quantities.yaml`` (once per process)."""
    d = load_yaml("quantities.yaml")
    hb = frozenset(tuple(key(str(h)).split()) for h in d["hedges_before"])
    currencies: PhraseLex[str] = PhraseLex()
    default: dict[str, str | None] = {}
    qualifiers: dict[str, dict[str, str]] = {}
    for base, spec in d["currencies"].items():
        b = key(str(base))
        for f in spec["forms"]:
            currencies.add(str(f), b)
        default[b] = spec.get("default")
        qualifiers[b] = {
            _adj_key(key(str(a))): str(c) for a, c in (spec.get("qualifiers") or {}).items()
        }
    units: PhraseLex[str] = PhraseLex(
        (str(f), str(u)) for u, forms in d["units"].items() for f in forms
    )
    counted: PhraseLex[str] = PhraseLex()
    duals: dict[str, str] = {}
    for unit, spec in d["counted"].items():
        for f in spec.get("sg", []):
            counted.add(str(f), str(unit))
        for f in spec.get("pl", []):
            counted.add(str(f), str(unit))
    for unit, spec in d["counted"].items():
        for f in spec.get("sg", []):
            k = key(str(f))
            if " " in k:
                continue
            stem = k[:-1] + "ت" if k.endswith("ه") else k
            for dual in (stem + "ين", stem + "ان"):
                if dual not in counted and dual not in duals:
                    duals[dual] = str(unit)
    return QtyTables(
        hedges_before=hb,
        hedge_max=max(len(h) for h in hb),
        hedges_after=PhraseLex((str(h), True) for h in d["hedges_after"]),
        percent=PhraseLex((str(p), True) for p in d["percent"]),
        currencies=currencies,
        currency_default=default,
        qualifiers=qualifiers,
        signs={str(k): str(v) for k, v in d["currency_signs"].items()},
        units=units,
        counted=counted,
        duals=duals,
        not_counted=frozenset(key(str(x)) for x in d["not_counted"]),
        numbers=number_words(),
        times=load_time_tables(),
        starts=number_words().starts() | frozenset(duals),
    )


def _adj_key(w: str) -> str:
    """``تونسية`` / ``تونسيا`` / ``التونسي`` → ``تونسي``."""
    if w.startswith("ال") and len(w) > 4:
        w = w[2:]
    for suf in _ADJ_SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            base = w[: -len(suf)]
            return base if base.endswith("ي") else base + ("ي" if suf.startswith("ي") else "")
    return w


@dataclass
class _Q:
    i: int
    j: int
    off: int
    value: int | float | None
    unit: str | None
    approximate: bool
    currency_base: str | None = None


class _Finder:
    def __init__(self, text: str, tab: QtyTables, blocked: Sequence[tuple[int, int]]) -> None:
        self.text = text
        self.v = view(text)
        self.toks = self.v.toks
        self.n = len(self.toks)
        self.tab = tab
        self.lexicon = tab.times.lexicon
        self.starts = tab.starts
        self._words_numeral = False
        spans = sorted(blocked)
        self._bs = [s for s, _ in spans]
        self._be = [e for _, e in spans]

    def w(self, i: int) -> str:
        return self.toks[i].t if 0 <= i < self.n else ""

    def blocked(self, i: int) -> bool:
        if not self._bs:
            return False
        s, e = self.v.to_original(i, i + 1)
        k = bisect.bisect_right(self._bs, s)
        # any blocked span starting before e and ending after s
        for m in range(max(0, k - 3), min(len(self._bs), k + 2)):
            if self._bs[m] < e and self._be[m] > s:
                return True
        return False

    def model_number(self, i: int) -> bool:
        v = self.v
        if v.adjacent(i) and self.toks[i - 1].kind == "latin":
            return True
        if v.adjacent(i) and self.toks[i - 1].t in ("-", "/") and v.adjacent(i - 1):
            return self.toks[i - 2].kind in ("latin", "word", "num")
        if i + 1 < self.n and v.adjacent(i + 1):
            nxt = self.toks[i + 1]
            if nxt.kind == "latin" or (nxt.t == "-" and i + 2 < self.n and v.adjacent(i + 2)):
                return True
        return False

    # -- look-ups after a numeral ------------------------------------------------------------
    def timeish(self, j: int) -> bool:
        tt = self.tab.times
        return (
            tt.dur_units.match(self.v, j, prefix=False) is not None
            or tt.months.match(self.v, j, prefix=False) is not None
        )

    def counted_at(self, j: int, *, definite: bool) -> tuple[int, str] | None:
        """``(end of the head noun, unit)`` for a counted noun at ``j``."""
        if j >= self.n or self.toks[j].kind != "word":
            return None
        t = self.toks[j].t
        m = self.tab.counted.match_form(self.v, j, t)
        if m is None and t.startswith("ال") and len(t) > 3:
            m = self.tab.counted.match_form(self.v, j, t[2:])
        if m is None:
            return None
        if not definite and t.startswith("ال") and m is not None and not self.tab.counted.get(t):
            return None
        return j + 1, m[1]

    def currency_at(self, j: int) -> tuple[int, str | None, str] | None:
        """``(end, ISO code or None, base noun)``."""
        if j >= self.n:
            return None
        t = self.toks[j].t
        m = self.tab.currencies.match_form(self.v, j, t)
        if m is None and t.startswith("ال") and len(t) > 3:
            m = self.tab.currencies.match_form(self.v, j, t[2:])
        if m is None:
            return None
        end, base, _ = m
        code = self.tab.currency_default.get(base)
        quals = self.tab.qualifiers.get(base, {})
        if end < self.n and self.toks[end].kind == "word" and quals:
            q = quals.get(_adj_key(self.toks[end].t))
            if q is not None:
                return end + 1, q, base
        return end, code, base

    def unit_after(
        self, j: int, definite: bool = False
    ) -> tuple[int, str | None, str | None, bool] | None:
        """``(end, unit, currency base, known)`` for what follows a numeral."""
        tab = self.tab
        if j >= self.n:
            return None
        pm = tab.percent.match(self.v, j, prefix=False)
        if pm is not None:
            return pm[0], "percent", None, True
        sign = tab.signs.get(self.w(j))
        if sign is not None and self.v.adjacent(j):
            return j + 1, sign, None, True
        cur = self.currency_at(j)
        if cur is not None:
            return cur[0], cur[1], cur[2], True
        um = tab.units.match(self.v, j, prefix=False)
        if um is not None:
            return um[0], um[1], None, True
        if self.timeish(j):
            return None
        cn = self.counted_at(j, definite=definite)
        if cn is not None:
            return cn[0], cn[1], None, True
        if self.w(j) in _OF_THEM:
            return j, None, None, False  # اثنان منهم
        # اثنين من المسؤولين: the numeral alone, unit from the noun after من
        if self.w(j) == "من" and j + 1 < self.n:
            cn = self.counted_at(j + 1, definite=True)
            if cn is not None:
                return j, cn[1], None, True
            t = self.w(j + 1)
            if t.startswith("ال") and self.toks[j + 1].kind == "word" and self._words_numeral:
                return j, None, None, False  # ثلاثة من الثلاثين
        return None

    def unknown_noun(self, j: int) -> bool:
        if j >= self.n or self.toks[j].kind != "word":
            return False
        t = self.toks[j].t
        if len(t) < 3 or t.startswith("ال") or t in self.tab.not_counted:
            return False
        if t[0] in "وف" and len(t) > 3:
            lex = self.lexicon
            if lex is None or lex.freq(t[1:]) >= lex.freq(t):
                return False  # وأصيب: a conjunction and the next clause
        if self.tab.numbers.is_number_word(t) or t in self.tab.numbers.vague:
            return False
        return not self.timeish(j)

    # -- hedges ----------------------------------------------------------------------------
    def hedge_before(self, i: int, off: int) -> bool:
        if off:
            return False
        for size in range(1, self.tab.hedge_max + 1):
            a = i - size
            if a < 0:
                break
            rest = tuple(self.w(k) for k in range(a + 1, i))
            for _, f in self.v.forms(a):
                if (f, *rest) in self.tab.hedges_before:
                    return True
        # الـ: قرابة الـ180
        return False

    def hedge_after(self, j: int) -> bool:
        return self.tab.hedges_after.match(self.v, j, prefix=False) is not None

    # -- recognisers --------------------------------------------------------------------------
    def vague(self, i: int) -> _Q | None:
        nw = self.tab.numbers
        for off, f in self.v.forms(i):
            if f not in nw.vague:
                continue
            j = i + 1
            # عشرات الآلاف, مئات الملايين
            if self.w(j) in nw.vague and self.w(j).startswith("ال"):
                j += 1
            u = self.unit_after(j, definite=True)
            if u is not None:
                end, unit, base, _ = u
                return _Q(i, end, off, None, unit, True, base)
            if self.w(j) == "من" and self.unknown_noun(j + 1):
                return _Q(i, j, off, None, None, True)
            definite_word = (
                j < self.n
                and self.toks[j].kind == "word"
                and self.w(j).startswith("ال")
                and len(self.w(j)) > 3
            )
            if self.unknown_noun(j) or definite_word:
                return _Q(i, j + 1, off, None, None, True)
            if nw.vague[f] >= 10 and f.startswith("ال"):
                return _Q(i, j, off, None, None, True)
            return None
        return None

    def number(self, i: int) -> _Q | None:
        tab = self.tab
        if self.toks[i].kind == "num" and (
            self.model_number(i) or (self.v.adjacent(i) and self.w(i - 1) in ("ال", "رقم"))
        ):
            return None
        num: Number | None = parse_number(self.v, i, tab.numbers)
        if num is None or num.value is None:
            return None
        prev = self.w(i - 1)
        if prev in tab.times.identifier_words and not num.words:
            return None
        if not num.words and (
            (prev in ("-", "–") and self.toks[i - 2].kind == "num" if i >= 2 else False)
            or (
                self.w(num.j) in ("-", "–")
                and num.j + 1 < self.n
                and self.toks[num.j + 1].kind == "num"
            )
        ):
            return None  # a score (2 - 0) or a list of numbers
        if num.words and num.value == 1 and not num.scaled:
            return None  # واحد alone is an adjective or a pronoun
        if num.words and prev.startswith("ال") and self.toks[i].t in tab.numbers.teen_tails:
            return None  # الخامسة عشرة: the tail of an ordinal
        j = num.j
        self._words_numeral = num.words
        value: int | float | None = num.value
        approximate = self.hedge_before(i, num.off)
        # %15 (percent sign before the digits)
        if self.toks[i].kind == "num" and prev in ("%",) and self.v.adjacent(i):
            return _Q(i - 1, j, 0, value, "percent", approximate)
        # ranges: بين 20 و30 قتيلا, 20 إلى 30
        if self.w(j) in _RANGE_LINKS and j + 1 < self.n:
            num2 = parse_number(self.v, j + 1, tab.numbers)
            if (
                num2 is not None
                and num2.value is not None
                and num2.words == num.words
                and num2.value > (value or 0)
                and (self.w(j) != "و" or approximate)
            ):
                u2 = self.unit_after(num2.j)
                if u2 is not None or num2.scaled:
                    j = num2.j
                    approximate = True
        u = self.unit_after(j)
        if u is not None:
            end, unit, base, _ = u
            if self.hedge_after(end):
                approximate = True
            if prev in tab.signs and self.v.adjacent(i) and unit is None:
                unit = tab.signs[prev]
            return _Q(i, end, num.off, value, unit, approximate, base)
        if prev in tab.signs and self.v.adjacent(i):
            return _Q(i - 1, j, 0, value, tab.signs[prev], approximate)
        if self.timeish(j):
            return None
        if self.unknown_noun(j) and not num.scaled:
            if self.toks[i].kind == "num" and len(self.toks[i].t) == 4:
                return None  # a year (عام 2022 شهد)
            return _Q(i, j + 1, num.off, value, None, approximate or self.hedge_after(j + 1))
        if num.scaled:
            return _Q(i, j, num.off, value, None, approximate or self.hedge_after(j))
        return None

    def dual(self, i: int) -> _Q | None:
        for off, f in self.v.forms(i):
            unit = self.tab.duals.get(f)
            if unit is not None:
                return _Q(i, i + 1, off, 2, unit, False)
        return None

    def run(self) -> list[_Q]:
        out: list[_Q] = []
        i = 0
        while i < self.n:
            kind = self.toks[i].kind
            if kind == "word" and not (
                self.toks[i].t in self.starts
                or (
                    self.toks[i].t[0] in "وفبلك"
                    and any(f in self.starts for _, f in self.v.forms(i))
                )
            ):
                i += 1
                continue
            if kind not in ("num", "word") or self.blocked(i):
                i += 1
                continue
            q = self.number(i) or self.vague(i) or (self.dual(i) if kind == "word" else None)
            if q is None or q.j <= q.i:
                i += 1
                continue
            if any(self.blocked(k) for k in range(q.i, q.j)):
                i += 1
                continue
            out.append(q)
            i = q.j
        # ambiguous currency nouns take the code of their qualified form in this document
        known: dict[str, set[str]] = {}
        for q in out:
            if q.currency_base and q.unit:
                known.setdefault(q.currency_base, set()).add(q.unit)
        for q in out:
            if q.currency_base and q.unit is None:
                codes = known.get(q.currency_base, set())
                if len(codes) == 1:
                    q.unit = next(iter(codes))
        return out


def find_quantities(
    text: str,
    blocked: Iterable[tuple[int, int]] = (),
    tables: QtyTables | None = None,
) -> list[Quantity]:
    """Quantities of ``text``; ``blocked`` = original spans already taken (time expressions)."""
    tab = tables or load_tables()
    f = _Finder(text, tab, list(blocked))
    out: list[Quantity] = []
    for q in f.run():
        s, e = f.v.to_original(q.i, q.j, q.off)
        e = extend_marks(text, e)
        if e <= s:
            continue
        value = q.value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        out.append(Quantity(s, e, text[s:e], value, q.unit, q.approximate))
    return out
