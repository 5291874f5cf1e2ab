"""Entity recognition and linking from the knowledge base.

A gazetteer matcher over the document's tokens (normalised, folded keys): clitic-aware on the
first token (``وطهران`` → ``طهران``, ``للحرس`` → ``لحرس`` with key ``الحرس``), longest match
first, whole tokens only, exact keys first and transliteration skeletons (``بيزيشكيان``) for
people's names. Mentions of one KB entry form one :class:`Entity`; a later bare surname joins
the full name mentioned earlier. Titles (``الرئيس الإيراني``) and nisba adjectives
(``الإسرائيلية``) are not mentions, but :func:`references` resolves them (to the office holder
at the publication date, or to the country) for the quotes and events components.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from marsad.kb import KBEntry, KnowledgeBase, key_skeleton, name_keys
from marsad.model import Document, Entity, Span, Token
from marsad.normalize import normalize, normalize_key
from marsad.segment import Lexicon, default_lexicon

#: A token this frequent in the lexicon is a common word: never matched by skeleton alone,
#: and never joined to a person as a bare surname unless a title precedes it.
COMMON_WORD_FREQ = 10
_HYPHENS = frozenset("-‐‑–")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_CONJ = "وف"
_PREP = "بلك"
_PATRONYMIC = frozenset({"بن", "ابن", "بنت", "ابو", "ال", "ولد"})
_TYPE_RANK = {"GPE": 0, "ORG": 1, "PERSON": 2, "LOC": 3, "FAC": 4, "EVENT": 5, "NORP": 6}


@dataclass(frozen=True, slots=True)
class Mention:
    """A matched stretch: tokens ``[first, last]``, original offsets, candidate entries."""

    first: int
    last: int
    start: int
    end: int
    candidates: tuple[str, ...]
    loose: bool = False
    #: other readings of the same tokens with another clitic split: ``(start, candidates)``
    #: (``وجدة`` is Oujda, or و + جدة)
    others: tuple[tuple[int, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class _Hit:
    """A match at one position: ``n`` tokens, ``strip`` clitic letters, candidate ids."""

    n: int
    strip: int
    ids: tuple[str, ...]
    loose: bool = False
    others: tuple[tuple[int, tuple[str, ...]], ...] = ()
    lead: int = 0  # leading title tokens of the name, outside the mention


#: Titles that some KB names start with (الملك سلمان, الشيخ تميم); the mention starts after.
_TITLE_WORDS_LEADING = frozenset(
    ("الملك", "الامير", "الشيخ", "السلطان", "العاهل", "السيد", "الامام", "البابا")
)


def _title_lead(seq: tuple[str, ...]) -> int:
    k = 0
    while k < len(seq) - 1:
        if seq[k] in _TITLE_WORDS_LEADING:
            k += 1
        elif seq[k : k + 2] == ("ايه", "الله") and k + 2 < len(seq):
            k += 2
        else:
            break
    return k


@dataclass(frozen=True, slots=True)
class Reference:
    """A title or nisba that refers to an entity without naming it.

    ``kind`` is ``title`` (``الرئيس الإيراني`` → the office holder) or ``nisba``
    (``الإسرائيلية`` → Israel); ``kb_id`` is the entry meant, ``entity`` the document entity
    id when that entry is also named in the document.
    """

    start: int
    end: int
    text: str
    kind: str
    kb_id: str | None
    entity: str | None = None
    office: str | None = None
    of: str | None = None


@functools.lru_cache(maxsize=131072)
def _strips(key: str) -> tuple[tuple[str, int], ...]:
    """``(key without proclitics, number of letters removed)``, the bare key first."""
    return tuple(_strip_list(key))


def _strip_list(key: str) -> list[tuple[str, int]]:
    out = [(key, 0)]
    rest, n = key, 0
    if len(rest) > 3 and rest[0] in _CONJ:
        rest, n = rest[1:], 1
        out.append((rest, n))
    if len(rest) > 3 and rest[0] in _PREP and (rest[0] != "ك" or rest.startswith("كال")):
        # ك (like) before a bare name is rare and کاران is not ك + اران
        if rest.startswith("لل"):
            out.append(("ا" + rest[1:], n + 1))  # ل + ال: للحرس → الحرس, span from لحرس
        out.append((rest[1:], n + 1))
    return out


def _after_clitics(tok: Token, strip: int) -> int:
    """Original offset in ``tok`` after its first ``strip`` normalised letters."""
    if not strip:
        return tok.start
    n = normalize(tok.text, fold=True)
    return tok.start + n.starts[strip]


def _in_url(urls: Sequence[tuple[int, int]], url_starts: Sequence[int], pos: int) -> bool:
    k = bisect_right(url_starts, pos) - 1
    return k >= 0 and pos < urls[k][1]


class Matcher:
    """Finds KB names in a tokenised document."""

    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon | None = None) -> None:
        self.kb = kb
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        self._strip_cache: dict[str, tuple[tuple[str, int], ...]] = {}

    def stream(self, doc: Document) -> list[tuple[int, str]]:
        """``(token index, key)`` for matching; hyphens glued inside a word are dropped."""
        toks = doc.tokens
        urls = [(m.start(), m.end()) for m in _URL.finditer(doc.text)] if "/" in doc.text else []
        out: list[tuple[int, str]] = []
        url_starts = [a for a, _ in urls]  # URL matches are sorted and disjoint
        for i, t in enumerate(toks):
            if urls and _in_url(urls, url_starts, t.start):
                out.append((i, ""))  # nothing is matched inside a URL
                continue
            if (
                t.kind == "punct"
                and t.text in _HYPHENS
                and 0 < i < len(toks) - 1
                and toks[i - 1].end == t.start
                and toks[i + 1].start == t.end
            ):
                continue
            out.append((i, t.norm.lower() if t.kind == "latin" else t.norm))
        return out

    def mentions(self, doc: Document) -> list[Mention]:
        stream = self.stream(doc)
        keys = [k for _, k in stream]
        out: list[Mention] = []
        i = 0
        while i < len(stream):
            best: _Hit | None = None
            tok = doc.tokens[stream[i][0]]
            if tok.kind in ("word", "latin", "number"):
                best = self._best_at(keys, i, tok)
            if best is None:
                i += 1
                continue
            n, ids = best.n, best.ids
            first_tok = doc.tokens[stream[i][0]]
            last_tok = doc.tokens[stream[i + n - 1][0]]
            start = _after_clitics(first_tok, best.strip)
            others = tuple((_after_clitics(first_tok, st), o) for st, o in best.others)
            if best.lead:  # الملك سلمان: the title is not part of the mention
                first_tok = doc.tokens[stream[i + best.lead][0]]
                start, others = first_tok.start, ()
            out.append(
                Mention(
                    stream[i][0], stream[i + n - 1][0], start, last_tok.end, ids, best.loose, others
                )
            )
            if n > 1 and all(self.kb.entries[x].type == "EVENT" for x in ids):
                out += self._nested(doc, stream, keys, i + 1, i + n)
            i += n
        return out

    def _nested(
        self, doc: Document, stream: list[tuple[int, str]], keys: list[str], lo: int, hi: int
    ) -> list[Mention]:
        """Names inside an event's name (the ORG in ``قمة البريكس``), as their own mentions."""
        out: list[Mention] = []
        j = lo
        while j < hi:
            best = self._best_at(keys[:hi], j, doc.tokens[stream[j][0]])
            if best is None or best.strip or best.loose:
                j += 1
                continue
            n = best.n
            a, b = doc.tokens[stream[j][0]], doc.tokens[stream[j + n - 1][0]]
            out.append(Mention(stream[j][0], stream[j + n - 1][0], a.start, b.end, best.ids))
            j += n
        return out

    def strips(self, key: str) -> tuple[tuple[str, int], ...]:
        """:func:`_strips`, without splitting a common word (``كبيرا`` is not ك + بيرا)."""
        got = self._strip_cache.get(key)
        if got is None:
            out = _strips(key)
            whole = self.lexicon.freq(key)
            if len(out) > 1 and whole >= COMMON_WORD_FREQ:
                out = (out[0], *((k, n) for k, n in out[1:] if self.lexicon.freq(k) * 2 >= whole))
            if len(self._strip_cache) < 200_000:
                self._strip_cache[key] = out
            got = out
        return got

    def _cued(self, seq: tuple[str, ...], keys: Sequence[str], i: int, strip: int) -> bool:
        """A name that is also a common word counts after a cue word (``في مالي``,
        ``قناة الجزيرة``) or, for places, with a preposition attached (``بمالي``)."""
        cues, preps = self.kb.ambiguous[seq]
        if strip and keys[i][strip - 1] in _PREP:
            return preps or keys[i][strip - 1] in cues
        return i > 0 and any(k in cues for k, _ in _strips(keys[i - 1]))

    def _other_first_name(self, keys: Sequence[str], i: int, ids: Sequence[str]) -> bool:
        """Whether the word before position ``i`` is a given name that none of the people
        ``ids`` bears: a surname alone after another first name is someone else (a longer
        match, محمد المنصف المرزوقي, is kept)."""
        if i == 0 or keys[i - 1] not in self.kb.given_names:
            return False
        people = [self.kb.entries[x] for x in ids]
        if any(e.type != "PERSON" for e in people):
            return False
        return not any(keys[i - 1] in name_keys(n) for e in people for n in e.names)

    def _best_at(self, keys: Sequence[str], i: int, tok: Token) -> _Hit | None:
        index = self.kb.index
        # a common word is not split to find a name (كبيرا), unless the word is a name itself
        # and both readings are kept (وجدة: Oujda, or و + جدة)
        variants = _strips(keys[i]) if keys[i] in index else self.strips(keys[i])
        found: list[_Hit] = []
        for k0, strip in variants:
            if k0 not in index:
                continue
            for seq, ids in index[k0]:
                n = len(seq)
                if tuple(keys[i + 1 : i + n]) == seq[1:]:
                    if seq in self.kb.ambiguous and not self._cued(seq, keys, i, strip):
                        continue
                    if n == 1 and tok.kind == "latin" and len(k0) <= 4 and not tok.text.isupper():
                        continue  # "un", "au", "ap" in Latin text are not UN, AU, AP
                    if (
                        not strip
                        and i > 0
                        and keys[i - 1] in _PATRONYMIC
                        and any(self.kb.entries[x].type == "PERSON" for x in ids)
                    ):
                        continue  # سلطان بن سلمان بن عبدالعزيز: a father's name, not the king
                    if n == 1 and not strip and self._other_first_name(keys, i, ids):
                        continue  # مارتن شولتز: another man's surname, not Olaf Scholz
                    found.append(_Hit(n, strip, ids, lead=_title_lead(seq)))
                    break
        if found:
            n = max(h.n for h in found)
            best, *rest = [h for h in found if h.n == n]
            return _Hit(
                n,
                best.strip,
                best.ids,
                others=tuple((h.strip, h.ids) for h in rest if not h.lead),
                lead=best.lead,
            )
        if tok.kind != "word":
            return None
        # transliteration variants of people's names (skeleton match), up to three tokens
        freq = self.lexicon.freq
        for k0, strip in variants:
            if freq(k0) >= COMMON_WORD_FREQ * 10 or key_skeleton(k0) not in self.kb.skeleton_starts:
                continue
            for n in (3, 2, 1):
                if i + n > len(keys):
                    continue
                cand = [k0, *keys[i + 1 : i + n]]
                if n == 1 and (len(k0) < 5 or k0.startswith("ال") or freq(k0)):
                    continue
                if any(freq(k) >= COMMON_WORD_FREQ * 10 for k in cand):
                    continue
                sk = tuple(key_skeleton(k) for k in cand)
                loose = self.kb.skeletons.get(sk)
                if (
                    loose
                    and len(loose) == 1
                    and not (not strip and self._other_first_name(keys, i, tuple(loose)))
                ):
                    return _Hit(n, strip, tuple(loose), True)
        return None


def _choose(kb: KnowledgeBase, ids: tuple[str, ...], chosen: set[str], ctx: set[str]) -> str:
    """One entry among candidates: one already in the document, then one whose country is
    in the document, then countries before organisations before people …"""
    return min(ids, key=lambda eid: _rank(kb, eid, chosen, ctx))


def _rank(kb: KnowledgeBase, eid: str, chosen: set[str], ctx: set[str]) -> tuple[int, ...]:
    e = kb.entries[eid]
    return (
        0 if eid in chosen else 1,
        0 if (e.country in ctx or eid in ctx) else 1,
        0 if e.kind == "country" else 1,
        _TYPE_RANK.get(e.type, 9),
    )


def link(
    doc: Document, kb: KnowledgeBase, matcher: Matcher
) -> tuple[list[Entity], list[Mention], dict[str, list[str]]]:
    """Match, disambiguate and group mentions into entities (ids E1, E2 … by first mention).

    Returns the entities, the mentions and, per entity id, the alternative KB ids.
    """
    ms = matcher.mentions(doc)
    unambiguous = {m.candidates[0] for m in ms if len(m.candidates) == 1 and not m.others}
    ctx = unambiguous | {kb.entries[i].country or "" for i in unambiguous}
    chosen: set[str] = set()
    groups: dict[str, list[Mention]] = {}
    alts: dict[str, list[str]] = {}
    for k, m in enumerate(ms):
        if m.others:  # another clitic split: keep the reading the context supports
            best = min(
                [(m.start, m.candidates), *m.others],
                key=lambda o: min(_rank(kb, c, chosen, ctx)[:2] for c in o[1]),
            )
            if best[0] != m.start:
                m = ms[k] = Mention(m.first, m.last, best[0], m.end, best[1], m.loose)
        eid = _choose(kb, m.candidates, chosen, ctx)
        chosen.add(eid)
        groups.setdefault(eid, []).append(m)
        others = [c for c in m.candidates if c != eid]
        if others:
            alts.setdefault(eid, [])
            alts[eid] += [c for c in others if c not in alts[eid]]
    # ministries not in the KB: وزارة + الخارجية (+ nisba)
    extra = _ministries(doc, kb, matcher, ms)
    entities: list[tuple[int, Entity]] = []
    for eid, mentions in groups.items():
        e = kb.entries[eid]
        spans = tuple(doc.span(m.start, m.end) for m in sorted(mentions, key=lambda m: m.start))
        entities.append((spans[0].start, _entity(e, spans)))
    for name, mspans in extra.items():
        entities.append(
            (mspans[0].start, Entity(id="", type="ORG", name_ar=name, mentions=tuple(mspans)))
        )
    entities.sort(key=lambda x: x[0])
    out: list[Entity] = []
    alt_by_eid: dict[str, list[str]] = {}
    for n, (_, ent) in enumerate(entities, 1):
        new = Entity(
            id=f"E{n}",
            type=ent.type,
            name_ar=ent.name_ar,
            mentions=ent.mentions,
            name_en=ent.name_en,
            kb_id=ent.kb_id,
            wikidata=ent.wikidata,
        )
        out.append(new)
        if ent.kb_id in alts:
            alt_by_eid[new.id] = alts[ent.kb_id]
    out = corefer_surnames(doc, out, matcher.lexicon)
    return out, ms, alt_by_eid


def _entity(e: KBEntry, spans: tuple[Span, ...]) -> Entity:
    return Entity(
        id="",
        type=e.type,
        name_ar=e.ar,
        mentions=spans,
        name_en=e.en,
        kb_id=e.id,
        wikidata=e.qid,
    )


def _ministries(
    doc: Document, kb: KnowledgeBase, matcher: Matcher, ms: list[Mention]
) -> dict[str, list[Span]]:
    taken: set[int] = set()
    for m in ms:
        taken.update(range(m.first, m.last + 1))
    out: dict[str, list[Span]] = {}
    if "وزار" not in doc.text:
        return out
    stream = matcher.stream(doc)
    keys = [k for _, k in stream]
    for i, (ti, _) in enumerate(stream):
        if ti in taken:
            continue
        hit = next((s for k, s in _strips(keys[i]) if k == "وزاره"), None)
        if hit is None:
            continue
        best = 0
        for seq in kb.ministries:
            if tuple(keys[i + 1 : i + 1 + len(seq)]) == seq and len(seq) > best:
                best = len(seq)
        if not best:
            continue
        n = 1 + best
        if i + n < len(keys) and keys[i + n] in kb.nisba:
            n += 1
        last = stream[i + n - 1][0]
        if any(t in taken for t in range(ti, last + 1)):
            continue
        tok = doc.tokens[ti]
        start = _after_clitics(tok, hit)
        span = doc.span(start, doc.tokens[last].end)
        name = " ".join(span.text.split())
        out.setdefault(normalize_key(name), []).append(span)
    return {spans[0].text: spans for spans in out.values()}


def corefer_surnames(
    doc: Document, entities: Sequence[Entity], lexicon: Lexicon | None = None
) -> list[Entity]:
    """Join later bare surnames (and other PERSON entities named by a surname alone) to the
    full name mentioned earlier: ``فلاديمير بوتين`` … ``بوتين``.

    Works on any PERSON entity, from the KB or added by another component. A surname that is
    a common word (``رئيسي``) joins only right after a title word.
    """
    lexicon = lexicon if lexicon is not None else default_lexicon()
    ents = list(entities)
    taken: set[int] = set()
    for e in ents:
        for m in e.mentions:
            taken.update(range(m.start, m.end))
    surnames: list[tuple[tuple[str, ...], int, int]] = []  # (keys, entity index, first pos)
    for idx, e in enumerate(ents):
        if e.type != "PERSON":
            continue
        for m in e.mentions:
            keys = name_keys(m.text)
            if any(k in _PATRONYMIC for k in keys):
                continue  # محمد بن سلمان: no surname to stand alone
            for n in (2, 1):
                if len(keys) > n and len(keys[-1]) >= 3 and keys[-n] not in _PATRONYMIC:
                    surnames.append((keys[-n:], idx, m.start))
    if not surnames:
        return ents
    toks = doc.tokens
    added: dict[int, list[Span]] = {}
    merge: dict[int, int] = {}
    # surnames indexed by their keys and by their first key (list positions, in order): a
    # name or a token is compared only with the surnames it can match
    by_keys: dict[tuple[str, ...], list[int]] = {}
    by_first: dict[str, list[int]] = {}
    for si, (keys, _, _) in enumerate(surnames):
        by_keys.setdefault(keys, []).append(si)
        by_first.setdefault(keys[0], []).append(si)
    # entities that are themselves a bare surname of an earlier full name merge into it
    for idx, e in enumerate(ents):
        if e.type != "PERSON" or e.kb_id is not None or not e.mentions:
            continue
        first = e.mentions[0]
        # the whole name of its first mention is the surname: look those up only
        for si in by_keys.get(name_keys(first.text), ()):
            keys, target, pos = surnames[si]
            if target != idx and all(name_keys(m.text)[-len(keys) :] == keys for m in e.mentions):
                if pos < first.start:
                    merge[idx] = target
                    break
    for i, t in enumerate(toks):
        if t.kind != "word" or t.start in taken:
            continue
        strips = _strips(t.norm)
        hits = sorted({si for k0, _ in strips for si in by_first.get(k0, ())})
        for si in hits:
            keys, target, pos = surnames[si]
            if pos >= t.start:
                continue
            n = len(keys)
            cand = [x.norm for x in toks[i : i + n]]
            for k0, strip in strips:
                if [k0, *cand[1:]] != list(keys):
                    continue
                if n == 1 and lexicon.freq(k0) >= COMMON_WORD_FREQ and not _after_title(toks, i):
                    continue
                start = _after_clitics(t, strip)
                end = toks[i + n - 1].end
                if any(p in taken for p in range(start, end)):
                    continue
                added.setdefault(target, []).append(doc.span(start, end))
                taken.update(range(start, end))
                break
            else:
                continue
            break
    if not added and not merge:
        return ents
    out: list[Entity] = []
    for idx, e in enumerate(ents):
        if idx in merge:
            continue
        spans = list(e.mentions) + added.get(idx, [])
        for src, dst in merge.items():
            if dst == idx:
                spans += list(ents[src].mentions)
        spans.sort(key=lambda s: s.start)
        out.append(
            Entity(
                id=e.id,
                type=e.type,
                name_ar=e.name_ar,
                mentions=tuple(spans),
                name_en=e.name_en,
                kb_id=e.kb_id,
                wikidata=e.wikidata,
                confidence=e.confidence,
            )
        )
    return out


_TITLE_WORDS = frozenset(
    normalize_key(w) for w in ("الرئيس", "الوزير", "الزعيم", "القائد", "الشيخ", "السيد", "الملك")
)


def _after_title(toks: Sequence[Token], i: int) -> bool:
    return i > 0 and any(k in _TITLE_WORDS for k, _ in _strips(toks[i - 1].norm))


def references(doc: Document, kb: KnowledgeBase, day: _dt.date | None = None) -> list[Reference]:
    """Titles and nisba adjectives outside entity mentions, resolved to KB entries.

    ``الرئيس الإيراني`` → the president of Iran on ``day`` (default: the publication date); a
    name right after the title (``الرئيس الإيراني مسعود بيزشكيان``) wins over the date; a
    "then" word (``الرئيس آنذاك``, ``السابق``) turns the date look-up off (or, for
    ``السابق``, to the previous holder). ``الأمين العام لحزب الله`` resolves through the
    organisation named after the title.
    """
    day = day or doc.published
    toks = doc.tokens
    inside: dict[int, Entity] = {}
    ent_by_kb: dict[str, Entity] = {}
    ends = [t.end for t in toks]
    for e in doc.entities:
        if e.kb_id:
            ent_by_kb.setdefault(e.kb_id, e)
        for m in e.mentions:
            i = bisect_right(ends, m.start)
            while i < len(toks) and toks[i].start < m.end:
                inside[i] = e
                i += 1
    out: list[Reference] = []
    last: dict[str, Reference] = {}  # office → the last title resolved to a person
    i = 0
    while i < len(toks):
        t = toks[i]
        if t.kind != "word" or i in inside:
            i += 1
            continue
        title = _title_at(kb, toks, i)
        if title is not None:
            n, office, implied = title
            ref, used = _resolve_title(doc, kb, toks, i, n, office, day, inside, ent_by_kb, implied)
            if ref is None and (n > 1 or any(k.startswith("ال") for k, _ in _strips(t.norm))):
                ref = _bare_title(doc, kb, toks, i, n, office, day, last)
                used = n
            if ref is not None:
                out.append(ref)
                if ref.kb_id:
                    last[office] = ref
                i += used
                continue
        hit = next(((kb.nisba[k], n) for k, n in _strips(t.norm) if k in kb.nisba), None)
        if hit is not None:
            country, strip = hit
            ce = ent_by_kb.get(country)
            start = _after_clitics(t, strip)
            out.append(
                Reference(
                    start, t.end, doc.text[start : t.end], "nisba", country, ce.id if ce else None
                )
            )
        i += 1
    return out


def _bare_title(
    doc: Document,
    kb: KnowledgeBase,
    toks: Sequence[Token],
    i: int,
    n: int,
    office: str,
    day: _dt.date | None,
    last: dict[str, Reference],
) -> Reference | None:
    """``وقال الرئيس`` with no country and no name: the holder of that office named last
    in the document, or the only person of the document holding it at the date."""
    start, end = toks[i].host_start, toks[i + n - 1].end
    text = doc.text[start:end]
    prev = last.get(office)
    if prev is not None:
        return Reference(start, end, text, "title", prev.kb_id, prev.entity, office, prev.of)
    holders: list[tuple[Entity, str]] = []
    for e in doc.entities:
        entry = kb.entries.get(e.kb_id or "")
        if entry is None or e.mentions[0].start > start:
            continue
        for r in entry.roles:
            if r.office == office and (day is None or r.holds_at(day)):
                holders.append((e, r.of))
                break
    if len(holders) == 1:
        e, of = holders[0]
        return Reference(start, end, text, "title", e.kb_id, e.id, office, of)
    return None


def _title_at(
    kb: KnowledgeBase, toks: Sequence[Token], i: int
) -> tuple[int, str, str | None] | None:
    """``(tokens, office, implied of)`` of the longest title starting at token ``i``."""
    best: tuple[int, str, str | None] | None = None
    for k0, _ in _strips(toks[i].norm):
        for title in kb.titles.get(k0, ()):
            n = len(title.keys)
            if best is not None and n <= best[0]:
                break
            if [t.norm for t in toks[i + 1 : i + n]] == list(title.keys[1:]):
                best = (n, title.office, kb.implied.get(title.keys))
                break
    return best


def _resolve_title(
    doc: Document,
    kb: KnowledgeBase,
    toks: Sequence[Token],
    i: int,
    n: int,
    office: str,
    day: _dt.date | None,
    inside: dict[int, Entity],
    ent_by_kb: dict[str, Entity],
    implied: str | None = None,
) -> tuple[Reference | None, int]:
    j = i + n
    of: str | None = implied
    if of is None and j < len(toks) and toks[j].kind == "word":
        k = toks[j].norm
        if k in kb.nisba:
            of = kb.nisba[k]
            j += 1
        elif j in inside and inside[j].kb_id and inside[j].type in ("ORG", "GPE"):
            of_ent = inside[j]
            of = of_ent.kb_id  # الأمين العام لحزب الله, رئيس وزراء إسرائيل
            while j < len(toks) and inside.get(j) is of_ent:
                j += 1
    then = j < len(toks) and toks[j].norm in kb.then_words
    elect = j < len(toks) and toks[j].norm in kb.elect_words
    if then or elect:
        j += 1
    # an apposed name: الرئيس الإيراني مسعود بيزشكيان
    named = inside.get(j) if j < len(toks) else None
    start, end = toks[i].host_start, toks[j - 1].end
    text = doc.text[start:end]
    if named is not None and named.type == "PERSON":
        return Reference(start, end, text, "title", named.kb_id, named.id, office, of), j - i
    if of is None:
        return None, 1
    holder: KBEntry | None = None
    if then and toks[j - 1].norm.startswith("السابق"):
        holder = kb.previous_holder(office, of, day) if day else None
    elif elect:
        holder = kb.next_holder(office, of, day) if day else None
    elif not then:
        holder = kb.holder(office, of, day)
    kb_id = holder.id if holder else None
    ent = ent_by_kb.get(kb_id) if kb_id else None
    return Reference(start, end, text, "title", kb_id, ent.id if ent else None, office, of), j - i


_COMPATIBLE = {
    "PERSON": {"PERSON"},
    "ORG": {"ORG"},
    "GPE": {"GPE", "LOC"},
    "LOC": {"LOC", "GPE", "FAC"},
    "FAC": {"FAC", "LOC", "ORG"},
    "NORP": {"NORP"},
    "WEAPON": {"WEAPON"},
    "EVENT": {"EVENT"},
}


def link_name(kb: KnowledgeBase, text: str, etype: str | None = None) -> KBEntry | None:
    """The KB entry for a name found by another component (the NER model), or None.

    Tries the name as written, without a leading proclitic, then (for people) by
    transliteration skeleton; only entries of a compatible type are returned, and only when
    exactly one fits.
    """
    allowed = _COMPATIBLE.get(etype or "", set(_COMPATIBLE))
    keys = name_keys(text)
    if not keys:
        return None
    for k0, _ in _strips(keys[0]):
        for seq, ids in kb.index.get(k0, ()):
            if seq[1:] == keys[1:]:
                fits = [kb.entries[i] for i in ids if kb.entries[i].type in allowed]
                if len(fits) == 1:
                    return fits[0]
    if etype in (None, "PERSON"):
        for k0, _ in _strips(keys[0]):
            found = kb.skeletons.get(tuple(key_skeleton(k) for k in (k0, *keys[1:])), set())
            if len(found) == 1:
                return kb.entries[next(iter(found))]
    return None
