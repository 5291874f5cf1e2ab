"""From the NER model's token spans to marsad entities.

Each sentence of a segmented document is tagged; every PER/ORG/LOC span becomes a mention
that follows the annotation conventions (it starts after a leading proclitic conjunction
or preposition, ``Token.host_start``; the article stays; no punctuation at either end).
Mentions overlapping an entity already found (by the knowledge-base gazetteer) are
dropped, except when the model's span is longer and holds them (``جامعة القاهرة`` over
the city ``القاهرة``, ``حمد بن خليفة آل ثاني`` over ``حمد بن خليفة``) with a confidence of
at least ``SUPERSEDE_CONFIDENCE``: the model's span then replaces those gazetteer mentions.
With a ``linker`` (the knowledge base's ``link_name``), a mention the knowledge
base knows under a compatible type joins the entity of that KB entry (an existing one, or a
new linked one). The others are grouped by name (the same normalised name, or a one-word
person mention equal to the last word of a fuller person name found earlier) into new
entities with ``kb_id``/``wikidata`` null. Every new entity has a ``confidence`` (the best
mention's lowest label marginal). New ids continue the ``E<n>`` numbering. MISC spans
(currencies, religions, titles of works …) are not entities in marsad's scheme and are
skipped.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from marsad._data import load_yaml
from marsad.model import Document, Entity, Span, Token
from marsad.ner.tagger import Tagger
from marsad.normalize import normalize_key
from marsad.segment import default_lexicon

_ID_RE = re.compile(r"^E(\d+)$")
#: A model span at least this confident replaces the shorter gazetteer mentions it holds.
SUPERSEDE_CONFIDENCE = 0.6
_MODEL_TYPES = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
_ARTICLE = "ال"
#: a word this frequent in the lexicon, left alone after a nisba, is a common word
_COMMON = 100


@dataclass(frozen=True, slots=True)
class _Types:
    fac_heads: frozenset[str]
    loc_words: frozenset[str]
    person_stop: frozenset[str]
    person_lead: frozenset[str]
    person_open_end: frozenset[str]
    not_single: dict[str, tuple[str, ...]]


@functools.cache
def _types() -> _Types:
    d = load_yaml("ner/types.yaml")
    return _Types(
        fac_heads=frozenset(normalize_key(str(x)) for x in d["fac_heads"]),
        loc_words=frozenset(normalize_key(str(x)) for x in d["loc_words"]),
        person_stop=frozenset(normalize_key(str(x)) for x in d.get("person_stop") or ()),
        person_lead=frozenset(normalize_key(str(x)) for x in d.get("person_lead") or ()),
        person_open_end=frozenset(normalize_key(str(x)) for x in d.get("person_open_end") or ()),
        not_single={
            k: tuple(normalize_key(str(x)) for x in (v if isinstance(v, list) else [v]))
            for k, v in (d.get("not_single_person") or {}).items()
        },
    )


def place_type(words: Sequence[str]) -> str:
    """GPE, LOC or FAC for the normalised words of a place name."""
    t = _types()
    if not words:
        return "GPE"
    head = words[0]
    bare = head[len(_ARTICLE) :] if head.startswith(_ARTICLE) else head
    if head in t.fac_heads or bare in t.fac_heads:
        return "FAC"
    if any(w in t.loc_words for w in words):
        return "LOC"
    return "GPE"


@dataclass(frozen=True, slots=True)
class Link:
    """What a linker knows about a name: its KB entry."""

    kb_id: str
    type: str
    name_ar: str
    name_en: str | None = None
    wikidata: str | None = None


#: ``(mention text, marsad type) → Link or None``.
Linker = Callable[[str, str], Link | None]


@dataclass
class _Group:
    type: str
    key: str
    mentions: list[Span]
    confidence: float
    link: Link | None = None


def recognize(
    doc: Document,
    tagger: Tagger,
    *,
    min_confidence: float = 0.0,
    linker: Linker | None = None,
    adjectives: Collection[str] = frozenset(),
) -> tuple[Entity, ...]:
    """The document's entities: the existing ones (with the mentions linked to them added),
    then the new ones the model found. ``adjectives`` (normalised nisba forms: الجزائري) are
    dropped from the start of a PERSON span (الروماني بولوني → بولوني)."""
    by_kb_existing = {e.kb_id: i for i, e in enumerate(doc.entities) if e.kb_id}
    extra: dict[int, list[Span]] = {}
    taken = _Taken(sorted((m.start, m.end) for e in doc.entities for m in e.mentions))
    starts = [t.start for t in doc.tokens]
    groups: list[_Group] = []
    by_key: dict[tuple[str, str], _Group] = {}
    superseded: set[tuple[int, int]] = set()  # gazetteer mentions a longer model span replaces
    sentences = []
    for sent in doc.sentences:
        toks = doc.tokens[bisect_left(starts, sent.start) : bisect_left(starts, sent.end)]
        if toks:
            sentences.append(toks)
    all_tagged = tagger.entities_batch([[t.text for t in toks] for toks in sentences])
    for toks, tagged in zip(sentences, all_tagged, strict=True):
        covered = {i for s, e, _, _ in tagged for i in range(s, e)}
        for s, e, typ, conf in tagged:
            mtype = _MODEL_TYPES.get(typ)
            if mtype is None or conf < min_confidence:
                continue
            span_toks = _trim(toks[s:e])
            if mtype == "PERSON":
                span_toks = _person_part(
                    _close_name(toks, s, e) if e not in covered else span_toks, adjectives
                )
            else:
                span_toks = _name_part(span_toks)
            if not span_toks:
                continue
            start = span_toks[0].host_start
            end = span_toks[-1].end
            if start >= end:
                continue
            if taken.overlaps(start, end):
                inner = taken.overlapping(start, end)
                if conf < SUPERSEDE_CONFIDENCE or not all(
                    start <= a and b <= end and b - a < end - start for a, b in inner
                ):
                    continue
                superseded.update(inner)
            words = [
                normalize_key(doc.text[t.host_start if i == 0 else t.start : t.end])
                for i, t in enumerate(span_toks)
            ]
            if mtype == "GPE":
                mtype = place_type(words)
            key = " ".join(words)
            span = doc.span(start, end)
            link = linker(span.text, mtype) if linker is not None else None
            if link is not None:
                if link.kb_id in by_kb_existing:
                    extra.setdefault(by_kb_existing[link.kb_id], []).append(span)
                    continue
                mtype, key = link.type, "kb:" + link.kb_id
            group = by_key.get((mtype, key))
            if group is None and mtype == "PERSON" and len(words) == 1:
                group = next(
                    (g for g in groups if g.type == "PERSON" and g.key.split()[-1] == key), None
                )
            if group is None:
                group = _Group(mtype, key, [], conf, link)
                groups.append(group)
                by_key[(mtype, key)] = group
            group.mentions.append(span)
            group.confidence = max(group.confidence, conf)
    groups = _merge_surnames(_split_people(doc, groups))
    if not groups and not extra:
        return doc.entities
    old = list(doc.entities)
    if superseded:
        for i, ent in enumerate(old):
            kept = tuple(m for m in ent.mentions if (m.start, m.end) not in superseded)
            if len(kept) != len(ent.mentions):
                old[i] = replace(ent, mentions=kept)
    for i, spans in extra.items():
        ent = old[i]
        old[i] = replace(ent, mentions=tuple(sorted((*ent.mentions, *spans), key=_span_key)))
    old = [e for e in _claim_surnames(old, groups) if e.mentions]
    n = max((int(m.group(1)) for e in doc.entities if (m := _ID_RE.match(e.id))), default=0)
    new = []
    for i, g in enumerate(groups, start=n + 1):
        name = max(g.mentions, key=lambda m: (len(m.text.split()), len(m.text))).text
        lk = g.link
        new.append(
            Entity(
                id=f"E{i}",
                type=g.type,
                name_ar=lk.name_ar if lk else name,
                mentions=tuple(g.mentions),
                name_en=lk.name_en if lk else None,
                kb_id=lk.kb_id if lk else None,
                wikidata=lk.wikidata if lk else None,
                confidence=round(g.confidence, 3),
            )
        )
    return (*old, *new)


def _span_key(s: Span) -> tuple[int, int]:
    return (s.start, s.end)


def _bare(t: Token) -> bool:
    """A token with no letter or digit of its own: punctuation, a symbol, a kashida run."""
    return t.kind in ("punct", "symbol") or not t.text.replace("\u0640", "").strip()


def _trim(toks: Sequence[Token]) -> Sequence[Token]:
    a, b = 0, len(toks)
    while a < b and _bare(toks[a]):
        a += 1
    while b > a and _bare(toks[b - 1]):
        b -= 1
    return toks[a:b]


def _close_name(toks: Sequence[Token], s: int, e: int) -> Sequence[Token]:
    """A name span the model ended on a particle (فيصل بن | فهد) takes the next word."""
    span = _trim(toks[s:e])
    if (
        span
        and span[-1] is toks[e - 1]
        and normalize_key(span[-1].text) in _types().person_open_end
        and e < len(toks)
        and toks[e].kind == "word"
        and not _bare(toks[e])
    ):
        return toks[s : e + 1]
    return span


def _person_part(
    toks: Sequence[Token], adjectives: Collection[str] = frozenset()
) -> Sequence[Token]:
    """A PERSON span cut before an honorific formula (البابطين رحمه الله → البابطين),
    without a leading kinship or status noun (أرملة شكري بلعيد → شكري بلعيد) or a
    trailing name particle (فيصل بن → فيصل); a single word of under three letters (أم, تي)
    is no name."""
    types = _types()
    toks = _name_part(toks)
    while toks and normalize_key(toks[0].text) in types.person_lead:
        toks = _trim(toks[1:])
    if toks and _nisba(toks[0], adjectives):
        while toks and _nisba(toks[0], adjectives):
            toks = _trim(toks[1:])
        # الجزائري الكبير: an adjective after the nisba is no name either
        if len(toks) == 1 and default_lexicon().freq(normalize_key(toks[0].text)) >= _COMMON:
            return ()
    while toks and normalize_key(toks[-1].text) in types.person_open_end:
        toks = _trim(toks[:-1])
    toks = _name_part(toks)
    if len(toks) == 1 and _plural_word(toks[0], types.not_single):
        return ()
    return toks


def _plural_word(t: Token, rules: dict[str, tuple[str, ...]]) -> bool:
    """A plural noun with the article or a past plural verb (``not_single_person`` in
    ``data/ner/types.yaml``): الميليشيات, وانغمسوا."""
    w = normalize_key(t.text[t.host_start - t.start :])
    if len(w) < 4:
        return False
    if w.startswith(_ARTICLE) and len(w) >= 6:
        return w.endswith(rules.get("article_plural_suffixes", ()))
    return w.endswith(rules.get("past_plural_suffix", ()))


def _nisba(t: Token, adjectives: Collection[str]) -> bool:
    """A definite nisba adjective (الروماني); the bare form (تركي) is also a given name."""
    key = normalize_key(t.text)
    return key.startswith(_ARTICLE) and key in adjectives


def _name_part(toks: Sequence[Token]) -> Sequence[Token]:
    """A span cut before an honorific formula (حفظه الله); a single Arabic word of under
    three letters (أم, تي, بو) is no name."""
    for i, t in enumerate(toks):
        if normalize_key(t.text) in _types().person_stop:
            toks = _trim(toks[:i])
            break
    if len(toks) == 1 and toks[0].kind == "word" and len(normalize_key(toks[0].text)) < 3:
        return ()
    return toks


def _claim_surnames(old: list[Entity], groups: list[_Group]) -> list[Entity]:
    """A KB person named only by a bare surname, after the model found another full name
    ending with it earlier (مارتن شولتز … شولتز, not Olaf Scholz), is that other person."""
    full: dict[str, list[_Group]] = {}
    for g in groups:
        words = g.key.split()
        if g.type == "PERSON" and g.link is None and len(words) > 1:
            full.setdefault(words[-1], []).append(g)
    if not full:
        return old
    out = []
    for e in old:
        keys = {normalize_key(m.text) for m in e.mentions}
        owners = full.get(next(iter(keys)), []) if e.type == "PERSON" and len(keys) == 1 else []
        first = min((m.start for m in e.mentions), default=0)
        earlier = [g for g in owners if min(m.start for m in g.mentions) < first]
        if e.kb_id and len(earlier) == 1 and " " not in next(iter(keys)):
            earlier[0].mentions.extend(e.mentions)
            earlier[0].mentions.sort(key=_span_key)
            continue
        out.append(e)
    return out


def _split_people(doc: Document, groups: list[_Group]) -> list[_Group]:
    """A name of another type that ends with a person's name found in the document (two
    words or more) is cut before it, the person's name going to the person: البنك المركزي
    الشاذلي العياري → البنك المركزي + الشاذلي العياري."""
    people = {g.key: g for g in groups if g.type == "PERSON" and len(g.key.split()) > 1}
    if not people:
        return groups
    for g in groups:
        if g.type == "PERSON":
            continue
        kept: list[Span] = []
        for m in g.mentions:
            parts = [(x.start(), x.end()) for x in re.finditer(r"\S+", m.text)]
            cut = None
            for k in range(len(parts) - 1, 0, -1):
                tail = " ".join(normalize_key(m.text[a:b]) for a, b in parts[k:])
                if len(parts) - k > 1 and tail in people:
                    cut = k
                    break
            if cut is None:
                kept.append(m)
                continue
            person = people[" ".join(normalize_key(m.text[a:b]) for a, b in parts[cut:])]
            person.mentions.append(doc.span(m.start + parts[cut][0], m.end))
            person.mentions.sort(key=_span_key)
            kept.append(doc.span(m.start, m.start + parts[cut - 1][1]))
        g.mentions[:] = kept
    return groups


def _merge_surnames(groups: list[_Group]) -> list[_Group]:
    """An unlinked PERSON whose name is the end of exactly one longer PERSON name found in
    the document (بن حلى, أحمد بن حلى) is that person."""
    people = [g for g in groups if g.type == "PERSON" and g.link is None]
    into: dict[int, _Group] = {}
    for g in people:
        words = g.key.split()
        if len(words[-1]) < 3:
            continue
        longer = [
            h
            for h in people
            if h is not g
            and len(h.key.split()) > len(words)
            and h.key.split()[-len(words) :] == words
        ]
        if len(longer) == 1:
            into[id(g)] = longer[0]
    if not into:
        return groups
    for g in groups:
        target = into.get(id(g))
        while target is not None and id(target) in into:
            target = into[id(target)]
        if target is not None:
            target.mentions.extend(g.mentions)
            target.mentions.sort(key=_span_key)
            target.confidence = max(target.confidence, g.confidence)
    return [g for g in groups if id(g) not in into]


class _Taken:
    """Character ranges already covered by mentions (sorted by start), with the furthest
    end of each prefix: whether a span overlaps one is a bisection, not a scan."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        self.reach: list[int] = []
        far = -1
        for _, e in spans:
            far = max(far, e)
            self.reach.append(far)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some range (s, e) has ``s < end and start < e``."""
        k = bisect_left(self.starts, end)  # ranges starting before ``end``
        return k > 0 and self.reach[k - 1] > start

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The ranges (s, e) with ``s < end and start < e``."""
        out = []
        k = bisect_left(self.starts, end) - 1
        while k >= 0 and self.reach[k] > start:
            if self.ends[k] > start:
                out.append((self.starts[k], self.ends[k]))
            k -= 1
        return out


def kb_linker() -> Linker | None:
    """A linker over the shipped knowledge base (``marsad.entities.link_name``), or None
    when the knowledge base is not available."""
    try:
        from marsad.entities import link_name
        from marsad.kb import default_kb
    except ImportError:  # pragma: no cover - the KB is part of marsad
        return None
    kb = default_kb()

    def linker(text: str, etype: str) -> Link | None:
        entry = link_name(kb, text, etype)
        if entry is None:
            return None
        return Link(entry.id, entry.type, entry.ar, entry.en, entry.qid)

    return linker


def kb_adjectives() -> frozenset[str]:
    """The nisba adjectives of the shipped knowledge base (normalised: الجزائري, تونسي)."""
    from marsad.kb import default_kb

    return frozenset(default_kb().nisba)
