"""Reported speech: direct and indirect quotes, their speakers, cues, stances and relays.

* **Direct quotes** are the words between quotation marks (“…”, «…», "…", ‘…’, ‹…›, doubled
  ASCII quotes), within or across sentences and paragraphs. Unbalanced or nested marks leave
  one ``W003`` warning on the document; nothing raises.
* **Indirect quotes** are the clause after إن/أن of a reporting verb (``قال إن``, ``أكد أن``,
  ``أشار إلى أن`` …) to the end of the sentence. When such a clause holds words in marks
  (``قال إن “…”``) the marked words are the quote (the annotation convention).
* **Speakers** are the subject of the cue: after it (VSO, ``قال الرئيس … بوتين``), before it
  (SVO), the main-clause subject for participles (``…، قائلا``), the previous speaker for
  continuations (``وأضاف``), the office holder for a bare title (``قال الرئيس الإيراني``:
  the ``entity_refs`` the entities component leaves in ``doc.meta``, else a person named
  earlier in the document with the same title). Unnamed sources (``مصدر مطلع``) and groups
  (``مسؤولون إيرانيون``) leave the speaker null and keep the description in
  ``speaker_text``; so does a name no entity covers (``قال كامبل لرويترز``). A title runs on
  through its complement to the name in apposition (``رئيس كتلة الحزب، فلان``,
  ``وزير الابتكار الكندي، فلان``); a head noun keeps a name in marks (``منظمة "أنا يقظ"``); a
  statement speaks for its issuer (``بيان صادر عن الرئاسة``; ``وأضاف البيان`` continues);
  a short name links to the one person of the document with that last name (``المرزوقي``).
* **Stance** comes from the cue's lexicon entry: affirm, warn, deny, accuse, demand, promise
  or describe.
* **Via** is the outlet that relayed the words (``بحسب ما أوردته وكالة … ريا نوفوستي``,
  ``نقلت صحيفة … عن``, ``في تصريحات لقناة …``), up to two links (``via_chain``). An outlet
  speaking for itself is the speaker; ``أوردت صحيفة X نقلا عن فلان`` makes فلان the speaker
  and X the via.

The lexicon is ``data/quotes.yaml``; :func:`load_lexicon` reads it once.
"""

from __future__ import annotations

import functools
import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from marsad._data import load_yaml
from marsad.errors import Code
from marsad.model import Document, Entity, Quote, Span, Token
from marsad.normalize import normalize, normalize_key

#: A quote may run over at most this many paragraphs before its marks count as unbalanced.
MAX_QUOTE_PARAGRAPHS = 6
#: A continuation (``وأضاف``) inherits the speaker of a quote at most this many sentences back.
MAX_CONTINUATION_SENTENCES = 4
#: Most tokens scanned after a sourcing cue for the outlet's name.
MAX_SOURCE_WINDOW = 9
#: Most tokens of a description kept as ``speaker_text``.
MAX_DESCRIPTION_TOKENS = 12
#: Words in marks up to this many may be a name (صحيفة "الشرق الأوسط"), not a quotation.
MAX_NAME_WORDS = 3

SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
VIA_TYPES = frozenset({"ORG"})

# (family, role): role is open, close or sym (the same mark opens and closes).
_MARKS: dict[str, tuple[str, str]] = {
    "“": ("dq", "open"),
    "„": ("dq", "open"),
    "”": ("dq", "close"),
    "«": ("g", "open"),
    "»": ("g", "close"),
    "‘": ("sq", "open"),
    "’": ("sq", "close"),
    "‹": ("sg", "open"),
    "›": ("sg", "close"),
    '"': ("ad", "sym"),
    "＂": ("ad", "sym"),
    "''": ("as", "sym"),
}
_OPEN_OF = {"dq": "“„", "g": "«", "sq": "‘", "sg": "‹", "ad": '"＂', "as": "'"}
_TRIM_END = " \t\r\n\u00a0.،,؛;:"
_TRIM_START = " \t\r\n\u00a0"
_WORD_KINDS = frozenset({"word", "latin", "number"})
_ENCLITICS = ("هما", "هم", "ها", "ه", "نا", "كم", "ني")
_CONJ = "وف"
_ISSUED = frozenset({"صادر", "الصادر", "صادره", "الصادره", "عن", "من"})
_CITING = frozenset({"نقلا"})  # نقلا عن: the words are those of whoever follows عن


# -- lexicon ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cue:
    """A reporting verb form: its lemma, stance and kind (verb, participle or noun)."""

    lemma: str
    stance: str
    kind: str
    relay: bool = False
    direct_only: bool = False
    takes_object: bool = False


@dataclass(frozen=True)
class Lexicon:
    """The reporting-speech lexicon, keyed by normalised (folded) forms."""

    cues: dict[str, Cue]
    complementizers: frozenset[str]
    blockers: frozenset[str]
    impersonal: frozenset[str]
    max_gap: int
    short_intro: frozenset[str]
    min_uncued: int
    sourcing: tuple[tuple[str, ...], ...]
    fillers: frozenset[str]
    outlet_phrases: tuple[tuple[str, ...], ...]
    media: frozenset[str]
    unnamed: frozenset[str]
    titles: frozenset[str]
    skips: frozenset[str]
    not_names: frozenset[str]
    description_stops: frozenset[str]
    statement_nouns: frozenset[str]
    preps: frozenset[str]
    withheld: frozenset[str] = frozenset()
    place_heads: frozenset[str] = frozenset()
    #: sourcing and outlet phrases by their first word, in the order they are tried
    #: (sourcing before outlet, longest first): ``word → ((kind, phrase), …)``
    phrase_index: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.phrase_index:
            self.phrase_index.update(_phrase_index(self.sourcing, self.outlet_phrases))


def _keys(xs: Iterable[object]) -> frozenset[str]:
    return frozenset(normalize_key(str(x)) for x in xs)


def _phrases(xs: Iterable[object]) -> tuple[tuple[str, ...], ...]:
    out = [tuple(normalize_key(str(x)).split()) for x in xs]
    return tuple(sorted(out, key=len, reverse=True))


def _phrase_index(
    sourcing: Sequence[tuple[str, ...]], outlet: Sequence[tuple[str, ...]]
) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for kind, phrases in (("sourcing", sourcing), ("outlet", outlet)):
        for ph in phrases:
            if ph:
                index.setdefault(ph[0], []).append((kind, ph))
    return {w: tuple(v) for w, v in index.items()}


def verb_forms(entry: dict[str, object]) -> list[tuple[str, str]]:
    """The ``(form, kind)`` pairs of one verb entry of ``quotes.yaml``."""
    out: list[tuple[str, str]] = []
    perf = entry.get("perfect")
    if isinstance(perf, str):
        for suf in ("", "ت", "وا", "ا", "تا"):
            out.append((perf + suf, "verb"))
    imp = entry.get("imperfect")
    if isinstance(imp, str):
        fem = "ت" + imp[1:]
        for f in (imp, fem, imp + "ون", imp + "ان", fem + "ان"):
            out.append((f, "verb"))
    part = entry.get("participle")
    if isinstance(part, str):
        base = part[:-1] if part.endswith("ا") else part
        for f in (part, base + "ة", base + "ين", base + "ان", base + "ون"):
            out.append((f, "participle"))
    for key, kind in (("forms", "verb"), ("participles", "participle"), ("nouns", "noun")):
        extra = entry.get(key)
        if isinstance(extra, list):
            out += [(str(f), kind) for f in extra]
    return out


@functools.cache
def load_lexicon() -> Lexicon:
    """Read ``data/quotes.yaml`` (once per process)."""
    d = load_yaml("quotes.yaml")
    cues: dict[str, Cue] = {}
    for entry in d["verbs"]:
        forms = verb_forms(entry)
        lemma = entry.get("perfect") or forms[0][0]
        for form, kind in forms:
            k = normalize_key(form)
            if k not in cues:
                cues[k] = Cue(
                    str(lemma),
                    str(entry["stance"]),
                    kind,
                    bool(entry.get("relay", False)),
                    bool(entry.get("direct_only", False)),
                    bool(entry.get("takes_object", False)),
                )
    return Lexicon(
        cues=cues,
        complementizers=_keys(d["complementizers"]),
        blockers=_keys(d["complementizer_blockers"]),
        impersonal=_keys(d["impersonal_before"]),
        max_gap=int(d["max_cue_gap"]),
        short_intro=_keys(d["short_quote_introducers"]),
        min_uncued=int(d["min_uncued_words"]),
        sourcing=_phrases(d["sourcing"]),
        fillers=_keys(d["sourcing_fillers"]),
        outlet_phrases=_phrases(d["outlet_phrases"]),
        media=_keys(d["media_words"]),
        unnamed=_keys(d["unnamed_heads"]),
        titles=_keys(d["titles"]),
        skips=_keys(d["subject_skips"]),
        not_names=_keys(d["not_names"]),
        description_stops=_keys(d["description_stops"]),
        statement_nouns=_keys(d["statement_nouns"]),
        preps=_keys(d["prepositions"]),
        withheld=_keys(d["withheld_name_verbs"]),
        place_heads=_keys(d["place_heads"]),
    )


# -- quotation marks -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Marked:
    """Words between quotation marks: ``start``/``end`` exclude the marks (and outer blanks)."""

    start: int
    end: int
    open_at: int  # offset of the opening mark
    close_at: int | None  # offset of the closing mark (None when unclosed)


@dataclass
class _Open:
    family: str
    pos: int
    length: int
    para: int


def _mark_list(text: str) -> list[tuple[int, int, str, str]]:
    out: list[tuple[int, int, str, str]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "'" and i + 1 < n and text[i + 1] == "'":
            j = i
            while j < n and text[j] == "'":
                j += 1
            out.append((i, j - i, "as", "sym"))
            i = j
            continue
        if ch in ('"', "＂"):
            j = i
            while j < n and text[j] == ch and j - i < 2:
                j += 1
            out.append((i, j - i, "ad", "sym"))
            i = j
            continue
        m = _MARKS.get(ch)
        if m is not None:
            out.append((i, 1, m[0], m[1]))
        i += 1
    return out


def _is_space(ch: str | None) -> bool:
    return ch is None or ch.isspace()


def _flanks(text: str, pos: int, length: int) -> tuple[bool, bool]:
    """(left-flanking: looks like an opener, right-flanking: looks like a closer)."""
    prev = text[pos - 1] if pos > 0 else None
    nxt = text[pos + length] if pos + length < len(text) else None
    opener_ctx = prev is None or prev.isspace() or prev in "([{:،,؛;—–-/\"'“”«»‘’"
    closer_ctx = nxt is None or nxt.isspace() or nxt in ")]}.،,؛;:!?؟…—–-\"'“”«»‘’"
    left = opener_ctx and nxt is not None and (nxt.isalnum() or nxt in "(\"'“«‘‹")
    right = closer_ctx and not _is_space(prev)
    return left, right


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM_START:
        start += 1
    while end > start and text[end - 1] in _TRIM_END:
        end -= 1
    return start, end


def find_marked(
    text: str, paras: Sequence[tuple[int, int]] | None = None
) -> tuple[list[Marked], list[str]]:
    """Outermost quotations in marks, and the problems found (unbalanced, nested marks).

    Marks may be reversed (”…“, »…«); a quotation may run over paragraphs, either with one
    pair of marks or re-opening each paragraph (the continuation convention). An opening mark
    never closed quotes to the end of its paragraph.
    """
    if not paras:
        paras = [(0, len(text))]
    marks = _mark_list(text)
    para_starts = [p[0] for p in paras]

    def para_of(pos: int) -> int:
        return max(0, bisect_right(para_starts, pos) - 1)

    out: list[Marked] = []
    problems: list[str] = []
    stack: list[_Open] = []
    by_para: dict[int, list[tuple[int, int, str, str]]] = {}
    for m in marks:
        by_para.setdefault(para_of(m[0]), []).append(m)

    def unclosed(o: _Open, upto_para: int) -> None:
        problems.append(f"unclosed {text[o.pos : o.pos + o.length]} at {o.pos}")
        s, e = _trimmed(text, o.pos + o.length, paras[upto_para][1])
        if e > s:
            out.append(Marked(s, e, o.pos, None))

    last_para = 0
    for pi in range(len(paras)):
        pmarks = list(by_para.get(pi, []))
        if stack and pi > 0:
            # inner quotations never cross a paragraph: they were unbalanced
            while len(stack) > 1:
                o = stack.pop()
                problems.append(f"unclosed {text[o.pos : o.pos + o.length]} at {o.pos}")
            o = stack[0]
            carry = False
            if pi - o.para < MAX_QUOTE_PARAGRAPHS and pmarks:
                first = pmarks[0]
                lead = text[paras[pi][0] : first[0]].strip()
                same = [m for m in pmarks if m[2] == o.family]
                if (
                    not lead
                    and first[2] == o.family
                    and (first[3] == "open" or (first[3] == "sym" and len(same) % 2 == 0))
                ):
                    carry = True  # the paragraph re-opens the quotation: continuation
                    pmarks = pmarks[1:]
                elif same and (
                    (same[0][3] == "sym" and len(same) % 2 == 1)
                    or (same[0][3] != "sym" and text[same[0][0]] not in _OPEN_OF[o.family])
                ):
                    carry = True  # the quotation closes in this paragraph
            if not carry:
                stack.clear()
                unclosed(o, last_para)
        for pos, length, fam, role in pmarks:
            left, right = _flanks(text, pos, length)
            depth = next((k for k in range(len(stack) - 1, -1, -1) if stack[k].family == fam), -1)
            if role == "open":
                # « حافز 2 « : an opening mark that cannot open closes the open quotation
                closes = depth == len(stack) - 1 and depth >= 0 and not left
            elif role == "close":
                closes = depth >= 0
                if not closes and not (left and not right and fam != "sq"):
                    if fam != "sq":  # ’ alone is an apostrophe
                        problems.append(f"stray {text[pos : pos + length]} at {pos}")
                    continue
            else:
                # "…"أوفيد"…": a mark that clearly opens nests; one that clearly closes with
                # nothing open is stray
                closes = depth >= 0 and not (depth == len(stack) - 1 and left and not right)
                if depth < 0 and right and not left:
                    problems.append(f"stray {text[pos : pos + length]} at {pos}")
                    continue
            if closes:
                while len(stack) - 1 > depth:
                    o = stack.pop()
                    problems.append(f"unclosed {text[o.pos : o.pos + o.length]} at {o.pos}")
                o = stack.pop()
                if not stack:
                    s, e = _trimmed(text, o.pos + o.length, pos)
                    if e > s:
                        out.append(Marked(s, e, o.pos, pos))
                continue
            if stack:
                problems.append(f"nested {text[pos : pos + length]} at {pos}")
            stack.append(_Open(fam, pos, length, pi))
        last_para = pi
    if stack:
        while len(stack) > 1:
            o = stack.pop()
            problems.append(f"unclosed {text[o.pos : o.pos + o.length]} at {o.pos}")
        unclosed(stack[0], last_para)
    out.sort(key=lambda m: m.start)
    return out, problems


# -- analysis --------------------------------------------------------------------------------
@dataclass
class _Who:
    speaker: str | None = None
    speaker_text: str | None = None
    via: tuple[str, ...] = ()
    found: bool = False  # a subject was found in the sentence (not inherited)


@dataclass
class _Attr:
    cue_i: int | None  # token index of the cue (None: no cue)
    boundary_i: int  # token index where the reported words begin (complementizer or mark)
    start: int
    end: int
    direct: bool
    sent: int
    marked: list[Marked] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Source:
    first_i: int  # first token of the sourcing phrase
    target_i: int | None  # token where the target's name starts
    entity: Entity | None
    text: str | None  # a description (مصدر مطلع) when no entity
    kind: str  # sourcing | outlet
    stop_i: int  # first token after the phrase and its fillers


class _Analysis:
    def __init__(self, doc: Document, lex: Lexicon) -> None:
        self.doc = doc
        self.text = doc.text
        self.lex = lex
        self._surnames: dict[str, set[str]] | None = None
        self.toks: tuple[Token, ...] = doc.tokens
        self.starts = [t.start for t in self.toks]
        self.keys = [t.norm for t in self.toks]
        self.sents = doc.sentences
        sent_starts = [s.start for s in self.sents]
        self.sent_of = [max(0, bisect_right(sent_starts, t.start) - 1) for t in self.toks]
        self.sent_toks: list[list[int]] = [[] for _ in self.sents]
        for i, si in enumerate(self.sent_of):
            if self.sents:
                self.sent_toks[si].append(i)
        # entity mentions by the token they start in
        self.mention_at: dict[int, tuple[Entity, Span]] = {}
        for e in doc.entities:
            for m in e.mentions:
                ti = self.tok_index(m.start)
                if ti is None:
                    continue
                old = self.mention_at.get(ti)
                if old is None or (m.end - m.start) > (old[1].end - old[1].start):
                    self.mention_at[ti] = (e, m)
        self.entity_by_id = {e.id: e for e in doc.entities}
        # titles the entities component resolved (الرئيس الإيراني → the office holder)
        ids = {e.id for e in doc.entities}
        self.title_ref: dict[int, tuple[str | None, int]] = {}  # token → (entity id, end)
        self.time_start: set[int] = set()
        for ref in doc.meta.get("entity_refs", ()):
            if getattr(ref, "kind", None) != "title":
                continue
            ti = self.tok_index(int(getattr(ref, "start", -1)))
            if ti is None:
                continue
            eid = getattr(ref, "entity", None)
            self.title_ref[ti] = (
                eid if isinstance(eid, str) and eid in ids else None,
                int(getattr(ref, "end", 0)),
            )
        for t in doc.times:
            ti = self.tok_index(t.start)
            if ti is not None:
                self.time_start.add(ti)
        self.marked, self.problems = find_marked(self.text, list(doc.paragraphs) or None)
        # tokens of quotations; a name in marks (لـ"الوطن", صحيفة "الشرق") is not one
        self.in_marks = [False] * len(self.toks)
        self.mark_tok = [
            t.kind == "punct" and (t.text in _MARKS or t.text in ("''", '""')) for t in self.toks
        ]
        self.short_name: set[int] = set()  # tokens of a short name in marks, marks included
        for mk in self.marked:
            if mk.close_at is not None and self.words_between(mk.start, mk.end) <= MAX_NAME_WORDS:
                self.short_name.update(self.tok_range(mk.open_at, mk.close_at + 1))
                continue
            hi = mk.close_at if mk.close_at is not None else mk.end
            for i in self.tok_range(mk.open_at, hi + 1):
                self.in_marks[i] = True
        self.sources = self.find_sources()
        self.filler = [False] * len(self.toks)
        for src in self.sources:
            for i in range(src.first_i, max(src.stop_i, src.first_i + 1)):
                self.filler[i] = True
        self.cue_at: dict[int, tuple[Cue, int]] = {}
        in_name = [False] * len(self.toks)
        for e in doc.entities:
            for m in e.mentions:
                for i in self.tok_range(m.start, m.end):
                    in_name[i] = True
        self.in_name = in_name
        for i in range(len(self.toks)):
            if self.in_marks[i] or self.filler[i] or in_name[i]:
                continue
            c = self.match_cue(i)
            if c is not None:
                self.cue_at[i] = c
        self.title_map = self.build_title_map()

    # -- token helpers -------------------------------------------------------------------
    def tok_index(self, pos: int) -> int | None:
        i = bisect_right(self.starts, pos) - 1
        if 0 <= i < len(self.toks) and self.toks[i].start <= pos < self.toks[i].end:
            return i
        return None

    def tok_range(self, start: int, end: int) -> range:
        lo = bisect_right(self.starts, start - 1)
        if lo > 0 and self.toks[lo - 1].end > start:
            lo -= 1
        hi = bisect_right(self.starts, end - 1)
        return range(lo, hi)

    def first_tok_at_or_after(self, pos: int) -> int:
        i = bisect_right(self.starts, pos - 1)
        return i

    def bare(self, i: int) -> list[tuple[str, int]]:
        """The key of token ``i`` without a leading conjunction: ``[(key, n_stripped)]``."""
        k = self.keys[i]
        out = [(k, 0)]
        if len(k) >= 3 and k[0] in _CONJ:
            out.append((k[1:], 1))
        return out

    def is_word(self, i: int, words: frozenset[str]) -> bool:
        return any(k in words for k, _ in self.bare(i))

    def is_punct(self, i: int) -> bool:
        return self.toks[i].kind not in _WORD_KINDS

    def is_unnamed(self, i: int) -> bool:
        """The head of an unnamed-source description: ``مصدر``, ``المصادر``, ``مسؤولون``."""
        u = self.lex.unnamed
        if self.keys[i] in self.lex.not_names:
            return False  # واحد is not و + أحد
        return any(k in u or (k.startswith("ال") and k[2:] in u) for k, _ in self.bare(i))

    def description_before(self, cue_i: int) -> str | None:
        """``وكان خبراء اقتصاديون قد توقعوا``: an unnamed subject right before the cue."""
        j = cue_i - 1
        end_i = cue_i - 1
        while j >= 0 and cue_i - j <= 4 and self.sent_of[j] == self.sent_of[cue_i]:
            if self.is_punct(j) or self.in_marks[j] or self.is_word(j, self.lex.preps):
                return None
            if self.keys[j] in ("قد", "كان", "كانت", "وكان", "وكانت") and j == end_i:
                end_i -= 1
            elif self.is_unnamed(j):
                if end_i < j:
                    return None
                s = self.toks[j].start
                if self.keys[j][:1] in _CONJ and self.keys[j] not in self.lex.unnamed:
                    s += 1
                return self.text[s : self.toks[end_i].end]
            j -= 1
        return None

    def is_nisba(self, i: int) -> bool:
        """A definite relative adjective: ``الروسي``, ``الإيرانية`` (not ``التقى``)."""
        k = normalize(self.toks[i].text).text
        if k[:1] in _CONJ and k[1:3] == "ال":
            k = k[1:]
        return k.startswith("ال") and len(k) >= 5 and (k.endswith("ي") or k.endswith("ية"))

    def match_cue(self, i: int) -> tuple[Cue, int] | None:
        tok = self.toks[i]
        if tok.kind != "word":
            return None
        if i > 0 and self.keys[i - 1] in self.lex.impersonal:
            return None
        taa = normalize(tok.text).text.endswith("ة")  # إضافة is not أضاف + ه
        for k, n in self.bare(i):
            c = self.lex.cues.get(k)
            if c is None and not taa:
                for enc in _ENCLITICS:
                    if k.endswith(enc) and len(k) - len(enc) >= 3:
                        c2 = self.lex.cues.get(k[: -len(enc)])
                        if c2 is not None and c2.kind == "verb" and not c2.relay:
                            c = c2
                            break
            if c is not None:
                off = 0
                if n:
                    off = normalize(tok.text, fold=True).to_original(n, n)[0]
                return c, tok.start + off
        return None

    def cue_text(self, i: int) -> str:
        return self.text[self.cue_at[i][1] : self.toks[i].end]

    def words_between(self, start: int, end: int) -> int:
        return sum(1 for i in self.tok_range(start, end) if not self.is_punct(i))

    # -- mentions ------------------------------------------------------------------------
    def eligible(self, i: int, types: frozenset[str] = SPEAKER_TYPES) -> tuple[Entity, int] | None:
        """The entity whose mention starts at token ``i`` in subject position, and the
        token after the mention."""
        hit = self.mention_at.get(i)
        if hit is None:
            return None
        ent, m = hit
        if ent.type not in types:
            return None
        tok = self.toks[i]
        prefix = normalize_key(self.text[tok.start : m.start]).lstrip(_CONJ)
        if any(ch in prefix for ch in "لبك"):
            return None
        p = i - 1
        while p >= 0 and self.mark_tok[p]:
            p -= 1  # على "تويتر": the preposition before the marks
        if p >= 0 and self.is_word(p, self.lex.preps):
            return None
        return ent, self.first_tok_at_or_after(m.end)

    def mention_after(
        self, i: int, limit: int, types: frozenset[str], skip: frozenset[str]
    ) -> tuple[Entity, int] | None:
        """The first mention of ``types`` from token ``i``, skipping ``skip`` words, nisbas
        and title words; ``(entity, token index)``."""
        j = i
        while j < min(limit, len(self.toks)):
            hit = self.mention_at.get(j)
            if hit is not None and hit[0].type in types:
                return hit[0], j
            if self.mark_tok[j] and not self.in_marks[j]:
                j += 1
                continue
            if self.is_punct(j) or not (
                self.is_word(j, skip) or self.is_nisba(j) or self.is_word(j, self.lex.titles)
            ):
                return None
            j += 1
        return None

    # -- sourcing ------------------------------------------------------------------------
    def match_phrase(self, i: int, phrase: tuple[str, ...]) -> int | None:
        """Token index where the phrase's object starts, if ``phrase`` matches at ``i``."""
        j = i
        for n, w in enumerate(phrase):
            if j >= len(self.toks):
                return None
            if n == len(phrase) - 1 and w == "ل":
                k = self.keys[j]
                return j if k.startswith("ل") and len(k) > 2 else None
            keys = [k for k, _ in self.bare(j)] if n == 0 else [self.keys[j]]
            if w not in keys:
                return None
            j += 1
        return j

    def find_sources(self) -> list[_Source]:
        out: list[_Source] = []
        lex = self.lex
        skip = lex.fillers | lex.media
        index = lex.phrase_index
        tried = [("sourcing", ph) for ph in lex.sourcing]
        tried += [("outlet", ph) for ph in lex.outlet_phrases]
        order = {kp: n for n, kp in enumerate(tried)}
        i = 0
        while i < len(self.toks):
            if self.in_marks[i] or self.toks[i].kind != "word":
                i += 1
                continue
            found = None
            bare = self.bare(i)
            cands = index.get(bare[0][0], ())
            if len(bare) > 1:
                more = index.get(bare[1][0], ())
                if more:  # keep the lexicon's order: sourcing first, longest first
                    cands = tuple(sorted({*cands, *more}, key=order.__getitem__))
            for kind, ph in cands:
                j = self.match_phrase(i, ph)
                if j is not None:
                    found = (kind, j)
                    break
            if found is None:
                # "قال … لوكالة" X: the preposition ل on a media word
                ki = self.keys[i]
                if ki.startswith("ل") and ki[1:] in lex.media and i > 0:
                    found = ("outlet", i)
            if found is None:
                i += 1
                continue
            kind, j = found
            ent: Entity | None = None
            target: int | None = None
            desc: str | None = None
            k = j
            while k < min(len(self.toks), j + MAX_SOURCE_WINDOW):
                if self.in_marks[k]:
                    break
                if self.mark_tok[k]:
                    k += 1
                    continue
                hit = self.mention_at.get(k)
                if hit is not None and hit[0].type in SPEAKER_TYPES:
                    ent, target = hit[0], k
                    break
                key = self.keys[k]
                key_l = key[1:] if key.startswith("ل") else key
                if self.is_unnamed(k) and not self.is_word(k, lex.fillers):
                    target = k
                    desc = self.description(k, len(self.toks))
                    break
                if self.is_punct(k) or not (
                    self.is_word(k, skip)
                    or key_l in skip
                    or self.is_nisba(k)
                    or self.is_word(k, lex.titles)
                    or key_l in lex.titles
                ):
                    break
                k += 1
            out.append(_Source(i, target, ent, desc, kind, target if target is not None else k))
            i = max(i + 1, (target or j))
        return out

    def description(self, i: int, limit: int) -> str:
        """The text of an unnamed-source description starting at token ``i``."""
        j = i
        end = self.toks[i].end
        lex = self.lex
        while j < min(limit, len(self.toks), i + MAX_DESCRIPTION_TOKENS):
            tok = self.toks[j]
            if j > i:
                if self.is_word(j, lex.complementizers) or self.in_marks[j]:
                    break
                if self.sent_of[j] != self.sent_of[i] or "\n" in self.text[end : tok.start]:
                    break
                if tok.text in (":", ".", "؟", "!", "(", ")"):
                    break
                if tok.text in ("،", ","):
                    # مصدر في الوزارة، فلان: a person in apposition ends it; else the comma
                    nx = j + 1
                    while (
                        nx < min(len(self.toks), j + 4)
                        and nx not in self.mention_at
                        and (self.is_nisba(nx) or self.is_word(nx, lex.titles))
                    ):
                        nx += 1  # أحد أصدقائه، المغربي فلان
                    hit = self.mention_at.get(nx) if nx < len(self.toks) else None
                    if hit is not None and hit[0].type == "PERSON":
                        end = hit[1].end
                        break
                    if not (j + 1 < len(self.toks) and self.is_word(j + 1, lex.withheld)):
                        break  # … مسؤول كبير، طلب عدم نشر اسمه، goes on
                c = self.cue_at_safe().get(j)
                if (c is not None and not c[0].direct_only) or self.is_source_start(j):
                    break
                k = self.keys[j]
                if k == "ل" or (k.startswith("ل") and k[1:] in lex.media):
                    break
                hit = self.mention_at.get(j)
                if hit is not None and k.startswith("ل") and hit[1].start > tok.start:
                    break  # مصدر لرويترز: the outlet spoken to
                if self.is_word(j, lex.skips) or j in self.time_start:
                    break
                if self.is_word(j, lex.description_stops):
                    break
                if (
                    self.is_word(j, lex.preps)
                    and j + 1 < len(self.toks)
                    and self.is_word(j + 1, lex.statement_nouns)
                ):
                    break  # … في مؤتمر صحفي
                if j + 1 in self.time_start and self.is_word(j, lex.preps):
                    break  # مسؤولين إيرانيين في ذلك الوقت
                nxt = j + 1
                if (
                    self.is_word(j, lex.preps)
                    and nxt < len(self.toks)
                    and self.is_word(nxt, lex.complementizers)
                ):
                    break  # وتشير التقارير إلى أن
            if not self.is_punct(j):
                end = tok.end
            j += 1
        if self.toks[i].text[:1] in _CONJ and self.keys[i][1:] in lex.unnamed:
            s = self.toks[i].start + 1
        else:
            s = self.toks[i].start
        return self.text[s:end]

    def described(self, i: int, limit: int) -> _Who:
        """A description subject: a person named in it (``المتحدث باسم الخارجية ناصر
        كنعاني``), the body it speaks for (``المتحدث باسم الجيش``), or only its words."""
        text = self.description(i, limit)
        end = self.toks[i].start + len(text) + (1 if self.toks[i].text[:1] in _CONJ else 0)
        body: Entity | None = None
        for j in self.tok_range(self.toks[i].start, end):
            if (
                j > i
                and self.keys[j] != "باسم"
                and (self.is_word(j, self.lex.preps) or self.keys[j][:1] == "ل")
            ):
                break  # مصادر في مكتب رئيس الوزراء X: X is not the speaker
            hit = self.mention_at.get(j)
            if hit is None:
                continue
            if j > 0 and self.keys[j - 1] == "باسم":
                body = body or hit[0]  # الناطقة باسم فلان: who it speaks for, not the speaker
                continue
            if hit[0].type == "PERSON":
                return _Who(speaker=hit[0].id, found=True)
        if body is not None and body.type in SPEAKER_TYPES and body.type != "PERSON":
            return _Who(speaker=body.id, found=True)
        return _Who(speaker_text=text, found=True)

    def cue_at_safe(self) -> dict[int, tuple[Cue, int]]:
        return getattr(self, "cue_at", {})

    def is_source_start(self, i: int) -> bool:
        return any(s.first_i == i for s in getattr(self, "sources", ()))

    # -- titles --------------------------------------------------------------------------
    def title_chain(self, end_i: int, start_limit: int) -> tuple[str, ...]:
        """Title words and nisbas right before token ``end_i``."""
        words: list[str] = []
        j = end_i - 1
        while j >= max(start_limit, 0) and len(words) < 6:
            if self.is_punct(j):
                break
            if self.is_word(j, self.lex.titles) or self.is_nisba(j):
                words.append(self.bare(j)[-1][0] if self.keys[j][0] in _CONJ else self.keys[j])
                j -= 1
                continue
            break
        return tuple(reversed(words))

    def build_title_map(self) -> dict[tuple[str, ...], list[tuple[int, str]]]:
        out: dict[tuple[str, ...], list[tuple[int, str]]] = {}
        for i, (ent, _m) in sorted(self.mention_at.items()):
            if ent.type != "PERSON":
                continue
            chain = self.title_chain(i, 0)
            if not chain:
                continue
            for key in {chain, _undefine(chain)}:
                out.setdefault(key, []).append((self.toks[i].start, ent.id))
        return out

    def resolve_title(self, chain: tuple[str, ...], before: int) -> str | None:
        for key in (chain, _undefine(chain)):
            cands = [eid for pos, eid in self.title_map.get(key, []) if pos < before]
            if cands:
                return cands[-1]
        return None

    # -- speakers ------------------------------------------------------------------------
    def subject_after(self, cue_i: int, limit: int) -> _Who | None:
        lex = self.lex
        j = cue_i + 1
        chain: list[str] = []
        chain_start: int | None = None
        named = False
        if j < min(limit, len(self.toks)) and self.toks[j].text in ("،", ","):
            j += 1  # وأضاف، خلدون قواص، المستشار …
        first = j
        while j < min(limit, len(self.toks)):
            if self.in_marks[j]:
                break
            if self.mark_tok[j]:  # قالت صحيفة "الشرق الأوسط"
                j += 1
                continue
            if self.toks[j].text == "(" and j + 1 < len(self.toks):
                el = self.eligible(j + 1)  # وكالة الأنباء السورية الرسمية (سانا)
                if el is not None:
                    return _Who(speaker=el[0].id, found=True)
            ref = self.title_ref.get(j)
            if ref is not None and not chain and ref[0] is not None:
                return _Who(speaker=ref[0], found=True)
            el = self.eligible(j)
            if el is not None and chain and el[0].type == "PERSON" and chain[-1] == "باسم":
                # الناطقة باسم فلان جيسي شاهين: the person spoken for is not the speaker
                after = el[1]
                person, last_i = self.extended_subject(after, limit, False, False)
                if person is not None:
                    return _Who(speaker=person.id, found=True)
                end_i = max(last_i, after - 1)
                text = self.text[self.toks[chain_start or j].start : self.toks[end_i].end]
                return _Who(speaker_text=text, found=True)
            if el is not None:
                if chain and not chain[-1].startswith("ال") and el[0].type != "PERSON":
                    # وكيل وزارة الخارجية السفير فلان: the body is the title's complement
                    person, _ = self.extended_subject(j, limit, False, False)
                    if person is not None:
                        return _Who(speaker=person.id, found=True)
                return _Who(speaker=el[0].id, found=True)
            if chain and j in self.short_name:
                named = True  # جريدة "الخبر" الجزائرية: the name in marks belongs to the chain
                j += 1
                continue
            if self.is_punct(j):
                break
            if self.is_word(j, lex.skips) and not chain:
                j += 1
                continue
            if not chain and self.is_unnamed(j):
                return self.described(j, limit)
            if not chain and self.is_statement(j):
                return self.statement_subject(j, limit)
            if self.is_word(j, lex.titles) or self.is_nisba(j) or self.is_word(j, lex.media):
                if chain_start is None:
                    chain_start = j
                chain.append(self.bare(j)[-1][0] if self.keys[j][0] in _CONJ else self.keys[j])
                j += 1
                continue
            break
        head = chain_start if chain_start is not None else j
        media = chain_start is not None and self.is_word(chain_start, lex.media)
        cue = self.cue_at.get(cue_i)
        complete = bool(chain) and chain[-1].startswith("ال")  # وزير الخارجية, not وزير
        takes_object = cue is not None and cue[0].takes_object
        if (
            j < min(limit, len(self.toks))
            and (chain or j == first)
            and not named
            and not (complete and takes_object and not self.is_punct(j))
        ):
            # وزير العدل البلجيكي كوين جينز / رئيس كتلة الحزب، فلان / الملياردير الروسي فلان:
            # the title runs on (a complement) up to the name in apposition
            hit, last_i = self.extended_subject(
                j, limit, media, headless=not chain, complete=complete
            )
            if hit is not None:
                return _Who(speaker=hit.id, found=True)
            if chain and last_i >= j:
                text = self.text[self.toks[head].start : self.toks[last_i].end]
                return _Who(speaker_text=text, found=True)
            hk = self.keys[j]
            if (
                not chain
                and j + 1 in self.short_name
                and self.mark_tok[j + 1]
                and self.toks[j].kind == "word"
                and len(hk) >= 3
                and not (hk[:1] in "لب" and len(hk) > 3)  # لقناة "…": the addressee
                and not self.toks[j].text.endswith("ـ")
                and not self.is_word(j, lex.preps)
            ):
                # منظمة "أنا يقظ": a head noun and the name in marks
                k = j + 1
                while k + 1 < len(self.toks) and k + 1 in self.short_name:
                    k += 1
                while k + 1 < min(limit, len(self.toks)) and self.is_nisba(k + 1):
                    k += 1
                return _Who(
                    speaker_text=self.text[self.toks[j].start : self.toks[k].end], found=True
                )
            bk = self.bare(j)[-1][0] if hk[:1] in _CONJ else hk
            if not chain and bk.startswith("ال") and len(bk) >= 5 and not self.in_name[j]:
                # أعلن المرصد الملكي السعودي، أن: a definite noun and its nisbas, then the
                # clause boundary, is the subject
                k = j + 1
                end_l = min(limit, len(self.toks))
                while k < end_l and self.is_nisba(k):
                    k += 1
                if k > j + 1 and k < end_l and self.keys[k][:1] == "ل" and len(self.keys[k]) > 3:
                    # المرصد السوري لحقوق الإنسان: a complement with ل
                    m = k + 1
                    while m < min(end_l, k + 3) and self.toks[m].kind == "word":
                        if self.is_word(m, lex.complementizers) or self.is_word(m, lex.preps):
                            break
                        m += 1
                    k = m
                if k > j + 1 and (
                    k >= min(limit, len(self.toks))
                    or self.toks[k].text in ("،", ",")
                    or _is_complementizer(self, k)
                ):
                    named_before = self.named_with(j, k)
                    if named_before is not None:  # المحلل السياسي فلان … وأضاف المحلل السياسي
                        return _Who(speaker=named_before, found=True)
                    return _Who(
                        speaker_text=self.text[self.toks[j].start : self.toks[k - 1].end],
                        found=True,
                    )
        if chain and chain_start is not None:
            tup = tuple(chain)
            eid = None if named else self.resolve_title(tup, self.toks[cue_i].start)
            text = self.text[self.toks[chain_start].start : self.toks[j - 1].end]
            if eid is not None:
                return _Who(speaker=eid, found=True)
            return _Who(speaker_text=text, found=True)
        # a name the entity component did not find (قال كامبل لرويترز إن): keep its words
        if cue is not None and not cue[0].takes_object and j == first:
            name = self.unknown_name(j, limit)
            if name is not None:
                return _Who(speaker_text=name, found=True)
        return None

    def named_with(self, lo: int, hi: int) -> str | None:
        """The person named after the same words (tokens ``lo:hi``) earlier in the document,
        in apposition: ``المحلل السياسي فلان`` … ``المحلل السياسي``."""
        words = [self.bare(i)[-1][0] for i in range(lo, hi)]
        n = len(words)
        for t in range(lo - n, -1, -1):
            if [self.bare(i)[-1][0] for i in range(t, t + n)] != words:
                continue
            hit = self.mention_at.get(t + n)
            if hit is not None and hit[0].type == "PERSON":
                return hit[0].id
            if t + n < len(self.toks):  # المحلل السياسي اللبناني ومدير مركز … فلان
                ent, _ = self.extended_subject(t + n, len(self.toks), False, False)
                if ent is not None:
                    return ent.id
        return None

    def person_by_surname(self, words: str) -> str | None:
        """``قال المرزوقي`` / ``وزير العدل فلان الجينز``: an unrecognised name whose last word is
        the last word of exactly one person named in the document (their short name)."""
        parts = normalize_key(words).split()
        if not parts or len(parts[-1]) < 3 or self.is_unnamed_key(parts[0]):
            return None
        found = self._surname_index().get(parts[-1], set())
        return next(iter(found)) if len(found) == 1 else None

    def _surname_index(self) -> dict[str, set[str]]:
        """Last word of every multi-word PERSON mention (also without and with ال) → the
        persons' ids; built once per document."""
        idx = self._surnames
        if idx is None:
            idx = {}
            for e in self.doc.entities:
                if e.type != "PERSON":
                    continue
                for m in e.mentions:
                    mw = normalize_key(m.text).split()
                    if len(mw) >= 2:
                        for k in {mw[-1], _undefine((mw[-1],))[0], "ال" + mw[-1]}:
                            idx.setdefault(k, set()).add(e.id)
            self._surnames = idx
        return idx

    def is_unnamed_key(self, k: str) -> bool:
        u = self.lex.unnamed
        return k in u or (k.startswith("ال") and k[2:] in u)

    def has_enclitic(self, i: int) -> bool:
        """``نظيره``, ``زملاءها``: a noun with a possessive pronoun (``الجامعة`` has none)."""
        k = normalize(self.toks[i].text).text
        return not k.startswith("ال") and len(k) > 3 and k.endswith(_ENCLITICS)

    def is_statement(self, i: int) -> bool:
        """``بيان``, ``البيان``, ``التقرير``: a statement noun."""
        nouns = self.lex.statement_nouns
        return any(k in nouns or (k.startswith("ال") and k[2:] in nouns) for k, _ in self.bare(i))

    def statement_subject(self, i: int, limit: int) -> _Who | None:
        """A statement as the subject of the cue: ``قال بيان صادر عن الرئاسة`` and ``وصف بيان
        الرئاسة`` speak for the body named; ``وأضاف البيان`` continues the previous speaker
        (None); ``قال بيان`` alone keeps its words."""
        k = i + 1
        stop = min(limit, len(self.toks), i + 5)
        while k < stop:
            hit = self.mention_at.get(k)
            if hit is not None and hit[0].type in SPEAKER_TYPES:
                pre = normalize_key(self.text[self.toks[k].start : hit[1].start])
                if pre in ("", "ل"):
                    return _Who(speaker=hit[0].id, found=True)
                return None
            if self.keys[k] in _ISSUED or self.is_nisba(k):
                k += 1
                continue
            break
        if self.bare(i)[-1][0].startswith("ال"):
            return None  # وأضاف البيان: the statement of the previous speaker
        if (
            k < stop
            and not self.is_punct(k)
            and (self.keys[k - 1] in ("عن", "من") or (k == i + 1 and self.keys[k].startswith("ال")))
        ):
            k += 1  # بيان صادر عن الرئاسة, بيان الرئاسة: the body, not a recognised name
            while k < stop and self.is_nisba(k):
                k += 1
        return _Who(speaker_text=self.text[self.toks[i].start : self.toks[k - 1].end], found=True)

    def extended_subject(
        self, j: int, limit: int, media: bool, headless: bool, complete: bool = False
    ) -> tuple[Entity | None, int]:
        """From token ``j`` (the word after a title chain), the person named in apposition
        before the reported words (an outlet too after a media word), and the last word of
        the subject phrase. The scan stops at a preposition, a cue, a quotation, a time or
        the end of the clause. After a complete title (``وزير الخارجية الفلسطيني``) a
        nisba or title before the name describes someone else (``نظيره البريطاني فلان``)."""
        lex = self.lex
        described = False
        types = frozenset({"PERSON", "ORG"}) if media else frozenset({"PERSON"})
        stop = min(limit, len(self.toks), j + (6 if headless else 16))
        last = j - 1
        sent = self.sent_of[j]
        k = j
        while k < stop:
            t = self.toks[k]
            if self.sent_of[k] != sent or self.in_marks[k] or k in self.time_start:
                break
            if t.text in ("-", "–") and k + 1 < len(self.toks):
                nxt = self.toks[k + 1]
                if self.toks[k - 1].end == t.start and t.end == nxt.start:
                    k += 1  # بادن-فورتمبرغ: a hyphen inside a name
                    continue
            if t.text in (":", ".", "؟", "!", "?", "(", ")", "-", "–", "—"):
                break
            if k in self.cue_at or self.is_source_start(k) or self.filler[k]:
                break
            if "\n" in self.text[self.toks[k - 1].end : t.start]:
                break
            hit = self.mention_at.get(k)
            if hit is not None and hit[0].type in types and self.eligible(k, types) is not None:
                if complete and described:
                    return None, j - 1
                return hit[0], k
            if (
                k > j
                and (self.is_nisba(k) or self.is_word(k, lex.titles))
                and self.has_enclitic(k - 1)
            ):
                described = True  # نظيره البريطاني: someone else, described
            if self.is_punct(k):
                if t.text in ("،", ",") or self.mark_tok[k]:
                    k += 1
                    continue
                break
            if (
                self.is_word(k, lex.complementizers)
                or self.is_word(k, lex.preps)
                or self.is_word(k, lex.description_stops)
                or self.is_word(k, lex.skips)
                or self.is_word(k, lex.not_names)
                or (headless and self.is_unnamed(k))
            ):
                break
            if headless and k > j and not (self.is_nisba(k) or self.is_word(k, lex.titles)):
                break  # الملياردير الروسي فلان: only a head noun, nisbas and titles
            if hit is not None:  # a name of another kind ends the phrase after it
                last = self.first_tok_at_or_after(hit[1].end) - 1
                k = last + 1
                continue
            last = k
            k += 1
        return None, (j - 1 if complete and described else last)

    def unknown_name(self, j: int, limit: int) -> str | None:
        """Up to four words at token ``j`` that look like a name no component recognised:
        not a mention, title, description, preposition or complementizer, and followed by a
        boundary (a comma, إن/أن, a preposition, a title in apposition, a time)."""
        lex = self.lex
        limit = min(limit, len(self.toks))

        def plain(i: int) -> bool:
            t = self.toks[i]
            k = self.keys[i]
            return not (
                t.kind != "word"
                or self.in_marks[i]
                or i in self.mention_at
                or i in self.cue_at
                or i in self.time_start
                or self.is_word(i, lex.complementizers)
                or self.is_word(i, lex.preps)
                or self.is_word(i, lex.skips)
                or self.is_word(i, lex.titles)
                or self.is_unnamed(i)
                or self.is_nisba(i)
                or self.is_word(i, lex.not_names)
                or (k[:1] in "لب" and len(k) > 3)
                or len(k) < 3
            )

        if j >= limit or not plain(j):
            return None
        k = j
        while (
            k + 1 < limit
            and k - j < 3
            and plain(k + 1)
            and "\n" not in self.text[self.toks[k].end : self.toks[k + 1].start]
        ):
            k += 1
        nxt = k + 1
        if nxt < limit and not (
            self.is_punct(nxt)
            or self.is_word(nxt, lex.complementizers)
            or self.is_word(nxt, lex.preps)
            or self.is_word(nxt, lex.skips)
            or self.is_word(nxt, lex.titles)
            or self.keys[nxt][:1] in "لب"
            or nxt in self.time_start
            or nxt in self.mention_at
        ):
            return None
        return self.text[self.toks[j].start : self.toks[k].end]

    def subject_before(self, cue_i: int, sent: int) -> _Who | None:
        """The first name (or unnamed-source description) in subject position before the
        cue in its sentence: the main-clause subject."""
        for i in self.sent_toks[sent]:
            if i >= cue_i:
                break
            if self.in_marks[i] or self.filler[i]:
                continue
            el = self.eligible(i)
            if el is not None and not self.after_an(i, sent) and not self.genitive_place(i, sent):
                return _Who(speaker=el[0].id, found=True)
            ref = self.title_ref.get(i)
            if (
                ref is not None
                and ref[0] is not None
                and not (i > 0 and self.is_word(i - 1, self.lex.preps))
                and self.keys[i][:1] not in "لب"
            ):
                return _Who(speaker=ref[0], found=True)
            if (
                self.is_unnamed(i)
                and self.mention_at.get(i) is None
                and not (
                    i > 0 and (self.is_word(i - 1, self.lex.preps) or self.keys[i - 1] == "عن")
                )
                and self.keys[i][:1] not in "لب"
            ):
                return self.described(i, cue_i)
        return None

    def genitive_place(self, i: int, sent: int) -> bool:
        """A place named after a noun (``محافظة عدن``, ``شمال مالي``: a feminine noun or a
        word of ``place_heads``) is a complement, not the subject of the clause."""
        hit = self.mention_at.get(i)
        if hit is None or hit[0].type != "GPE" or i == 0 or self.sent_of[i - 1] != sent:
            return False
        prev = i - 1
        if self.is_punct(prev) or prev in self.cue_at:
            return False
        word = normalize(self.toks[prev].text).text
        return word.endswith("ة") or self.is_word(prev, self.lex.place_heads)

    def after_an(self, i: int, sent: int) -> bool:
        """Whether token ``i`` follows عن in its sentence (``نقلت … عن`` X)."""
        return i > 0 and self.keys[i - 1] == "عن" and self.sent_of[i - 1] == sent

    def cited(self, cue_i: int, boundary: int) -> _Who | None:
        """``أوردت صحيفة X نقلا عن فلان أن …``: the one cited after نقلا عن is the speaker,
        the subject of the cue (an outlet) the via."""
        for src in self.sources:
            i = src.first_i
            if not (cue_i < i < boundary) or src.kind != "sourcing":
                continue
            if not (self.is_word(i, _CITING) and i + 1 < boundary and self.keys[i + 1] == "عن"):
                continue
            subj = self.subject_after(cue_i, i)
            subj_ent = self.entity_by_id.get(subj.speaker or "") if subj is not None else None
            if subj_ent is not None and subj_ent.type not in VIA_TYPES:
                return None  # قال بوتين، نقلا عن وكالة …: the speaker is the subject
            if src.entity is not None and src.entity.type in VIA_TYPES:
                return None  # … نقلا عن وكالة X: X is the via
            if src.entity is not None and src.entity.type in SPEAKER_TYPES:
                who = _Who(speaker=src.entity.id, found=True)
            elif src.text is not None:
                who = _Who(speaker_text=src.text, found=True)
            else:
                w = self.subject_after(i + 1, boundary)
                if w is None:
                    return None
                who = w
            if subj_ent is not None:
                who.via = (subj_ent.id,)
            return who
        return None

    def relay(self, cue_i: int, sent: int, boundary: int) -> tuple[_Who, str | None] | None:
        """``نقلت وكالة X عن Y (قوله) إن …``: (speaker Y, via X)."""
        r = None
        for i in self.sent_toks[sent]:
            if i > cue_i:
                break
            c = self.cue_at.get(i)
            if c is not None and c[0].relay:
                r = i
        if r is None:
            return None
        media_skip = self.lex.media | self.lex.skips
        hit = self.mention_after(r + 1, boundary, SPEAKER_TYPES, media_skip)
        via = hit[0] if hit is not None else None
        who = _Who(found=True)
        for i in range(r + 1, boundary):
            if self.keys[i] == "عن" and i + 1 < len(self.toks):
                el = self.mention_at.get(i + 1)
                if el is not None and el[0].type in SPEAKER_TYPES:
                    who.speaker = el[0].id
                elif self.is_unnamed(i + 1):
                    who.speaker_text = self.description(i + 1, boundary)
                else:
                    hit2 = self.mention_after(i + 1, boundary, SPEAKER_TYPES, media_skip)
                    if hit2 is not None:
                        who.speaker = hit2[0].id
                    else:  # عن رئيس الوزراء ستيفان لوفين قوله: the words, unrecognised
                        end_i = min(cue_i, boundary) if cue_i > i + 1 else boundary
                        k = i + 1
                        while (
                            k < end_i
                            and k - i <= 8
                            and not self.is_punct(k)
                            and k not in self.time_start
                            and not self.is_word(k, self.lex.preps)
                        ):
                            k += 1
                        if k > i + 1:
                            who.speaker_text = self.text[
                                self.toks[i + 1].start : self.toks[k - 1].end
                            ]
                break
        else:
            if via is not None:
                return _Who(speaker=via.id, found=True), None
            return None
        return who, (via.id if via is not None else None)

    def sentence_vias(self, sent: int, lo: int, hi: int) -> tuple[list[Entity], list[_Source]]:
        """Outlets named by sourcing phrases in the sentence, outside ``[lo, hi)`` (the
        quote), in the order of a relay chain: the one the report cites first."""
        outer: list[Entity] = []
        inner: list[Entity] = []
        others: list[_Source] = []
        for src in self.sources:
            if self.sent_of[src.first_i] != sent:
                continue
            pos = self.toks[src.first_i].start
            if lo <= pos < hi:
                continue
            if src.entity is not None and src.entity.type in VIA_TYPES:
                (outer if src.kind == "sourcing" else inner).append(src.entity)
            else:
                others.append(src)
        return outer + inner, others


def _undefine(chain: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w[2:] if w.startswith("ال") and len(w) > 4 else w for w in chain)


# -- the finder ------------------------------------------------------------------------------
@dataclass
class _Last:
    speaker: str | None = None
    speaker_text: str | None = None
    via: tuple[str, ...] = ()
    sent: int = -100


def find_quotes(doc: Document, lex: Lexicon | None = None) -> tuple[list[Quote], list[str]]:
    """The quotes of a segmented document (entities used when present), and the problems
    with its quotation marks (for a ``W003`` warning)."""
    lex = lex if lex is not None else load_lexicon()
    if not doc.tokens or not doc.sentences:
        return [], []
    an = _Analysis(doc, lex)
    attrs = _attributions(an)
    quotes = _resolve(an, attrs)
    return quotes, an.problems


def _is_complementizer(an: _Analysis, j: int) -> bool:
    if not an.is_word(j, an.lex.complementizers) or an.in_name[j]:
        return False  # بان كي مون is a name
    if j in an.short_name and j > 0 and not an.mark_tok[j - 1]:
        return False  # "سي.إن.إن" is a name; "إنه طباخ ماهر" opens a report
    return not (j > 0 and an.is_word(j - 1, an.lex.blockers))


def _is_question(an: _Analysis, comp: int, si: int) -> bool:
    """``وهل تتوقع أن …؟``: a question reports nobody's words."""
    last = an.sent_toks[si][-1]
    return last > comp and an.toks[last].text in ("؟", "?")


def _accept_marked(an: _Analysis, mk: Marked, cue_before: int | None) -> bool:
    """A quotation in marks is reported speech unless it is a name or scare quotes."""
    n = an.words_between(mk.start, mk.end)
    if n == 0:
        return False
    named = 0
    for k in an.tok_range(mk.start, mk.end):
        hit = an.mention_at.get(k)
        if hit is not None:
            named += min(hit[1].end, mk.end) - max(hit[1].start, mk.start)
    if n < an.lex.min_uncued and named * 3 >= (mk.end - mk.start) * 2:
        return False  # a name in marks: “إم إس إن”, “المرصد السوري”, “الأمير محمد بن سلمان”
    if n >= an.lex.min_uncued:
        return True
    j = an.first_tok_at_or_after(mk.open_at) - 1
    if j < 0:
        return False
    if an.toks[j].text == ":":
        return True
    if an.is_word(j, an.lex.short_intro) or an.is_word(j, an.lex.complementizers):
        return True
    # a cue right before two words: أضاف “ممتازة جدا”; one word is a name (أبلغ “الاقتصادية”)
    return n >= 2 and cue_before is not None and cue_before == j


def _attributions(an: _Analysis) -> list[_Attr]:
    lex = an.lex
    out: list[_Attr] = []
    marked_by_open = sorted(an.marked, key=lambda m: m.open_at)
    mark_opens = [m.open_at for m in marked_by_open]
    # sourcing phrases by position, each with its rank in an.sources (the order tried)
    src_at = sorted((an.toks[src.first_i].start, k, src) for k, src in enumerate(an.sources))
    src_pos = [x[0] for x in src_at]
    claimed: set[int] = set()  # marked quotations already attributed
    for si, sent in enumerate(an.sents):
        toks = an.sent_toks[si]
        if not toks:
            continue
        cur: list[_Attr] = []  # this sentence's attributions (kept apart: linear in length)
        cues = [i for i in toks if i in an.cue_at]
        # indirect: cue … إن/أن
        for ci in cues:
            cue = an.cue_at[ci][0]
            j = ci + 1
            comp = None
            while j < len(an.toks) and an.sent_of[j] == si and j - ci <= lex.max_gap:
                if an.in_marks[j] or an.toks[j].text == ":":
                    break
                if j in an.cue_at and not an.cue_at[j][0].direct_only:
                    break
                if _is_complementizer(an, j):
                    comp = j
                    break
                j += 1
            if comp is None or cue.direct_only:
                continue
            if _is_question(an, comp, si):
                continue
            start = an.toks[comp].end
            cur.append(_Attr(ci, comp, start, sent.end, False, si))
        # clip each indirect clause at the next attribution in the sentence
        mine = list(cur)
        embedded: list[_Attr] = []
        for a, b in itertools.pairwise(mine):
            assert b.cue_i is not None
            bi = b.cue_i
            # وأضاف / ، مضيفا: a new report; أن الأبحاث … كشفت أن: part of the first one
            coordinated = an.cue_at[bi][1] > an.toks[bi].start or (bi > 0 and an.is_punct(bi - 1))
            if a in embedded or coordinated or a.end <= an.toks[bi].start:
                a.end = min(a.end, an.toks[bi].start)
            else:
                embedded.append(b)  # أعلن أن الأبحاث … كشفت أن …: one report, to the end
        cur = [a for a in cur if a not in embedded]
        mine = [a for a in mine if a not in embedded]
        for a in mine:
            # a trailing sourcing phrase after a comma is not part of the clause (the first
            # such phrase in an.sources order)
            inside = src_at[bisect_right(src_pos, a.start) : bisect_left(src_pos, a.end)]
            for _p, _k, src in sorted(inside, key=lambda x: x[1]):
                if src.first_i > 0:
                    prev = an.toks[src.first_i - 1].text
                    if prev in ("،", ","):
                        a.end = an.toks[src.first_i - 1].start
                        break
            a.start, a.end = _trimmed(an.text, a.start, a.end)
        # direct: quotations opening in this sentence
        lo = bisect_left(mark_opens, sent.start)
        hi = bisect_left(mark_opens, sent.end)
        for mk in marked_by_open[lo:hi]:
            if mk.open_at in claimed:
                continue
            host = next((a for a in mine if a.start <= mk.open_at < max(a.end, a.start + 1)), None)
            if host is None:
                host = next(
                    (
                        a
                        for a in mine
                        if a.boundary_i < an.first_tok_at_or_after(mk.open_at)
                        and an.toks[a.boundary_i].end <= mk.open_at <= a.start + 1
                    ),
                    None,
                )
            if host is not None:
                after = an.words_between((mk.close_at or mk.end) + 1, host.end)
                short = an.words_between(mk.start, mk.end) < lex.min_uncued
                nxt = an.first_tok_at_or_after((mk.close_at or mk.end) + 1)
                if short and after >= 3 and nxt < len(an.toks) and not an.is_punct(nxt):
                    continue  # قال إن “صقر 1” طائرة …: a name in marks inside the clause
                if _accept_marked(an, mk, host.cue_i):
                    host.marked.append(mk)
                    claimed.add(mk.open_at)
                continue
            open_i = an.first_tok_at_or_after(mk.open_at)
            before = [c for c in cues if c < open_i]
            cue_i: int | None = before[-1] if before else None
            if cue_i is None:
                cue_i = _cue_after(an, mk)
            after = cue_i is not None and cue_i > open_i  # “…”، قال بوتين
            if not (
                _accept_marked(an, mk, None if after else cue_i)
                or (after and an.words_between(mk.start, mk.end) >= 2)
            ):
                continue
            if cue_i is None and an.words_between(mk.start, mk.end) < lex.min_uncued:
                before_i = open_i - 1
                if before_i < 0 or an.toks[before_i].text != ":":
                    continue
            claimed.add(mk.open_at)
            cur.append(_Attr(cue_i, open_i, mk.start, mk.end, True, si, [mk]))
        out.extend(cur)
    out.sort(key=lambda a: (a.start, a.end))
    return out


def _cue_after(an: _Analysis, mk: Marked) -> int | None:
    """``“…”، قال بوتين``: a cue right after the closing mark (a comma between at most)."""
    if mk.close_at is None:
        return None
    j = an.first_tok_at_or_after(mk.close_at + 1)
    seen_comma = False
    while j < len(an.toks) and j - an.first_tok_at_or_after(mk.close_at + 1) < 3:
        t = an.toks[j].text
        if t in ("،", ",", "-", "–", "—") and not seen_comma:
            seen_comma = True
            j += 1
            continue
        if j in an.cue_at:
            return j
        return None
    return None


def _who(an: _Analysis, a: _Attr, last: _Last) -> tuple[_Who, bool]:
    """The speaker of an attribution, and whether it was inherited from the previous quote."""
    si = a.sent
    if a.cue_i is None:
        prev = an.first_tok_at_or_after(a.marked[0].open_at) - 1 if a.marked else -1
        if prev > 0 and an.toks[prev].text == ":":
            el = _mention_ending_before(an, prev)
            if el is not None:
                return _Who(speaker=el, found=True), False
        return _inherit(an, a, last)
    cue = an.cue_at[a.cue_i][0]
    limit = a.boundary_i if a.boundary_i > a.cue_i else len(an.toks)
    if a.boundary_i <= a.cue_i:  # cue after the quotation
        limit = min(len(an.toks), a.cue_i + 12)
        while limit > a.cue_i and an.sent_of[limit - 1] != an.sent_of[a.cue_i]:
            limit -= 1
    rel = an.relay(a.cue_i, an.sent_of[a.cue_i], limit)
    if rel is not None and (cue.relay or cue.kind == "noun"):
        who, via = rel
        if via is not None:
            who.via = (via,)
        return who, False
    if cue.kind == "verb" and a.boundary_i > a.cue_i:
        cited = an.cited(a.cue_i, a.boundary_i)
        if cited is not None:
            return cited, False
    if cue.kind == "participle":
        if last.sent == a.sent and (last.speaker or last.speaker_text):
            # رأى كرم «…»، مشيرا إلى «…»: the speaker of the clause the participle hangs on
            return _Who(last.speaker, last.speaker_text, last.via), True
        w = an.subject_before(a.cue_i, an.sent_of[a.cue_i])
        if w is not None:
            return w, False
        return _inherit(an, a, last)
    if cue.kind == "noun":
        w = an.subject_before(a.cue_i, an.sent_of[a.cue_i])
        return (w, False) if w is not None else _inherit(an, a, last)
    w = an.subject_after(a.cue_i, limit)
    if w is not None:
        return w, False
    if a.cue_i > 0:
        el = _mention_ending_before(an, a.cue_i)
        if el is not None:
            return _Who(speaker=el, found=True), False
        desc = an.description_before(a.cue_i)
        if desc is not None:
            return _Who(speaker_text=desc, found=True), False
    w = an.subject_before(a.cue_i, si if a.boundary_i > a.cue_i else an.sent_of[a.cue_i])
    if w is not None:
        return w, False
    return _inherit(an, a, last)


def _mention_ending_before(an: _Analysis, i: int) -> str | None:
    """The entity whose mention ends at the token right before token ``i`` (SVO)."""
    if i <= 0:
        return None
    prev = an.toks[i - 1]
    for ti in range(max(0, i - 6), i):
        hit = an.mention_at.get(ti)
        if hit is not None and hit[1].end == prev.end and an.eligible(ti) is not None:
            return hit[0].id
    return None


def _inherit(an: _Analysis, a: _Attr, last: _Last) -> tuple[_Who, bool]:
    if a.sent - last.sent <= MAX_CONTINUATION_SENTENCES and (last.speaker or last.speaker_text):
        return _Who(last.speaker, last.speaker_text, last.via), True
    # the subject of the sentence before
    for back in (1, 2):
        s = a.sent - back
        if s < 0:
            break
        toks = an.sent_toks[s]
        if toks:
            w = an.subject_before(toks[-1] + 1, s)
            if w is not None:
                return w, False
    return _Who(), False


def _resolve(an: _Analysis, attrs: list[_Attr]) -> list[Quote]:
    quotes: list[Quote] = []
    last = _Last()
    taken: list[tuple[int, int]] = []
    for a in attrs:
        who, inherited = _who(an, a, last)
        if who.speaker is None and who.speaker_text and not inherited:
            who.speaker = an.person_by_surname(who.speaker_text)
        lo, hi = a.start, a.end
        if a.marked:
            lo = min(lo, min(m.open_at for m in a.marked))
            hi = max(hi, max((m.close_at or m.end) + 1 for m in a.marked))
        vias, others = an.sentence_vias(a.sent, lo, hi)
        via_ids = [e.id for e in vias]
        if a.cue_i is not None and a.boundary_i > a.cue_i:
            # قال مسؤول لرويترز إن …: the outlet spoken to
            for j in range(a.cue_i + 1, a.boundary_i):
                hit = an.mention_at.get(j)
                p = j - 1
                while p > a.cue_i and an.mark_tok[p]:
                    p -= 1
                spoken_to = (
                    an.keys[j].lstrip(_CONJ)[:1] == "ل"
                    and hit is not None
                    and hit[1].start > an.toks[j].start
                ) or an.keys[p] == "ل"  # لـ"الجزيرة"
                if (
                    hit is not None
                    and hit[0].type in VIA_TYPES
                    and spoken_to
                    and hit[0].id not in via_ids
                ):
                    via_ids.append(hit[0].id)
                    break
        if who.speaker is not None:
            via_ids = [v for v in via_ids if v != who.speaker]
        if not via_ids and inherited:
            via_ids = list(who.via)
        elif who.via and not inherited:
            via_ids = [*who.via, *[v for v in via_ids if v not in who.via]]
        if who.speaker is None and who.speaker_text is None:
            # an outlet or source speaking for itself ("…"، بحسب وكالة X)
            if via_ids:
                who.speaker, via_ids = via_ids[0], via_ids[1:]
            else:
                for src in others:
                    if src.entity is not None:
                        who.speaker = src.entity.id
                        break
                    if src.text:
                        who.speaker_text = src.text
                        break
        via_ids = list(dict.fromkeys(via_ids))[:2]
        cue = an.cue_at[a.cue_i][0] if a.cue_i is not None else None
        cue_text = an.cue_text(a.cue_i) if a.cue_i is not None else None
        spans = (
            [(m.start, m.end, True) for m in a.marked] if a.marked else [(a.start, a.end, a.direct)]
        )
        for s, e, direct in spans:
            if e <= s or any(not (e <= ts or s >= te) for ts, te in taken):
                continue
            taken.append((s, e))
            quotes.append(
                Quote(
                    start=s,
                    end=e,
                    text=an.text[s:e],
                    speaker=who.speaker,
                    via=via_ids[0] if via_ids else None,
                    cue=cue_text,
                    direct=direct,
                    speaker_text=who.speaker_text if who.speaker is None else None,
                    stance=cue.stance if cue is not None else None,
                    via_chain=tuple(via_ids),
                )
            )
        if who.speaker or who.speaker_text:
            last = _Last(who.speaker, who.speaker_text, tuple(via_ids), a.sent)
    quotes.sort(key=lambda q: q.start)
    return quotes


def quotes_document(doc: Document, lex: Lexicon | None = None) -> Document:
    """``doc`` with its quotes found (and a ``W003`` warning for unbalanced marks)."""
    quotes, problems = find_quotes(doc, lex)
    out = doc.replace(quotes=tuple(quotes))
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        out = out.warn(
            Code.W003.value, f"{len(problems)} quotation mark problem(s): {shown}{more}", "quotes"
        )
    return out
