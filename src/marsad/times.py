"""Time expressions in Arabic news, resolved against the publication date.

Conventions (``../shared/examples/ANNOTATION.md``): a leading ``في``, ``منذ`` or ``يوم`` and
proclitics stay outside the span; deictic compounds stay whole (``اليوم الجمعة``); paired
month names are one span (``تشرين الأول/أكتوبر``, ``أكتوبر (تشرين الأول)``). Values:

* a day ``2024-10-11``, a month ``2024-10``, a year ``2024``, an ISO week ``2024-W41``, a season
  ``2024-SU``, a decade ``199`` (TIMEX3), a range ``2024-10-23/2024-10-24``, a duration ``P2W``,
  a clock time ``2024-10-11T15:00`` (``Z`` appended for GMT), or ``None`` when vague;
* ``relative`` is true when the value needed the publication date or the context.

Resolution rules, kept simple on purpose:

* A weekday is the most recent such day on or before publication; ``الماضي`` makes it strictly
  before; ``المقبل``/``القادم`` or a future cue in the sentence (``سوف``, ``سيعقد``,
  ``المقرر`` …) makes it the next one (strictly after with ``المقبل``).
* A month (or day and month) without a year is in the publication year, except: with ``الماضي``
  it is the last such month before publication, with ``المقبل`` the next one; a month more than
  two months after publication with no future cue is read as last year's (past-tense news); a
  month more than two months before publication with a future cue is next year's.
* ``مطلع``/``منتصف``/``أواخر`` keep the value of the period and set ``mod`` START/MID/END.
* Anaphora (``آنذاك``, ``في ذلك الوقت``, ``في اليوم التالي``) take the value of the previous
  resolved expression (durations and vague expressions are skipped), at their granularity.
* Hijri dates are converted with ``hijridate`` (Umm al-Qura, 1343–1500 AH) or, outside that
  range, the arithmetical (tabular) calendar; a Hijri month without a day is a Gregorian range.
* A clock time takes the day of the nearest day-level expression in its sentence, else the
  publication date.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from marsad._data import load_yaml
from marsad.model import TimeExpr
from marsad.numerals import (
    STOPS,
    NumberWords,
    PhraseLex,
    digit_value,
    key,
    number_words,
    parse_number,
    view,
)

#: Years accepted as Gregorian years.
MIN_YEAR, MAX_YEAR = 1800, 2199
#: Years accepted as Hijri years (with a Hijri marker or month).
MIN_HIJRI_YEAR, MAX_HIJRI_YEAR = 1200, 1600
#: A bare four-digit number in this range, after a noun, reads as a year (انتخابات 2016).
BARE_YEAR_MIN, BARE_YEAR_MAX = 1900, 2100
#: Tokens before/after an expression searched for future cues.
CUE_WINDOW_BEFORE, CUE_WINDOW_AFTER = 10, 4
#: A month this many months after publication (or more) is read as past without a future cue.
NEAR_FUTURE_MONTHS = 2


# -- data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tables:
    months: PhraseLex[tuple[str, int]]
    strict_months: frozenset[str]
    hijri_markers: frozenset[str]
    greg_markers: frozenset[str]
    weekdays: PhraseLex[int]
    strict_weekdays: frozenset[str]
    seasons: Mapping[str, str]
    deictic: PhraseLex[int]
    day_parts: PhraseLex[bool]
    not_today_after: frozenset[str]
    period_units: Mapping[str, str]
    period_mods: Mapping[str, int]
    this: frozenset[str]
    plural_periods: PhraseLex[str]
    dual_periods: PhraseLex[str]
    plural_modifiers: frozenset[str]
    few: frozenset[str]
    parts: PhraseLex[str]
    vague: PhraseLex[bool]
    earlier_later: PhraseLex[bool]
    anaphora: PhraseLex[tuple[str, int]]
    future_cues: frozenset[str]
    temporal_preps: frozenset[str]
    identifier_words: frozenset[str]
    count_before: frozenset[str]
    count_after: frozenset[str]
    after_year: frozenset[str]
    not_weekday_before: frozenset[str]
    not_weekday_after: frozenset[str]
    dur_units: PhraseLex[tuple[str, str]]
    one_after: frozenset[str]
    ago: frozenset[str]
    later: frozenset[str]
    not_offset_after: frozenset[str]
    vague_plural_after: frozenset[str]
    year_parts: Mapping[str, str]
    part_ordinals: Mapping[str, int]
    vague_counts: frozenset[str]
    hour_word: frozenset[str]
    hours: PhraseLex[int]
    minutes: PhraseLex[int]
    day_part_after: PhraseLex[str]
    day_part_nouns: Mapping[str, str]
    zones: PhraseLex[str]
    numbers: NumberWords
    lexicon: Any = None
    triggers: frozenset[str] = frozenset()


def _set(xs: Any) -> frozenset[str]:
    return frozenset(key(str(x)) for x in xs)


@functools.cache
def load_tables() -> Tables:
    """Load the time tables from ``data/times/`` (once per process)."""
    from marsad.segment import default_lexicon

    mo = load_yaml("times/months.yaml")
    rel = load_yaml("times/relative.yaml")
    dur = load_yaml("times/durations.yaml")
    clk = load_yaml("times/clock.yaml")
    months: PhraseLex[tuple[str, int]] = PhraseLex()
    for cal, table in (("g", mo["gregorian"]), ("h", mo["hijri"])):
        for m, forms in table.items():
            for f in forms:
                months.add(str(f), (cal, int(m)))
    weekdays: PhraseLex[int] = PhraseLex(
        (str(f), int(d)) for d, forms in mo["weekdays"].items() for f in forms
    )
    seasons = {key(str(f)): str(code) for code, forms in mo["seasons"].items() for f in forms}
    period_units = {key(str(f)): str(u) for u, forms in rel["period_units"].items() for f in forms}
    period_mods = {
        key(str(f)): int(off) for off, forms in rel["period_modifiers"].items() for f in forms
    }
    plural: PhraseLex[str] = PhraseLex(
        (str(f), str(u)) for u, forms in rel["plural_periods"].items() for f in forms
    )
    dual: PhraseLex[str] = PhraseLex(
        (str(f), str(u)) for u, forms in rel["dual_periods"].items() for f in forms
    )
    parts: PhraseLex[str] = PhraseLex(
        (str(f), str(m)) for m, forms in rel["period_parts"].items() for f in forms
    )
    anaphora: PhraseLex[tuple[str, int]] = PhraseLex(
        (str(k), (str(v["unit"]), int(v["offset"]))) for k, v in rel["anaphora"].items()
    )
    dur_units: PhraseLex[tuple[str, str]] = PhraseLex()
    for u, forms in dur["units"].items():
        for cls in ("du", "pl", "sg"):
            for f in forms.get(cls, []):
                dur_units.add(str(f), (str(u), cls))
    tab = Tables(
        months=months,
        strict_months=_set(mo["strict"]),
        hijri_markers=_set(mo["hijri_markers"]),
        greg_markers=_set(mo["gregorian_markers"]),
        weekdays=weekdays,
        strict_weekdays=_set(mo["strict_weekdays"]),
        seasons=seasons,
        deictic=PhraseLex((str(k), int(v)) for k, v in rel["deictic_days"].items()),
        day_parts=PhraseLex((str(x), True) for x in rel["day_parts"]),
        not_today_after=_set(rel["not_today_after"]),
        period_units=period_units,
        period_mods=period_mods,
        this=_set(rel["this"]),
        plural_periods=plural,
        dual_periods=dual,
        plural_modifiers=_set(rel["plural_modifiers"]),
        few=_set(rel["few"]),
        parts=parts,
        vague=PhraseLex((str(x), True) for x in rel["vague"]),
        earlier_later=PhraseLex((str(x), True) for x in rel["earlier_later"]),
        anaphora=anaphora,
        future_cues=_set(rel["future_cues"]),
        temporal_preps=_set(rel["temporal_preps"]),
        identifier_words=_set(rel["identifier_words"]),
        count_before=_set(rel["count_before"]),
        count_after=_set(rel["count_after"]) | _counted_forms(),
        after_year=_set(rel["after_year"]),
        not_weekday_before=_set(mo["not_weekday_before"]),
        not_weekday_after=_set(mo["not_weekday_after"]),
        dur_units=dur_units,
        one_after=_set(dur["one_after"]),
        ago=_set(dur["ago"]),
        later=_set(dur["later"]),
        not_offset_after=_set(dur["not_offset_after"]),
        vague_plural_after=_set(dur["vague_plural_after"]),
        year_parts={key(str(k)): str(v) for k, v in rel["year_parts"].items()},
        part_ordinals={key(str(k)): int(v) for k, v in rel["part_ordinals"].items()},
        vague_counts=_set(dur["vague_counts"]),
        hour_word=_set(clk["hour_word"]),
        hours=PhraseLex((str(k), int(v)) for k, v in clk["hours"].items()),
        minutes=PhraseLex((str(k), int(v)) for k, v in clk["minutes"].items()),
        day_part_after=PhraseLex((str(k), str(v)) for k, v in clk["day_part_after"].items()),
        day_part_nouns={key(str(k)): str(v) for k, v in clk["day_part_nouns"].items()},
        zones=PhraseLex((str(k), str(v)) for k, v in clk["zones"].items()),
        numbers=number_words(),
        lexicon=default_lexicon(),
    )
    return replace(tab, triggers=_triggers(tab))


def _counted_forms() -> frozenset[str]:
    """Counted nouns, currencies and units of ``quantities.yaml``: after one of them a
    four-digit number is a count, not a year."""
    d = load_yaml("quantities.yaml")
    out: set[str] = set()
    for spec in d["counted"].values():
        for f in [*spec.get("sg", []), *spec.get("pl", [])]:
            out.add(key(str(f)).split()[0])
    for spec in d["currencies"].values():
        out |= {key(str(f)).split()[0] for f in spec["forms"]}
    for forms in d["units"].values():
        out |= {key(str(f)).split()[0] for f in forms}
    return frozenset(out)


def _triggers(t: Tables) -> frozenset[str]:
    """Every word (folded) a time expression can start with; other words are skipped fast."""
    words: set[str] = set()
    for lex in (
        t.months,
        t.weekdays,
        t.deictic,
        t.day_parts,
        t.plural_periods,
        t.dual_periods,
        t.parts,
        t.vague,
        t.earlier_later,
        t.anaphora,
        t.dur_units,
        t.hours,
        t.numbers.day_ordinals,
    ):
        words |= lex.first_words()
    words |= set(t.seasons) | {w[2:] for w in t.seasons}
    words |= set(t.period_units) | set(t.this) | set(t.hour_word)
    words |= set(t.ago) | set(t.later) | set(t.vague_counts) | t.numbers.starts()
    words |= set(t.year_parts)
    words |= {"شهر", "عام", "العام", "سنه", "السنه", "عامي", "ال"}
    return frozenset(words)


# -- calendar helpers ---------------------------------------------------------------------------


def _days_in_month(y: int, m: int) -> int:
    if m == 12:
        return 31
    return (dt.date(y, m + 1, 1) - dt.date(y, m, 1)).days


def _add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def _iso_week(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def hijri_to_gregorian(y: int, m: int, d: int) -> dt.date:
    """Hijri → Gregorian: Umm al-Qura via hijridate where it applies, else arithmetical."""
    try:
        from hijridate import Hijri

        g = Hijri(y, m, d).to_gregorian()
        return dt.date(g.year, g.month, g.day)
    except Exception:  # out of the Umm al-Qura range, or hijridate missing
        return _tabular_to_gregorian(y, m, d)


def hijri_month_length(y: int, m: int) -> int:
    try:
        from hijridate import Hijri

        return int(Hijri(y, m, 1).month_length())
    except Exception:
        return 30 if m % 2 == 1 or (m == 12 and (11 * y + 14) % 30 < 11) else 29


def gregorian_to_hijri(d: dt.date) -> tuple[int, int, int]:
    try:
        from hijridate import Gregorian

        h = Gregorian(d.year, d.month, d.day).to_hijri()
        return int(h.year), int(h.month), int(h.day)
    except Exception:
        return _tabular_from_gregorian(d)


_ISLAMIC_EPOCH = 1948439  # JDN of 1 Muharram 1 AH (civil epoch)


def _jdn(d: dt.date) -> int:
    return d.toordinal() + 1721425


def _tabular_to_gregorian(y: int, m: int, d: int) -> dt.date:
    jdn = (
        d
        + -(-(295 * (m - 1)) // 10)  # ceil(29.5 * (m - 1))
        + (y - 1) * 354
        + (3 + 11 * y) // 30
        + _ISLAMIC_EPOCH
        - 1
    )
    return dt.date.fromordinal(jdn - 1721425)


def _tabular_from_gregorian(g: dt.date) -> tuple[int, int, int]:
    jdn = _jdn(g)
    y = (30 * (jdn - _ISLAMIC_EPOCH) + 10646) // 10631
    m = min(12, -(-(jdn - (29 + _tabular_to_gregorian(y, 1, 1).toordinal() + 1721425)) // 29) + 1)
    m = max(1, m)
    d = jdn - (_tabular_to_gregorian(y, m, 1).toordinal() + 1721425) + 1
    return y, m, d


def infer_year(
    ref: tuple[int, int, int], month: int, day: int | None, rel: int | None, future: bool
) -> int:
    """The year of ``day month`` (no year written) seen from ``ref`` = (year, month, day).

    ``rel``: -1 for الماضي, 1 for المقبل, 0 for الجاري, None when not said.
    """
    ry, rm, rd = ref
    here = (month, day or 0)
    now = (rm, rd if day else 0)
    if rel == -1:
        return ry if here < now else ry - 1
    if rel == 1:
        return ry if here > now else ry + 1
    if rel == 0:
        return ry
    if here > now:
        if not future and month - rm > NEAR_FUTURE_MONTHS:
            return ry - 1
        return ry
    if (future and rm - month > NEAR_FUTURE_MONTHS) or (
        0 < (month - rm) % 12 <= NEAR_FUTURE_MONTHS
    ):
        return ry + 1  # early next year, seen from the end of this one
    return ry


# -- hits -----------------------------------------------------------------------------------


@dataclass
class Hit:
    """A recognised expression over tokens ``i`` to ``j - 1`` (``off``: proclitic length)."""

    i: int
    j: int
    off: int
    value: str | None
    relative: bool
    kind: str
    mod: str | None = None
    ana: tuple[str, int] | None = None
    point: tuple[int, int | None, int | None, bool] | None = None  # y, m, d, explicit year
    cal: str = "g"
    clock: tuple[int, int, str | None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_NUMDATE_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")
_NUMDATE_YMD = re.compile(r"^(\d{4})([/.\-])(\d{1,2})\2(\d{1,2})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_YEAR_RANGE = re.compile(r"^(\d{4})-(\d{2}|\d{4})$")
_DAY_RANGE = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_DECADE = re.compile(r"^(?:ال)?(\w+?)(?:يات|ات)$")

_RANGE_LINKS = frozenset({"الي", "حتي", "-", "–", "—", "لغايه", "ولغايه", "وحتي"})


class _Finder:
    def __init__(self, text: str, published: dt.date | None, tab: Tables) -> None:
        self.v = view(text)
        self.toks = self.v.toks
        self.n = len(self.toks)
        self.pub = published
        self.tab = tab
        self.unresolved = 0

    # -- small helpers -----------------------------------------------------------------------
    def w(self, i: int) -> str:
        return self.toks[i].t if 0 <= i < self.n else ""

    def is_num(self, i: int) -> bool:
        return 0 <= i < self.n and self.toks[i].kind == "num"

    def model_number(self, i: int) -> bool:
        """``SU-35``, ``Mi-28``, ``سو-35``, ``F16``: digits glued to letters are not times."""
        v = self.v
        if v.adjacent(i) and self.toks[i - 1].kind in ("latin",):
            return True
        if v.adjacent(i) and self.toks[i - 1].t in ("-", "/", ".") and v.adjacent(i - 1):
            return self.toks[i - 2].kind in ("latin", "word", "num")
        if i + 1 < self.n and v.adjacent(i + 1):
            nxt = self.toks[i + 1]
            if nxt.kind == "latin" or (nxt.t == "-" and i + 2 < self.n and v.adjacent(i + 2)):
                return True
        return False

    def sentence_bounds(self, i: int, j: int) -> tuple[int, int]:
        a = i
        while a > 0 and self.toks[a - 1].t not in STOPS:
            a -= 1
        b = j
        while b < self.n and self.toks[b].t not in STOPS:
            b += 1
        return a, b

    def future_cue(self, i: int, j: int) -> bool:
        a, b = self.sentence_bounds(i, j)
        lo, hi = max(a, i - CUE_WINDOW_BEFORE), min(b, j + CUE_WINDOW_AFTER)
        lex = self.tab.lexicon
        for k in range(lo, hi):
            if i <= k < j:
                continue
            for _, f in self.v.forms(k):
                if f in self.tab.future_cues:
                    return True
            t = self.toks[k].t
            if (
                lex is not None
                and len(t) >= 4
                and t[0] == "س"
                and t[1] in "يتنا"
                and lex.freq(t[1:]) >= 10
                and lex.freq(t[1:]) >= lex.freq(t)
            ):
                return True
        return False

    def pub_ref(self) -> tuple[int, int, int] | None:
        p = self.pub
        return (p.year, p.month, p.day) if p else None

    # -- atoms -------------------------------------------------------------------------------
    def month_at(self, i: int, *, prefix: bool = False) -> tuple[int, str, int, bool, int] | None:
        """``(end, calendar, month, paired, proclitic)`` for a month name at token ``i``."""
        m = self.tab.months.match(self.v, i, prefix=prefix)
        if m is None:
            return None
        j, (cal, mo), off = m
        paired = False
        # تشرين الأول/أكتوبر, يوليو/ تموز, أكتوبر (تشرين الأول)
        if self.w(j) == "/":
            m2 = self.tab.months.match(self.v, j + 1, prefix=False)
            if m2 is not None and m2[1] == (cal, mo):
                j, paired = m2[0], True
        elif (m2 := self.tab.months.match(self.v, j, prefix=False)) is not None and (
            m2[1] == (cal, mo)
        ):
            j, paired = m2[0], True  # أغسطس آب
        elif self.w(j) == "(":
            m2 = self.tab.months.match(self.v, j + 1, prefix=False)
            if m2 is not None and m2[1] == (cal, mo) and self.w(m2[0]) == ")":
                j, paired = m2[0] + 1, True
        return j, cal, mo, paired, off

    def year_at(self, i: int, cal: str = "g") -> tuple[int, int, str] | None:
        """``(end, year, calendar)`` for a year number at ``i`` (with an optional هـ/م)."""
        if not self.is_num(i) or self.model_number(i):
            return None
        t = self.toks[i].t
        if not t.isdigit() or len(t) != 4:
            return None
        y = int(t)
        j = i + 1
        nxt = self.w(j)
        if nxt in self.tab.hijri_markers:
            cal, j = "h", j + 1
        elif nxt in self.tab.greg_markers and (
            self.v.adjacent(j) or j + 1 >= self.n or self.toks[j + 1].kind != "word" or len(nxt) > 1
        ):
            cal, j = "g", j + 1
        if cal == "h" and MIN_HIJRI_YEAR <= y <= MAX_HIJRI_YEAR:
            return j, y, "h"
        return (j, y, "g") if MIN_YEAR <= y <= MAX_YEAR else None

    def day_at(self, i: int, *, prefix: bool = False) -> tuple[int, int, int] | None:
        """``(end, day, proclitic)``: ``27``, ``الأول``, ``الحادي والعشرين``."""
        if self.is_num(i):
            t = self.toks[i].t
            if t.isdigit() and len(t) <= 2 and 1 <= int(t) <= 31 and not self.model_number(i):
                return i + 1, int(t), 0
            return None
        m = self.tab.numbers.day_ordinals.match(self.v, i, prefix=prefix)
        if m is not None:
            return m[0], m[1], m[2]
        return None

    # -- date / month / year -----------------------------------------------------------------
    def year_suffix(self, j: int, cal: str = "g") -> tuple[int, int | None, int | None, str | None]:
        """After a month: ``(end, explicit year, relative year offset, calendar)``."""
        k = j
        if self.w(k) == ",":
            k += 1
        if self.w(k) == "من":
            k += 1
        if self.w(k) in ("عام", "العام", "سنه", "السنه", "لعام"):
            y = self.year_at(k + 1, cal)
            if y is not None:
                return y[0], y[1], None, y[2]
            off = self.tab.period_mods.get(self.w(k + 1))
            if off is not None and self.w(k) in ("العام", "السنه"):
                return k + 2, None, off, None
        if self.w(k) in self.tab.this and self.w(k + 1) in ("العام", "السنه"):
            return k + 2, None, 0, None
        y = self.year_at(k if self.w(j) != "من" else j + 10**6, cal)
        if y is not None and k == j + (1 if self.w(j) == "," else 0):
            return y[0], y[1], None, y[2]
        return j, None, None, None

    def date_expr(self, i: int) -> Hit | None:
        """Day/month/year combinations starting at ``i``."""
        tab = self.tab
        start_off = 0
        d1 = self.day_at(i, prefix=True)
        d2: int | None = None
        k = i
        day: int | None = None
        ordinal = False
        if d1 is not None:
            k, day, start_off = d1
            ordinal = not self.is_num(i)
            # 23-24 in one token is handled by day_range below
            if self.w(k) in _RANGE_LINKS or self.w(k) == "و":
                d2r = self.day_at(k + 1)
                if d2r is not None and d2r[1] > day:
                    kk = d2r[0]
                    if self.w(kk) == "من":
                        kk += 1
                    if self.month_at(kk) is not None:
                        d2 = d2r[1]
                        k = d2r[0]
            if self.w(k) == "من":
                k += 1
            elif ordinal:
                return None  # الأول alone is not a date
            if self.w(k) in ("شهر",):
                k += 1
        elif self.is_num(i) and _DAY_RANGE.match(self.toks[i].t) and not self.model_number(i):
            a, b = (int(x) for x in self.toks[i].t.split("-"))
            if 1 <= a < b <= 31:
                day, d2, k = a, b, i + 1
        else:
            if self.w(i) == "شهر" and self.month_at(i + 1) is not None:
                k = i + 1
        mm = self.month_at(k, prefix=(k == i))
        if mm is None:
            if day is not None and self.w(k) in ("الشهر",):
                # 15 من الشهر الجاري
                off = tab.period_mods.get(self.w(k + 1))
                if off is not None and self.pub is not None:
                    y, m = _add_months(self.pub.year, self.pub.month, off)
                    if day <= _days_in_month(y, m):
                        return Hit(i, k + 2, start_off, f"{y:04d}-{m:02d}-{day:02d}", True, "date")
            return None
        j, cal, month, paired, moff = mm
        if k == i:
            start_off = moff
        end, year, yrel, ycal = self.year_suffix(j, cal)
        rel_word: int | None = None
        if year is None and yrel is None:
            rel_word = tab.period_mods.get(self.w(j))
            if rel_word is not None:
                end = j + 1
        if ycal == "h":
            cal = "h"
        # strict month names (مارس, آب, رمضان …) need support
        moff_k = moff if k == i else 0
        strict = any(o == moff_k and f in tab.strict_months for o, f in self.v.forms(k))
        if strict:
            supported = (
                day is not None
                or year is not None
                or paired
                or rel_word is not None
                or yrel is not None
            )
            if not supported and moff_k == 0:  # بآب, باب: a glued preposition needs more
                supported = k > 0 and any(f in tab.temporal_preps for _, f in self.v.forms(k - 1))
            if not supported:
                return None
        if cal == "h":
            return self._hijri(i, end, start_off, day, d2, month, year, yrel, rel_word)
        relative = year is None
        if year is None:
            if self.pub is None:
                self.unresolved += 1
                return Hit(i, end, start_off, None, True, "date" if day else "month")
            if yrel is not None:
                year = self.pub.year + yrel
            else:
                fut = rel_word == 1 or self.future_cue(i, end)
                year = infer_year(self.pub_ref() or (0, 0, 0), month, day, rel_word, fut)
        if day is not None:
            if day > _days_in_month(year, month) or (d2 and d2 > _days_in_month(year, month)):
                return None
            val = f"{year:04d}-{month:02d}-{day:02d}"
            if d2:
                val += f"/{year:04d}-{month:02d}-{d2:02d}"
            return Hit(
                i,
                end,
                start_off,
                val,
                relative,
                "range" if d2 else "date",
                point=(year, month, day, not relative),
            )
        return Hit(
            i,
            end,
            start_off,
            f"{year:04d}-{month:02d}",
            relative,
            "month",
            point=(year, month, None, not relative),
        )

    def _hijri(
        self,
        i: int,
        end: int,
        off: int,
        day: int | None,
        d2: int | None,
        month: int,
        year: int | None,
        yrel: int | None,
        rel_word: int | None,
    ) -> Hit:
        # optional هـ after a Hijri date without a year
        if self.w(end) in self.tab.hijri_markers and year is not None:
            end += 1
        relative = year is None
        if year is None:
            if self.pub is None:
                self.unresolved += 1
                return Hit(i, end, off, None, True, "date", cal="h")
            ref = gregorian_to_hijri(self.pub)
            if yrel is not None:
                year = ref[0] + yrel
            else:
                fut = rel_word == 1 or self.future_cue(i, end)
                year = infer_year(ref, month, day, rel_word, fut)
        if day is not None:
            g = hijri_to_gregorian(year, month, day)
            val = g.isoformat()
            if d2:
                val += "/" + hijri_to_gregorian(year, month, d2).isoformat()
            return Hit(i, end, off, val, relative, "range" if d2 else "date", cal="h")
        a = hijri_to_gregorian(year, month, 1)
        b = a + dt.timedelta(days=hijri_month_length(year, month) - 1)
        return Hit(i, end, off, f"{a.isoformat()}/{b.isoformat()}", relative, "range", cal="h")

    def year_expr(self, i: int) -> Hit | None:
        """``عام 2022``, ``العام 2022``, ``2022م``, ``في 2022``, ``1446 هـ``, ``2020-2022``."""
        tab = self.tab
        forms = dict((f, off) for off, f in self.v.forms(i))
        lead = next((f for f in forms if f in ("عام", "العام", "سنه", "السنه", "عامي")), None)
        if lead is not None:
            off = forms[lead]
            y = self.year_at(i + 1)
            if y is None:
                return None
            end, year, cal = y
            if lead == "عامي" and self.w(end) == "و":
                y2 = self.year_at(end + 1)
                if y2 is not None:
                    return Hit(i, y2[0], off, f"{year}/{y2[1]}", False, "range")
            return self._year_hit(i, end, off, year, cal)
        if self.is_num(i) and not self.model_number(i):
            t = self.toks[i].t
            m = _YEAR_RANGE.match(t)
            if m:
                a = int(m.group(1))
                b = int(m.group(2)) if len(m.group(2)) == 4 else a // 100 * 100 + int(m.group(2))
                if MIN_YEAR <= a < b <= MAX_YEAR and self._year_context(i):
                    return Hit(i, i + 1, 0, f"{a}/{b}", False, "range")
                return None
            y = self.year_at(i)
            if y is None:
                return None
            end, year, cal = y
            if end > i + 1 or self._year_context(i):
                return self._year_hit(i, end, 0, year, cal)
        del tab
        return None

    def _year_context(self, i: int) -> bool:
        """A bare year: after a temporal preposition, or after a noun (انتخابات 2016,
        كأس العالم 2022) when nothing makes it a count (2000 من المعتقلين, 1998 شخصا) or an
        identifier (القرار 2231)."""
        if i == 0:
            return False
        prev = self.w(i - 1)
        tab = self.tab
        if prev in tab.identifier_words or prev in tab.count_before:
            return False
        if any(f in tab.temporal_preps for _, f in self.v.forms(i - 1)):
            return True
        t = self.toks[i].t[:4]
        if not t.isdigit() or not (BARE_YEAR_MIN <= int(t) <= BARE_YEAR_MAX):
            return False
        nxt = self.toks[i + 1] if i + 1 < self.n else None
        if nxt is not None and nxt.kind == "word":
            t2 = nxt.t
            if t2 == "من" or t2.endswith("ا") or t2 in tab.count_after:
                return False
            if t2 not in tab.after_year and not t2.startswith(("و", "ب", "ل", "ف", "ك", "ال")):
                return False  # 2024 عداء: a count of a noun
        if nxt is not None and nxt.t in ("%", "$"):
            return False
        return self.toks[i - 1].kind in ("word", "punct") and prev not in ("-", "/", ":", ".")

    def _year_hit(self, i: int, end: int, off: int, year: int, cal: str) -> Hit:
        if cal == "h":
            a = hijri_to_gregorian(year, 1, 1)
            b = hijri_to_gregorian(year + 1, 1, 1) - dt.timedelta(days=1)
            return Hit(i, end, off, f"{a.isoformat()}/{b.isoformat()}", False, "range", cal="h")
        # range: 2020 إلى 2022 handled by the merge step
        return Hit(i, end, off, f"{year:04d}", False, "year", point=(year, None, None, True))

    # -- numeric dates and clock times ------------------------------------------------------
    def numeric_date(self, i: int) -> Hit | None:
        if not self.is_num(i) or self.model_number(i):
            return None
        t = self.toks[i].t
        m = _NUMDATE_DMY.match(t)
        if m:
            a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
            d, mo = (a, b) if b <= 12 else (b, a)
        else:
            m = _NUMDATE_YMD.match(t)
            if not m:
                return None
            y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if self.w(i + 1) in self.tab.hijri_markers and MIN_HIJRI_YEAR <= y <= MAX_HIJRI_YEAR:
            # 1436/10/5هـ
            if not (1 <= mo <= 12 and 1 <= d <= 30):
                return None
            g = hijri_to_gregorian(y, mo, d)
            return Hit(i, i + 2, 0, g.isoformat(), False, "date", cal="h")
        if not (MIN_YEAR <= y <= MAX_YEAR and 1 <= mo <= 12 and 1 <= d <= _days_in_month(y, mo)):
            return None
        return Hit(i, i + 1, 0, f"{y:04d}-{mo:02d}-{d:02d}", False, "date", point=(y, mo, d, True))

    def quarter(self, i: int) -> Hit | None:
        """``الربع الأول من العام الجاري`` → ``2024-Q1``; ``النصف الثاني من 2023`` → ``2023-H2``."""
        tab = self.tab
        part = next(
            ((o, tab.year_parts[f]) for o, f in self.v.forms(i) if f in tab.year_parts), None
        )
        if part is None:
            return None
        off, code = part
        nth = tab.part_ordinals.get(self.w(i + 1))
        if nth is None:
            return None
        if (code == "Q" and nth > 4) or (code == "H" and nth > 2):
            return None
        if nth == 0:
            nth = 4 if code == "Q" else 2
        k = i + 2
        if self.w(k) == "من":
            k += 1
        inner = self.year_expr(k) or self.relative_period(k)
        if inner is not None and inner.off == 0 and inner.kind == "year" and inner.value:
            return Hit(i, inner.j, off, f"{inner.value[:4]}-{code}{nth}", inner.relative, "quarter")
        if self.w(k) in ("العام", "السنه") and k > i + 2:
            v = self.period_value("year", 0)
            return Hit(i, k + 1, off, f"{v}-{code}{nth}" if v else None, True, "quarter")
        return None

    def clock(self, i: int) -> Hit | None:
        tab = self.tab
        k = i
        off = 0
        had_word = False
        for o, f in self.v.forms(i):
            if f in tab.hour_word:
                k, off, had_word = i + 1, o, True
                break
        hour: int | None = None
        minute = 0
        if self.is_num(k):
            t = self.toks[k].t
            cm = _CLOCK.match(t)
            if cm:
                hour, minute = int(cm.group(1)), int(cm.group(2))
                k += 1
            elif had_word and t.isdigit() and int(t) <= 24:
                hour = int(t)
                k += 1
        elif had_word or k == i:
            hm = tab.hours.match(self.v, k, prefix=not had_word)
            if hm is not None:
                hour = hm[1]
                if not had_word:
                    off = hm[2]
                k = hm[0]
        if hour is None or hour > 24 or minute > 59:
            return None
        mm = tab.minutes.match(self.v, k, prefix=False)
        if mm is not None:
            minute += mm[1]
            if minute < 0:
                hour, minute = (hour - 1) % 24, minute + 60
            k = mm[0]
        part: str | None = None
        dp = tab.day_part_after.match(self.v, k, prefix=False)
        if dp is not None:
            part, k = dp[1], dp[0]
        elif self.w(k) == "من" and self.w(k + 1) in tab.day_part_nouns:
            part = tab.day_part_nouns[self.w(k + 1)]
        if not had_word and part is None and not _CLOCK.match(self.w(i)):
            return None  # الثالثة alone is an ordinal
        zone: str | None = None
        zm = tab.zones.match(self.v, k, prefix=False)
        if zm is not None:
            zone, k = zm[1], zm[0]
        if part in ("pm",) and 1 <= hour < 12:
            hour += 12
        elif part == "noon" and 1 <= hour < 6:
            hour += 12
        elif part == "night" and 6 <= hour < 12:
            hour += 12
        elif part == "am" and hour == 12:
            hour = 0
        hour %= 24
        return Hit(i, k, off, None, True, "time", clock=(hour, minute, zone))

    # -- weekdays and deictics ----------------------------------------------------------------
    def day_part_prefix(self, i: int) -> tuple[int, int]:
        """Skip a part of the day (صباح, مساء …): ``(next token, proclitic)``."""
        m = self.tab.day_parts.match(self.v, i, prefix=True)
        if m is not None:
            return m[0], m[2]
        return i, -1

    def weekday(self, i: int) -> Hit | None:
        tab = self.tab
        k, off = self.day_part_prefix(i)
        wm = tab.weekdays.match(self.v, k, prefix=(k == i))
        if wm is None:
            return None
        j, wd, woff = wm
        if k == i:
            off = woff
        if wd == 0 and (
            self.w(j) in tab.not_weekday_after
            or (k > 0 and self.w(k - 1) in tab.not_weekday_before)
        ):
            return None  # الاثنين معا, كلا الاثنين: "both"
        rel = tab.period_mods.get(self.w(j))
        end = j + 1 if rel is not None else j
        # الجمعة 11 أكتوبر, الأحد الموافق 10 مارس
        d_start = end + (1 if self.w(end) in ("الموافق", ",") else 0)
        explicit = self.date_expr(d_start) if (self.is_num(d_start) or self.w(d_start)) else None
        if explicit is not None and explicit.kind == "date":
            return Hit(
                i, explicit.j, off, explicit.value, explicit.relative, "date", point=explicit.point
            )
        if any(f in tab.strict_weekdays for _, f in self.v.forms(k)) and k == i and rel is None:
            if (
                not any(
                    f in ("يوم", "اليوم") or f in tab.temporal_preps for _, f in self.v.forms(i - 1)
                )
                if i > 0
                else True
            ):
                return None
        if self.pub is None:
            self.unresolved += 1
            return Hit(i, end, off, None, True, "date")
        pw = self.pub.weekday()
        if rel == 1 or (rel is None and self.future_cue(i, end)):
            delta = (wd - pw) % 7
            if rel == 1 and delta == 0:
                delta = 7
            d = self.pub + dt.timedelta(days=delta)
        else:
            delta = (pw - wd) % 7
            if rel == -1 and delta == 0:
                delta = 7
            d = self.pub - dt.timedelta(days=delta)
        return Hit(i, end, off, d.isoformat(), True, "date", point=(d.year, d.month, d.day, True))

    def deictic(self, i: int) -> Hit | None:
        tab = self.tab
        k, off = self.day_part_prefix(i)
        dm = tab.deictic.match(self.v, k, prefix=(k == i))
        if dm is None:
            return None
        j, delta, doff = dm
        if k == i:
            off = doff
        nxt = self.w(j)
        if self.w(k - 1) in ("«", '"', "“") and nxt in ("»", '"', "”"):
            return None  # «اليوم»: a newspaper's name
        wm = tab.weekdays.match(self.v, j, prefix=False)
        if wm is None and nxt == "(":
            wm = tab.weekdays.match(self.v, j + 1, prefix=False)
            if wm is not None and self.w(wm[0]) == ")":
                wm = (wm[0] + 1, wm[1], wm[2])  # اليوم (الاثنين)
            else:
                wm = None
        if wm is not None:
            j = wm[0]  # اليوم الجمعة, أمس الخميس
            d_start = j + (1 if self.w(j) in ("الموافق", ",") else 0)
            explicit = self.date_expr(d_start) if d_start < self.n else None
            if explicit is not None and explicit.kind == "date" and explicit.off == 0:
                j = explicit.j  # اليوم الإثنين 6 فيفري 2017
        elif any(f == "اليوم" for _, f in self.v.forms(j - 1)) and (
            nxt in tab.not_today_after
            or tab.numbers.day_ordinals.get(nxt) is not None
            or (
                nxt.startswith("ال")
                and nxt.endswith("ي")
                and nxt not in tab.period_mods
                and nxt not in tab.after_year
            )
        ):
            return None  # اليوم الأول, اليوم العالمي, اليوم الذي
        if self.pub is None:
            self.unresolved += 1
            return Hit(i, j, off, None, True, "date")
        d = self.pub + dt.timedelta(days=delta)
        return Hit(i, j, off, d.isoformat(), True, "date", point=(d.year, d.month, d.day, True))

    # -- relative periods ---------------------------------------------------------------------
    def period_value(self, unit: str, offset: int) -> str | None:
        p = self.pub
        if p is None:
            self.unresolved += 1
            return None
        if unit == "year":
            return f"{p.year + offset:04d}"
        if unit == "month":
            y, m = _add_months(p.year, p.month, offset)
            return f"{y:04d}-{m:02d}"
        if unit == "week":
            return _iso_week(p + dt.timedelta(weeks=offset))
        return None

    def relative_period(self, i: int) -> Hit | None:
        tab = self.tab
        for off, f in self.v.forms(i):
            if f in tab.this:
                u = tab.period_units.get(self.w(i + 1))
                if u is not None and self.w(i + 1).startswith("ال"):
                    return Hit(i, i + 2, off, self.period_value(u, 0), True, u)
            u = tab.period_units.get(f)
            if u is not None and f.startswith("ال"):
                mod = tab.period_mods.get(self.w(i + 1))
                if mod is not None:
                    return Hit(i, i + 2, off, self.period_value(u, mod), True, u)
        return None

    def plural_period(self, i: int) -> Hit | None:
        tab = self.tab
        k = i
        off = 0
        count: int | float | None = None
        # الـ24 ساعة الماضية
        if self.w(i) == "ال" and self.is_num(i + 1) and self.v.adjacent(i + 1):
            dv = digit_value(self.toks[i + 1].t)
            um = tab.dur_units.match(self.v, i + 2, prefix=False)
            if dv is not None and um is not None:
                end = um[0]
                if self.w(end) in tab.plural_modifiers:
                    return Hit(i, end + 1, 0, _duration(dv, um[1][0]), False, "duration")
            return None
        pm = tab.plural_periods.match(self.v, i, prefix=True)
        dual = False
        if pm is None:
            pm = tab.dual_periods.match(self.v, i, prefix=True)
            dual = pm is not None
        if pm is None:
            return None
        k, unit, off = pm
        if dual:
            count = 2
        elif self.w(k).startswith("ال"):
            nv = self.tab.numbers.units.get(self.w(k)[2:]) or self.tab.numbers.tens.get(
                self.w(k)[2:]
            )
            if nv is not None:
                count = nv
                k += 1
        few = False
        while self.w(k) in tab.few and self.w(k) not in tab.plural_modifiers:
            few = True
            k += 1
        if self.w(k) not in tab.plural_modifiers:
            if few and self.w(k - 1) in tab.plural_modifiers:
                pass
            elif not few:
                return None
        else:
            k += 1
        if count is not None:
            return Hit(i, k, off, _duration(count, unit), False, "duration")
        return Hit(i, k, off, None, True, "vague")

    def part_of_period(self, i: int) -> Hit | None:
        tab = self.tab
        pm = tab.parts.match(self.v, i, prefix=True)
        if pm is None:
            return None
        k, mod, off = pm
        inner: Hit | None = None
        if self.w(k) == "من" and not self.is_num(k + 1):
            k += 1
        for f in (self.date_expr, self.year_expr, self.relative_period):
            inner = f(k)
            if inner is not None and inner.off == 0:
                break
            inner = None
        if inner is None:
            u = tab.period_units.get(self.w(k))
            if u is not None and self.w(k).startswith("ال"):
                inner = Hit(k, k + 1, 0, self.period_value(u, 0), True, u)
        if inner is None or inner.kind in ("duration", "vague"):
            return None
        return Hit(
            i, inner.j, off, inner.value, inner.relative, inner.kind, mod=mod, point=inner.point
        )

    # -- decades and seasons -----------------------------------------------------------------
    def decade(self, i: int) -> Hit | None:
        for off, f in self.v.forms(i):
            m = _DECADE.match(f)
            if m and m.group(1) in self.tab.numbers.decades:
                d = self.tab.numbers.decades[m.group(1)]
                century = 19
                j = i + 1
                if self.w(j) == "من":
                    j += 1
                if self.w(j) == "القرن":
                    nxt = self.w(j + 1)
                    if nxt in ("الحالي", "الجاري", "الحادي"):
                        century = 20
                    if nxt in ("الماضي", "العشرين", "المنصرم", "الحالي", "الجاري"):
                        return Hit(i, j + 2, off, f"{century}{d}", False, "decade")
                return Hit(i, i + 1, off, f"{century}{d}", False, "decade")
        return None

    def season(self, i: int) -> Hit | None:
        for off, f in self.v.forms(i):
            code = self.tab.seasons.get(f) or self.tab.seasons.get("ال" + f)
            if code is None:
                continue
            y = self.year_at(i + 1)
            if y is not None and y[2] == "g":
                return Hit(i, y[0], off, f"{y[1]:04d}-{code}", False, "season")
            if not f.startswith("ال"):
                # صيف العام الماضي, شتاء هذا العام
                k = i + 1 + (self.w(i + 1) == "من")
                inner = self.year_expr(k) or self.relative_period(k)
                if inner is not None and inner.kind == "year" and inner.value and inner.off == 0:
                    return Hit(
                        i, inner.j, off, f"{inner.value[:4]}-{code}", inner.relative, "season"
                    )
            mod = self.tab.period_mods.get(self.w(i + 1))
            if mod is not None and f.startswith("ال") and self.pub is not None:
                year = self.pub.year
                # the last/next such season: seasons compare by their starting month
                start = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
                year = infer_year((year, self.pub.month, 0), start, None, mod, mod == 1)
                return Hit(i, i + 2, off, f"{year:04d}-{code}", True, "season")
        return None

    # -- durations --------------------------------------------------------------------------
    def duration(self, i: int) -> Hit | None:
        tab = self.tab
        # قبل ثلاثة أيام → a date; بعد أسبوعين من … → a duration
        lead = next(
            ((off, f) for off, f in self.v.forms(i) if f in tab.ago or f in tab.later), None
        )
        if lead is not None:
            inner = self._bare_duration(i + 1)
            if inner is None or inner.value is None or inner.extra.get("one"):
                return None
            if self.w(inner.j) in tab.not_offset_after or lead[1] not in ("قبل", "بعد"):
                return None
            if self.pub is None:
                self.unresolved += 1
                return Hit(i, inner.j, lead[0], None, True, "date")
            sign = -1 if lead[1] in tab.ago else 1
            val = _shift(self.pub, inner.extra["n"], inner.extra["u"], sign)
            if val is None:
                return None
            return Hit(i, inner.j, lead[0], val, True, "date")
        return self._bare_duration(i)

    def _bare_duration(self, i: int) -> Hit | None:
        tab = self.tab
        if i >= self.n:
            return None
        # dual unit alone: أسبوعين
        um = tab.dur_units.match(self.v, i, prefix=True)
        if um is not None and um[1][1] == "du":
            return Hit(
                i,
                um[0],
                um[2],
                _duration(2, um[1][0]),
                False,
                "duration",
                extra={"n": 2, "u": um[1][0]},
            )
        # عدة أيام / بضعة أسابيع
        for off, f in self.v.forms(i):
            if f in tab.vague_counts:
                um2 = tab.dur_units.match(self.v, i + 1, prefix=False)
                if um2 is not None and um2[1][1] == "pl":
                    return Hit(i, um2[0], off, None, False, "duration")
        # لمدة أسبوع → P1W (the lead word stays outside)
        if um is not None and um[1][1] == "sg" and i > 0 and self.w(i - 1) in tab.one_after:
            u1 = um[1][0]
            return Hit(
                i,
                um[0],
                um[2],
                _duration(1, u1),
                False,
                "duration",
                extra={"n": 1, "u": u1, "one": True},
            )
        # منذ سنوات, قبل أيام, بعد ساعات: vague
        if (
            um is not None
            and um[1][1] == "pl"
            and i > 0
            and any(f in tab.vague_plural_after for _, f in self.v.forms(i - 1))
        ):
            return Hit(i, um[0], um[2], None, True, "vague")
        # number + unit; نصف ساعة
        num = parse_number(self.v, i, tab.numbers)
        j: int
        n: float | int
        off = 0
        if num is None:
            fr = next(
                (
                    (o, tab.numbers.fractions[f])
                    for o, f in self.v.forms(i)
                    if f in tab.numbers.fractions
                ),
                None,
            )
            if fr is None:
                return None
            off, n, j = fr[0], fr[1], i + 1
        else:
            if num.value is None or (not num.words and self.model_number(i)):
                return None
            if self.is_num(i) and self.toks[i].t.isdigit() and len(self.toks[i].t) == 4:
                pass
            n, j, off = num.value, num.j, num.off
            if self.w(i - 1) == "ال" and self.v.adjacent(i):
                return None
        um = tab.dur_units.match(self.v, j, prefix=False)
        if um is None:
            return None
        if um[1][1] == "du":
            return None
        if um[1][0] == "10Y" and not self._decade_context(um[0]):
            return None  # ثلاثة عقود احتراف: contracts, not decades
        return Hit(
            i, um[0], off, _duration(n, um[1][0]), False, "duration", extra={"n": n, "u": um[1][0]}
        )

    def _decade_context(self, j: int) -> bool:
        """After عقد/عقود: decades are followed by punctuation, a preposition or an adjective
        of time; contracts by a noun (عقود احتراف, عقود جديدة)."""
        if j >= self.n or self.toks[j].kind != "word":
            return True
        t = self.toks[j].t
        return (
            t in self.tab.after_year
            or t in self.tab.plural_modifiers
            or t in ("من", "مضت", "خلت", "ماضيه", "قادمه", "متتاليه", "كامله")
            or (t[0] in "وفب" and not t.startswith("ال"))
        )

    # -- vague, earlier/later, anaphora ------------------------------------------------------
    def vague(self, i: int) -> Hit | None:
        tab = self.tab
        el = tab.earlier_later.match(self.v, i, prefix=True)
        if el is not None:
            j, _, off = el
            if self.w(j) == "من":
                for f in (self.relative_period, self.date_expr, self.year_expr, self.deictic):
                    inner = f(j + 1)
                    if inner is not None and inner.off == 0 and inner.kind not in ("duration",):
                        return Hit(
                            i, inner.j, off, inner.value, True, inner.kind, point=inner.point
                        )
            inner = self.deictic(j)
            if inner is not None and inner.off == 0:
                return Hit(i, inner.j, off, inner.value, True, inner.kind, point=inner.point)
        vm = tab.vague.match(self.v, i, prefix=True)
        if vm is not None:
            return Hit(i, vm[0], vm[2], None, True, "vague")
        return None

    def anaphora(self, i: int) -> Hit | None:
        am = self.tab.anaphora.match(self.v, i, prefix=True)
        if am is None:
            return None
        j, spec, off = am
        if spec[0] == "day" and self.w(j) == "من" and self.pub is not None:
            # (في مثل) هذا اليوم من أغسطس 1990: the publication's day in that month
            inner = self.date_expr(j + 1)
            if inner is not None and inner.kind == "month" and inner.value and inner.off == 0:
                y, m = int(inner.value[:4]), int(inner.value[5:7])
                if self.pub.day <= _days_in_month(y, m):
                    val = f"{y:04d}-{m:02d}-{self.pub.day:02d}"
                    return Hit(i, inner.j, off, val, True, "date")
        return Hit(i, j, off, None, True, "anaphora", ana=spec)

    # -- driver ------------------------------------------------------------------------------
    def run(self) -> list[Hit]:
        parsers = (
            self.numeric_date,
            self.clock,
            self.quarter,
            self.part_of_period,
            self.vague,
            self.anaphora,
            self.date_expr,
            self.weekday,
            self.deictic,
            self.relative_period,
            self.plural_period,
            self.year_expr,
            self.decade,
            self.season,
            self.duration,
        )
        hits: list[Hit] = []
        i = 0
        toks = self.toks
        while i < self.n:
            kind = toks[i].kind
            if kind != "num" and (kind != "word" or not self._may_start(i)):
                i += 1
                continue
            hit = None
            for p in parsers:
                hit = p(i)
                if hit is not None and hit.j > i:
                    break
                hit = None
            if hit is None:
                i += 1
                continue
            hits.append(hit)
            i = hit.j
        hits = self.merge_ranges(hits)
        self.resolve_context(hits)
        return hits

    def _may_start(self, i: int) -> bool:
        trig = self.tab.triggers
        t = self.toks[i].t
        if t in trig:
            return True
        if t[0] not in "وفبلك" and not t.endswith("ات"):
            return False
        for _, f in self.v.forms(i):
            if f in trig or f.endswith("ات"):  # ات: decades (التسعينيات)
                return True
        return False

    def merge_ranges(self, hits: list[Hit]) -> list[Hit]:
        """``من 30 سبتمبر إلى 2 أكتوبر 2024``, ``بين 2020 و2022``, ``2020 - 2022``."""
        out: list[Hit] = []
        k = 0
        while k < len(hits):
            a = hits[k]
            if k + 1 < len(hits) and a.point and hits[k + 1].point:
                b = hits[k + 1]
                link = [t.t for t in self.toks[a.j : b.i]]
                opened = (
                    any(f in ("من", "بين", "منذ") for _, f in self.v.forms(a.i - 1))
                    if a.i
                    else False
                )
                ok = (
                    (len(link) == 1 and link[0] in _RANGE_LINKS)
                    or (len(link) == 1 and link[0] == "و" and opened)
                    or (len(link) == 0 and b.off == 1 and self.w(b.i).startswith("و") and opened)
                )
                if ok and b.off <= 1:
                    merged = _merge(a, b)
                    if merged is not None:
                        out.append(merged)
                        k += 2
                        continue
            out.append(a)
            k += 1
        return out

    def resolve_context(self, hits: list[Hit]) -> None:
        prev: Hit | None = None
        for h in hits:
            if h.kind == "anaphora" and h.ana is not None:
                if prev is not None and prev.value:
                    h.value = _anaphor_value(prev.value, *h.ana)
                    h.kind = prev.kind if h.ana[0] == "same" else h.ana[0]
                else:
                    h.kind = "vague"
            elif h.kind == "time" and h.clock is not None:
                hour, minute, zone = h.clock
                day = self._anchor_day(h, hits)
                if day is not None:
                    h.value = f"{day}T{hour:02d}:{minute:02d}" + ("Z" if zone == "utc" else "")
                else:
                    h.value = f"T{hour:02d}:{minute:02d}" + ("Z" if zone == "utc" else "")
            if h.value and h.kind not in ("duration", "vague", "decade"):
                prev = h

    def _anchor_day(self, h: Hit, hits: list[Hit]) -> str | None:
        a, b = self.sentence_bounds(h.i, h.j)
        best: tuple[int, str] | None = None
        for o in hits:
            if o is h or not o.value or o.kind != "date" or not (a <= o.i < b):
                continue
            dist = abs(o.i - h.i)
            if best is None or dist < best[0]:
                best = (dist, o.value[:10])
        if best is not None:
            return best[1]
        if self.pub is not None:
            return self.pub.isoformat()
        return None


# -- value helpers ----------------------------------------------------------------------------


def _num_str(n: float | int) -> str:
    if float(n).is_integer():
        return str(int(n))
    return f"{n:g}"


def _duration(n: float | int, unit: str) -> str:
    if unit in ("H", "MIN", "S"):
        return f"PT{_num_str(n)}{'M' if unit == 'MIN' else unit}"
    if unit == "10Y":
        return f"P{_num_str(n * 10)}Y"
    if unit == "100Y":
        return f"P{_num_str(n * 100)}Y"
    return f"P{_num_str(n)}{unit}"


def _shift(pub: dt.date, n: float | int, unit: str, sign: int) -> str | None:
    if not float(n).is_integer():
        return None
    k = int(n) * sign
    if unit == "D":
        return (pub + dt.timedelta(days=k)).isoformat()
    if unit == "W":
        return (pub + dt.timedelta(weeks=k)).isoformat()
    if unit == "M":
        y, m = _add_months(pub.year, pub.month, k)
        return f"{y:04d}-{m:02d}"
    if unit in ("Y", "10Y", "100Y"):
        mult = {"Y": 1, "10Y": 10, "100Y": 100}[unit]
        return f"{pub.year + k * mult:04d}"
    if unit in ("H", "MIN", "S"):
        return pub.isoformat()
    return None


def _merge(a: Hit, b: Hit) -> Hit | None:
    assert a.point is not None and b.point is not None
    ay, am, ad, aexp = a.point
    by, bm, bd, bexp = b.point
    if (am is None) != (bm is None) or (ad is None) != (bd is None):
        return None
    if not aexp and bexp:
        ay = by if (am or 0, ad or 0) <= (bm or 0, bd or 0) else by - 1
    elif aexp and not bexp and am is not None and bm is not None:
        by = ay if (am, ad or 0) <= (bm, bd or 0) else ay + 1

    def fmt(y: int, m: int | None, d: int | None) -> str:
        if m is None:
            return f"{y:04d}"
        if d is None:
            return f"{y:04d}-{m:02d}"
        return f"{y:04d}-{m:02d}-{d:02d}"

    if (ay, am or 0, ad or 0) > (by, bm or 0, bd or 0):
        return None
    return Hit(
        a.i, b.j, a.off, f"{fmt(ay, am, ad)}/{fmt(by, bm, bd)}", a.relative or b.relative, "range"
    )


def _anaphor_value(prev: str, unit: str, offset: int) -> str | None:
    base = prev.split("/")[0]
    if unit == "same":
        return prev if offset == 0 else None
    try:
        if unit == "day":
            if len(base) >= 10:
                d = dt.date.fromisoformat(base[:10]) + dt.timedelta(days=offset)
                return d.isoformat()
            return None
        if unit == "month":
            if len(base) >= 7 and base[4] == "-" and base[5:7].isdigit():
                y, m = _add_months(int(base[:4]), int(base[5:7]), offset)
                return f"{y:04d}-{m:02d}"
            return None
        if unit == "year" and base[:4].isdigit():
            return f"{int(base[:4]) + offset:04d}"
    except ValueError:
        return None
    return None


def extend_marks(text: str, e: int) -> int:
    """Move ``e`` over harakat and tatweel that the normalised view dropped (``مؤخراً``)."""
    while e < len(text) and (text[e] == "\u0640" or unicodedata.category(text[e]) == "Mn"):
        e += 1
    return e


def find_times(
    text: str, published: dt.date | None, tables: Tables | None = None
) -> tuple[list[TimeExpr], int]:
    """Time expressions of ``text``: ``(expressions, number left unresolved for lack of a
    publication date)``."""
    tab = tables or load_tables()
    f = _Finder(text, published, tab)
    out: list[TimeExpr] = []
    for h in f.run():
        s, e = f.v.to_original(h.i, h.j, h.off)
        e = extend_marks(text, e)
        if e <= s:
            continue
        te = TimeExpr(s, e, text[s:e], h.value, h.relative, h.kind, h.mod)
        out.append(te)
    return out, f.unresolved
