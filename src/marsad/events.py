"""Political events from Arabic text: who did what to whom, where, when and how certain.

Events are coded in PLOVER (``Event.type``), with a finer label (``Event.label``: MEET,
VISIT, PRAISE …), the PLOVER mode and a CAMEO code. The ontology lives in
``data/events/plover.yaml`` and the Arabic trigger lexicon in ``data/events/triggers.yaml``.

How an event is found, in order:

1. **Triggers.** Every word token is decomposed into proclitics (و ف ب ل ك سـ, the article),
   a core and an enclitic pronoun, and the core is looked up among the inflected forms
   generated from the lexicon (``أدانت`` → أدان, ``وسيزور`` → زار, ``التقاه`` → التقى,
   ``زيارته`` → زيارة). Entry conditions (a required word nearby, discard words) settle
   ambiguous words: ``نقل`` is a transfer only with a supply object and not before ``عن``;
   ``أطلق`` is an attack before ``صواريخ``, a release before ``سراح``.
2. **Arguments.** Around each trigger, within its clause: the subject after a VSO verb or
   before an SVO verb, the direct object, and prepositional phrases (مع على ضد إلى ل ب من
   بين …) mapped to source/target/location by the label's roles. Nisba adjectives stand for
   their country (``غارة إسرائيلية`` → Israel), unless they are part of a title before a
   name (``الرئيس الروسي فلاديمير بوتين``). Event nouns take their actor from a light verb
   (``شن … هجوما``, ``وجه … دعوة``), a genitive (``اغتيال إسرائيل لـ…``), a nisba or a
   relative clause (``العقوبات التي فرضها الغرب``). Dropped subjects are inherited from the
   previous event or quote speaker in the last two sentences.
3. **Precision.** One event per trigger; an event noun inside another trigger's
   complement (``اتهم طهران بإرسال صواريخ``, ``في زيارة رسمية``) is part of that event, not
   a new one; a definite event noun with no actor is anaphoric (``الهجوم``) and skipped;
   a trigger with no argument is kept only if marked ``clear`` in the lexicon.
4. **Modality** (first that applies): denied (``لم``/``لن``/``لا``/``عدم`` before it),
   hypothetical (``إذا``/``لو``/``في حال``/``قد`` + imperfect before it, ``محتمل`` after it),
   threatened (under ``هدد``/``توعد``/``لوح``, when nested events are emitted), planned
   (``سـ``/``سوف``/``يعتزم``/``من المقرر`` before it, ``المقبل`` after it, or a present
   tense verb with a time after publication), reported (inside a quote, whose index goes to
   ``Event.quote``, or in a sentence attributed with ``بحسب``/``وفقا لـ``/``تقارير`` …),
   else asserted.
5. **Time rule.** The resolved value of the time expression nearest to the trigger in its
   sentence (durations and unresolved values skipped); else the publication date for an
   asserted event told with a past-tense verb (or an event noun with a past light verb) in
   the article's first three paragraphs (the news peg of a report); else none.
   **Location**: a GPE/LOC/FAC argument introduced by ``في``/``بـ`` after a physical event
   (meetings, visits, attacks …), or the place named right after a meeting or protest noun
   (``احتجاجات باريس``); never for verbal events.

Coding choices, documented as PLOVER asks: future or planned cooperation keeps its own type
(a planned visit is CONSULT with modality ``planned``, not AGREE); signing is AGREE with
CAMEO 057; violence by or against protesters in the same clause is folded into their
PROTEST event; a person's ``هاجم`` is a verbal attack (ACCUSE); events nested under
threats and denials are merged into the governing event unless ``Options(nested=True)``.

Nisbas are resolved through the entities component's references
(``doc.meta["entity_refs"]``) when it ran, else through :class:`KBNisba` (the knowledge
base's country nisbas and regular derivation from the document's GPE names);
:func:`default_nisba` is the switch-over point for a resolver the KB may publish.
"""

from __future__ import annotations

import bisect
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from marsad._data import data_path, load_yaml
from marsad.model import Document, Entity, Event, Quantity, Token
from marsad.normalize import Normalized, normalize, normalize_key

#: Tokens scanned after a trigger for its arguments.
MAX_ARG_WINDOW = 14
#: Tokens scanned before a verb for an SVO subject.
MAX_SUBJECT_BACK = 5
#: Tokens scanned before an event noun for a light verb.
MAX_LIGHT_BACK = 4
#: Sentences back that a dropped subject may be inherited from.
MAX_INHERIT_SENTENCES = 2
#: Characters around a trigger within which a quantity is attached to its event (export).
QUANTITY_WINDOW = 60
#: Tokens on each side searched for an entry's ``discard_near`` words.
DISCARD_NEAR_WINDOW = 8
#: Tokens between an assault trigger and protesters for the assault to be part of the protest.
PROTEST_VIOLENCE_WINDOW = 5
#: Paragraphs in which an undated past event takes the publication date.
NEWS_PEG_PARAGRAPHS = 3

_PUNCT_BREAK = frozenset('،,؛;:.!؟?"«»“”()[]{}–—')
_COMMA = frozenset("،,")
_QUOTE_MARKS = frozenset('"«»“”„‟')
_TANWEEN = frozenset("\u064b\u064c\u064d")
#: Entity types that can be actors (weapons and named events are not).
_ACTOR_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
_MORPH = load_yaml("events/morphology.yaml")
_VERB_PROCLITICS: tuple[str, ...] = tuple(_MORPH["verb_proclitics"])
_NOUN_PROCLITICS: tuple[str, ...] = tuple(_MORPH["noun_proclitics"])
_ENCLITICS: tuple[str, ...] = tuple(_MORPH["enclitics"])
_VERB_ENCLITICS: tuple[str, ...] = tuple(_MORPH["verb_enclitics"])
_PAST_SUFFIXES: tuple[str, ...] = tuple(_MORPH["past_suffixes"])
_PRESENT_SUFFIXES: tuple[str, ...] = tuple(_MORPH["present_suffixes"])
_PRESENT_PREFIXES: tuple[str, ...] = tuple(_MORPH["present_prefixes"])
_BASE_ROLES: Mapping[str, str] = dict(_MORPH["base_roles"])


# -- the ontology and the lexicon -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Label:
    """A finer event label and what it maps to."""

    name: str
    type: str
    mode: str | None
    cameo: str | None
    kind: str  # physical | verbal
    roles: Mapping[str, str]
    target_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry (a verb, participle or noun) with its conditions."""

    label: Label
    pos: str  # verb | participle | noun
    lemma: str
    roles: Mapping[str, str]
    requires: _Words
    near: _Words
    window: int
    discard_before: _Words
    discard_after: _Words
    discard_near: _Words
    exclude: frozenset[str]
    genitive: str
    clear: bool
    secondary: bool
    needs_actor: bool
    transitive: bool
    nisba_role: str
    person_label: Label | None
    mode: str | None
    cameo: str | None


@dataclass(frozen=True, slots=True)
class _Words:
    """A word list matched on bare forms; an item ending in ``*`` is a prefix."""

    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def of(cls, items: Iterable[str] | None) -> _Words:
        exact: set[str] = set()
        pre: list[str] = []
        for it in items or ():
            s = str(it)
            if s.endswith("*"):
                pre.append(normalize_key(s[:-1]))
            else:
                exact.add(normalize_key(s))
        return cls(frozenset(exact), tuple(pre))

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes)

    def match(self, forms: Iterable[str]) -> bool:
        for f in forms:
            if f in self.exact:
                return True
            if any(f.startswith(p) for p in self.prefixes):
                return True
        return False


@dataclass(frozen=True, slots=True)
class _Form:
    entry: Entry
    tense: str  # past | present | passive | participle | noun


@dataclass
class Lexicon:
    """The trigger lexicon compiled into form tables (built once per pipeline)."""

    labels: dict[str, Label]
    verbs: dict[str, list[_Form]]
    nouns: dict[str, list[_Form]]
    light: frozenset[str]
    planned: _Words
    hypothetical: _Words
    negation: frozenset[str]
    threat: _Words
    after_planned: _Words
    after_hypothetical: _Words
    reported: _Words
    circumstantial: frozenset[str]
    prepositions: frozenset[str]
    clause_breaks: frozenset[str]
    weapons: _Words
    actor_nouns: _Words
    agent_markers: _Words
    continuation: _Words
    agent_collectives: _Words
    intransitive: frozenset[str]
    directions: frozenset[str]
    openers: frozenset[str]
    plover: Mapping[str, Any]
    cameo: Mapping[str, str]


def _as_list(x: Any) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return [str(v) for v in x]


def _past_forms(past: str) -> set[str]:
    raw = past
    k = normalize_key(past)
    if raw.endswith(("ى", "ا")) and len(k) >= 3:  # defective: التقى، دعا، نفى
        base = k[:-1]
        return {k, base + "ت", base + "تا", base + "وا", base + "يا", base + "ا", base + "ي"}
    return {k + s for s in _PAST_SUFFIXES}


def _present_forms(present: str) -> set[str]:
    k = normalize_key(present)
    stem = k[1:] if k[:1] in ("ي", "ت") else k
    out: set[str] = set()
    if stem.endswith(("ي", "و")) and len(stem) >= 3:  # يلتقي، يدعو، ينفي
        base, v = stem[:-1], stem[-1]
        forms = {stem, stem + "ان", base + "ون", base, base + "وا", stem + "ا", base + "ين"}
        del v
    else:
        forms = {stem + s for s in _PRESENT_SUFFIXES}
    for f in forms:
        for p in _PRESENT_PREFIXES:
            out.add(p + f)
    return out


def _verb_forms(word: str) -> set[str]:
    k = normalize_key(word)
    return _present_forms(word) if k.startswith("ي") else _past_forms(word)


def _noun_forms(word: str) -> set[str]:
    k = normalize_key(word)
    out = {k}
    if not k.endswith(("ه", "ا", "ي", "ات", "ون", "ين")):
        out.add(k + "ا")  # accusative: هجوما، إضرابا
    if k.endswith("ه"):  # ة folded
        out.add(k[:-1] + "تان")
        out.add(k[:-1] + "تين")
    elif not k.endswith(("ات", "ون", "ين", "ا")):
        out.add(k + "ان")
        out.add(k + "ين")
    return out


@functools.cache
def default_lexicon() -> Lexicon:
    """The shipped lexicon."""
    return build_lexicon(load_yaml("events/triggers.yaml"), load_yaml("events/plover.yaml"))


def build_lexicon(spec: Mapping[str, Any], plover: Mapping[str, Any]) -> Lexicon:
    """Compile a trigger spec (the shape of ``triggers.yaml``) into form tables."""
    types = plover.get("types", {})
    labels: dict[str, Label] = {}
    for name, d in spec["labels"].items():
        if d["type"] not in types:
            raise ValueError(f"triggers.yaml: label {name}: unknown PLOVER type {d['type']}")
        mode = d.get("mode")
        if mode is not None and mode not in types[d["type"]].get("modes", []):
            raise ValueError(f"triggers.yaml: label {name}: {mode} is not a {d['type']} mode")
        roles = {k if k in _ROLE_KEYS else normalize_key(k): v for k, v in _BASE_ROLES.items()}
        roles.update({normalize_key(k) if k not in _ROLE_KEYS else k: v
                      for k, v in (d.get("roles") or {}).items()})  # fmt: skip
        labels[name] = Label(
            name, d["type"], mode, d.get("cameo"), d.get("kind", "verbal"), roles,
            tuple(d.get("target_types") or ()),
        )  # fmt: skip
    verbs: dict[str, list[_Form]] = {}
    nouns: dict[str, list[_Form]] = {}

    def entry(d: Mapping[str, Any], pos: str, lemma: str) -> Entry:
        lab = labels[d["label"]]
        roles = dict(lab.roles)
        roles.update({normalize_key(k) if k not in _ROLE_KEYS else k: v
                      for k, v in (d.get("roles") or {}).items()})  # fmt: skip
        return Entry(
            label=lab,
            pos=pos,
            lemma=lemma,
            roles=roles,
            requires=_Words.of(d.get("requires")),
            near=_Words.of(d.get("near")),
            window=int(d.get("window", 4)),
            discard_before=_Words.of(d.get("discard_before")),
            discard_after=_Words.of(d.get("discard_after")),
            discard_near=_Words.of(
                d.get("discard_near") or spec.get(str(d.get("discard_near_list", "")))
            ),
            exclude=frozenset(normalize_key(x) for x in _as_list(d.get("exclude"))),
            genitive=str(d.get("genitive", "source")),
            clear=bool(d.get("clear", False)),
            secondary=bool(d.get("secondary", False)),
            needs_actor=bool(d.get("needs_actor", False)),
            transitive=bool(d.get("transitive", False)),
            nisba_role=str(d.get("nisba", d.get("genitive", "source"))),
            person_label=labels[d["person_label"]] if d.get("person_label") else None,
            mode=d.get("mode", lab.mode),
            cameo=d.get("cameo", lab.cameo),
        )

    def add(table: dict[str, list[_Form]], forms: Iterable[str], f: _Form) -> None:
        for form in forms:
            if form in f.entry.exclude:
                continue
            lst = table.setdefault(form, [])
            if all(x.entry is not f.entry or x.tense != f.tense for x in lst):
                lst.append(f)

    for d in spec.get("verbs", []):
        past, present = _as_list(d.get("past")), _as_list(d.get("present"))
        e = entry(d, "verb", past[0] if past else present[0])
        for p in past:
            add(verbs, _past_forms(p), _Form(e, "past"))
        for p in present:
            add(verbs, _present_forms(p), _Form(e, "present"))
        for p in _as_list(d.get("passive")):
            add(verbs, _past_forms(p), _Form(e, "passive"))
    for d in spec.get("participles", []):
        forms = _as_list(d.get("forms"))
        e = entry(d, "participle", forms[0])
        add(verbs, {normalize_key(f) for f in forms}, _Form(e, "participle"))
    for d in spec.get("nouns", []):
        forms = _as_list(d.get("forms"))
        e = entry(d, "noun", forms[0])
        add(nouns, {x for f in forms for x in _noun_forms(f)}, _Form(e, "noun"))
    gov = spec.get("governors", {})
    light: set[str] = set()
    for w in _as_list(gov.get("light")):
        light |= _verb_forms(w)

    intransitive: set[str] = set()
    for w in _as_list(gov.get("intransitive")):
        intransitive |= _verb_forms(w)

    def keys(name: str) -> frozenset[str]:
        return frozenset(normalize_key(x) for x in _as_list(spec.get(name)))

    return Lexicon(
        labels=labels,
        verbs=verbs,
        nouns=nouns,
        light=frozenset(light),
        planned=_Words.of(gov.get("planned")),
        hypothetical=_Words.of(gov.get("hypothetical")),
        negation=frozenset(normalize_key(x) for x in _as_list(gov.get("negation"))),
        threat=_Words.of(gov.get("threat")),
        after_planned=_Words.of(spec.get("after_planned")),
        after_hypothetical=_Words.of(spec.get("after_hypothetical")),
        reported=_Words.of(spec.get("reported_markers")),
        circumstantial=keys("circumstantial"),
        prepositions=keys("prepositions"),
        clause_breaks=keys("clause_breaks"),
        weapons=_Words.of(spec.get("weapons")),
        actor_nouns=_Words.of(spec.get("actor_nouns")),
        agent_markers=_Words.of(spec.get("agent_markers")),
        continuation=_Words.of(spec.get("continuation")),
        agent_collectives=_Words.of(spec.get("agent_collectives")),
        intransitive=frozenset(intransitive),
        directions=keys("directions"),
        openers=keys("verb_openers")
        | frozenset(normalize_key(x) for x in _as_list(gov.get("negation")))
        | frozenset(normalize_key(x) for x in _as_list(gov.get("planned"))),
        plover=types,
        cameo=dict(plover.get("cameo", {})),
    )


_PASSIVE_LIGHT = frozenset({"تم", "يتم", "جري"})
_ROLE_KEYS = frozenset({"subject", "object", "genitive", "origin", "nested"})


# -- nisba adjectives -------------------------------------------------------------------------
class NisbaResolver(Protocol):
    """Maps a nisba adjective to the entity it stands for in a document, or None."""

    def __call__(self, word: str, doc: Document) -> str | None: ...


def _nisba_stems(word: str) -> list[str]:
    """Candidate country stems of a nisba form: ``الإسرائيلية`` → ``اسرائيل``."""
    k = normalize_key(word)
    for pre in ("وال", "فال", "بال", "لل", "ال", "و"):
        if k.startswith(pre) and len(k) - len(pre) >= 4:
            k = k[len(pre) :]
            break
    for suf in ("يتين", "يتان", "يين", "يون", "يان", "يات", "يه", "يا", "ي"):
        if k.endswith(suf) and len(k) - len(suf) >= 3:
            return [k[: -len(suf)]]
    return []


def _name_stems(name: str) -> set[str]:
    k = normalize_key(name)
    if k.startswith("ال"):
        k = k[2:]
    out = {k}
    if k.endswith(("ا", "ه", "ي")) and len(k) > 3:
        out.add(k[:-1])
    if k.endswith("يه") and len(k) > 4:
        out.add(k[:-2])
    return out


@dataclass
class KBNisba:
    """Resolve nisbas through the knowledge base's country records (``kb/countries.jsonl``),
    falling back on regular derivation from the document's own GPE names.

    A country not mentioned in the document resolves to its capital when that is (capitals
    stand for governments: ``أمريكية`` → ``واشنطن``).
    """

    by_nisba: dict[str, tuple[str, str | None, frozenset[str], str | None]] = field(
        default_factory=dict
    )
    capital_names: dict[str, frozenset[str]] = field(default_factory=dict)
    countries: frozenset[str] = frozenset()  # KB ids and Wikidata ids of countries
    capitals: frozenset[str] = frozenset()  # KB ids of capitals (they stand for governments)

    @classmethod
    def load(cls) -> KBNisba:
        self = cls()
        path = data_path("kb/countries.jsonl")
        if path.is_file():
            with path.open("r", encoding="utf-8") as fh:
                rows = [json.loads(line) for line in fh if line.strip()]
            for r in rows:
                names = frozenset(
                    normalize_key(x) for x in [r.get("ar", ""), *(r.get("aliases") or [])] if x
                )
                rec = (str(r["id"]), r.get("qid"), names, r.get("capital"))
                for n in (r.get("nisba") or []) + (r.get("plural") or []):
                    for st in _nisba_stems(n) or [normalize_key(n)]:
                        self.by_nisba.setdefault(st, rec)
            self.countries = frozenset(
                str(x) for r in rows for x in (r.get("id"), r.get("qid")) if x
            )
            self.capitals = frozenset(str(r["capital"]) for r in rows if r.get("capital"))
            cpath = data_path("kb/cities.jsonl")
            caps = {r[3] for r in self.by_nisba.values() if r[3]}
            if cpath.is_file() and caps:
                with cpath.open("r", encoding="utf-8") as fh:
                    for line in fh:
                        if not any(c in line for c in caps):
                            continue
                        c = json.loads(line)
                        if c.get("id") in caps:
                            self.capital_names[str(c["id"])] = frozenset(
                                normalize_key(x)
                                for x in [c.get("ar", ""), *(c.get("aliases") or [])]
                                if x
                            )
        return self

    def __call__(self, word: str, doc: Document) -> str | None:
        return self.bind(doc)(word)

    def bind(self, doc: Document) -> Callable[[str], str | None]:
        """The resolver for one document: its place names are indexed once (the document's
        entities must not change while it is in use)."""
        idx = _PlaceIndex(doc)
        return lambda word: self._resolve(word, idx)

    def _resolve(self, word: str, idx: _PlaceIndex) -> str | None:
        stems = _nisba_stems(word)
        if not stems:
            return None
        # the first entity (in document order) that matches, as a scan of them would find
        for st in stems:
            rec = self.by_nisba.get(st)
            if rec is not None:
                cid, qid, names, capital = rec
                hit = idx.first(kb_id=cid or None, wikidata=qid or None, keys=names)
                if hit is not None:
                    return hit
                if capital:
                    cap_names = self.capital_names.get(capital, frozenset())
                    hit = idx.first(kb_id=capital, keys=cap_names)
                    if hit is not None:
                        return hit
            hit = idx.by_stem.get(st)
            if hit is not None:
                return hit
        return None


class _PlaceIndex:
    """The GPE/LOC/NORP entities of a document indexed by KB id, Wikidata id, name keys and
    (GPEs only) name stems; each maps to the position of the first such entity."""

    def __init__(self, doc: Document) -> None:
        self.ids: list[str] = []
        self.by_kb: dict[str, int] = {}
        self.by_qid: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.by_stem: dict[str, str] = {}
        for e in doc.entities:
            if e.type not in ("GPE", "LOC", "NORP"):
                continue
            pos = len(self.ids)
            self.ids.append(e.id)
            if e.kb_id:
                self.by_kb.setdefault(e.kb_id, pos)
            if e.wikidata:
                self.by_qid.setdefault(e.wikidata, pos)
            names = _entity_names(e)
            for k in {normalize_key(n) for n in names}:
                self.by_key.setdefault(k, pos)
            if e.type == "GPE":
                for n in dict.fromkeys(names):
                    for st in _name_stems(n):
                        self.by_stem.setdefault(st, e.id)

    def first(
        self,
        kb_id: str | None = None,
        wikidata: str | None = None,
        keys: Iterable[str] = (),
    ) -> str | None:
        best: int | None = None
        for pos in (
            self.by_kb.get(kb_id) if kb_id else None,
            self.by_qid.get(wikidata) if wikidata else None,
            *(self.by_key.get(k) for k in keys),
        ):
            if pos is not None and (best is None or pos < best):
                best = pos
        return None if best is None else self.ids[best]


def _entity_names(e: Entity) -> list[str]:
    return [e.name_ar, *(m.text for m in e.mentions)]


def _entity_keys(e: Entity) -> frozenset[str]:
    return frozenset(normalize_key(n) for n in _entity_names(e))


def is_nisba_form(word: str) -> bool:
    """Whether a word has the shape of a nisba adjective (``إسرائيلية``, ``الروسي``)."""
    return bool(_nisba_stems(word))


@functools.cache
def default_nisba() -> NisbaResolver:
    """The nisba resolver: the KB/entities component's own if it exposes one, else ours."""
    try:  # switch-over point: a resolver published by the entities component
        import importlib

        mod = importlib.import_module("marsad.kb")
        fn = getattr(mod, "resolve_nisba_in_doc", None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    except ImportError:
        pass
    return KBNisba.load()


# -- per-document token view -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Mention:
    eid: str | None  # None: a title whose holder is not named in the document
    etype: str
    start: int
    end: int
    first: int  # token index
    last: int


@dataclass(slots=True)
class _T:
    i: int
    tok: Token
    key: str
    fw: str  # key without a leading و/ف (for function words)
    bares: tuple[str, ...]
    article: bool
    punct: bool


@dataclass(slots=True)
class _Arg:
    eid: str | None
    etype: str
    ctx: str | None
    pos: int
    conj: bool
    nisba: bool = False


@dataclass(slots=True)
class _Cand:
    entry: Entry
    tense: str
    ti: int  # token index
    start: int
    end: int
    future: bool
    article: bool
    prep: str | None
    source: list[str] = field(default_factory=list)
    target: list[str] = field(default_factory=list)
    location: str | None = None
    light: int | None = None  # token index of a light verb
    quote: int | None = None
    suppressed: bool = False
    circumstantial: bool = False
    has_subject_slot: bool = False
    inherited: bool = False  # the actor came from an earlier clause or speaker


def _bares(key: str) -> tuple[str, ...]:
    out = [key]
    k = key
    if k[:1] in ("و", "ف") and len(k) > 2:
        k = k[1:]
        out.append(k)
    if k[:1] in ("ب", "ل", "ك") and len(k) > 3:
        r = k[1:]
        out.append(r)
        if r.startswith("ل") and k[0] == "ل" and len(r) > 3:
            out.append(r[1:])
        k2 = r
    else:
        k2 = k
    if k2.startswith("ال") and len(k2) >= 5:
        out.append(k2[2:])
    return tuple(dict.fromkeys(out))


class _DocView:
    def __init__(self, doc: Document, lex: Lexicon, nisba: NisbaResolver) -> None:
        self.doc = doc
        self.lex = lex
        self.nisba = nisba
        self.norm: Normalized = normalize(doc.text, fold=True)
        self.toks: list[_T] = []
        for i, t in enumerate(doc.tokens):
            key = t.norm
            fw = key[1:] if key[:1] in ("و", "ف") and len(key) > 2 else key
            bares = _bares(key) if t.kind == "word" else (key,)
            art = any(s.role == "article" for s in t.segments) or any(
                b.startswith("ال") for b in bares[:3]
            )
            self.toks.append(
                _T(i, t, key, fw, bares, art, t.kind in ("punct", "symbol") or key in _PUNCT_BREAK)
            )
        self.mention_at: dict[int, _Mention] = {}
        self.in_mention: set[int] = set()
        starts = [t.start for t in doc.tokens]
        for e in doc.entities:
            for m in e.mentions:
                a = bisect.bisect_right(starts, m.start) - 1
                if a < 0 or doc.tokens[a].end <= m.start:
                    a += 1
                b = bisect.bisect_left(starts, m.end) - 1
                if a >= len(doc.tokens) or b < a:
                    continue
                prev = self.mention_at.get(a)
                if prev is not None and prev.end - prev.start >= m.end - m.start:
                    continue
                self.mention_at[a] = _Mention(e.id, e.type, m.start, m.end, a, b)
                for j in range(a + 1, b + 1):
                    self.in_mention.add(j)
        self.ent_type = {e.id: e.type for e in doc.entities}
        countries: frozenset[str] | None = getattr(nisba, "countries", None)
        capitals: frozenset[str] = getattr(nisba, "capitals", frozenset())
        # linked GPEs that are towns or regions, not states (known with a country list)
        self.non_state: set[str] = (
            {
                e.id
                for e in doc.entities
                if e.type == "GPE"
                and (e.kb_id or e.wikidata)
                and not ({e.kb_id, e.wikidata} & countries)
                and e.kb_id not in capitals
            }
            if countries
            else set()
        )
        self.first_type: dict[str, str] = {}  # as doc.entity() finds them
        for e in doc.entities:
            self.first_type.setdefault(e.id, e.type)
        # nisba resolutions by word (the resolver depends on the word and the document only)
        self._nisba_cache: dict[str, str | None] = {}
        bind = getattr(nisba, "bind", None)
        self._resolve_nisba: Callable[[str], str | None] = (
            bind(doc) if callable(bind) else (lambda w: nisba(w, doc))
        )
        # sentence starts, and the quotes sorted by start (with their longest length), for
        # bisecting instead of scanning
        self.sent_starts = [s.start for s in doc.sentences]
        qs = sorted(range(len(doc.quotes)), key=lambda i: (doc.quotes[i].start, i))
        self.quote_order = qs
        self.quote_starts = [doc.quotes[i].start for i in qs]
        self.quote_maxlen = max((q.end - q.start for q in doc.quotes), default=0)
        # quotes a dropped subject may come from: (start, sentence index, speaker), by start
        spk: list[tuple[int, int, str]] = []
        for i in qs:
            q = doc.quotes[i]
            if q.speaker and q.speaker in self.ent_type:
                sq = self.sentence_index(q.start)
                if sq is not None:
                    spk.append((q.start, sq, q.speaker))
        self.speaker_quotes = spk
        self.speaker_starts = [x[0] for x in spk]
        self._sent_times: dict[int, list[Any]] = {}
        self._time_order = sorted(range(len(doc.times)), key=lambda i: doc.times[i].start)
        self._time_starts = [doc.times[i].start for i in self._time_order]
        # titles and nisbas resolved by the entities component, when it ran
        self.has_refs = "entity_refs" in doc.meta
        self.nisba_ref: dict[int, tuple[str | None, str | None]] = {}
        for r in doc.meta.get("entity_refs", ()) or ():
            kind = getattr(r, "kind", None)
            rs, re_ = getattr(r, "start", None), getattr(r, "end", None)
            if not isinstance(rs, int) or not isinstance(re_, int):
                continue
            a = bisect.bisect_right(starts, rs) - 1
            b = bisect.bisect_left(starts, re_) - 1
            if a < 0 or b < a:
                continue
            eid = getattr(r, "entity", None)
            if kind == "nisba":
                self.nisba_ref[a] = (eid, getattr(r, "kb_id", None))
            elif kind == "title" and a not in self.mention_at and a not in self.in_mention:
                et = self.ent_type.get(eid, "PERSON") if eid else "PERSON"
                self.mention_at[a] = _Mention(eid, et, rs, re_, a, b)
                for j in range(a + 1, b + 1):
                    self.in_mention.add(j)

    # proclitic preposition of a token (ب ل ك), or of the text before a mention in it
    def prep_of(self, j: int) -> str | None:
        t = self.toks[j]
        m = self.mention_at.get(j)
        if m is not None and m.start > t.tok.start:
            pre = normalize_key(self.doc.text[t.tok.start : m.start])
            pre = pre[1:] if pre[:1] in ("و", "ف") else pre
            if pre[:1] in ("ب", "ل", "ك"):
                return pre[0]
            return None
        if m is not None:
            return None
        for s in t.tok.segments:
            if s.role == "proclitic":
                k = normalize_key(s.text)
                if k in ("ب", "ل", "ك"):
                    return k
        k = t.fw
        if k.startswith(("بال", "لل", "كال")) and len(k) > 4:
            return k[0]
        return None

    def conj(self, j: int) -> bool:
        t = self.toks[j]
        return t.key[:1] == "و" and (
            any(s.role == "proclitic" and s.text.startswith("و") for s in t.tok.segments)
            or (j in self.mention_at and self.mention_at[j].start > t.tok.start)
        )

    def nisba_at(self, j: int) -> tuple[bool, str | None]:
        """(is a nisba, entity id it resolves to)."""
        if j in self.mention_at or j in self.in_mention:
            return False, None
        ref = self.nisba_ref.get(j)
        t = self.toks[j]
        if ref is not None:
            eid, _ = ref
            if eid is None:  # the country is not named: perhaps its capital is
                eid = self._nisba_of(t.tok.text)
            return True, eid
        if t.tok.kind != "word" or not is_nisba_form(t.tok.text):
            return False, None
        eid = self._nisba_of(t.tok.text)
        return eid is not None, eid

    def _nisba_of(self, word: str) -> str | None:
        if word not in self._nisba_cache:
            self._nisba_cache[word] = self._resolve_nisba(word)
        return self._nisba_cache[word]

    def sentence_index(self, pos: int) -> int | None:
        """The index of the sentence holding character ``pos``."""
        i = bisect.bisect_right(self.sent_starts, pos) - 1
        if i >= 0 and pos < self.doc.sentences[i].end:
            return i
        return None

    def quote_at(self, pos: int) -> int | None:
        """The index (in ``doc.quotes``) of the first quote holding character ``pos``."""
        hi = bisect.bisect_right(self.quote_starts, pos)
        lo = bisect.bisect_right(self.quote_starts, pos - self.quote_maxlen)
        best: int | None = None
        quotes = self.doc.quotes
        for k in range(lo, hi):
            i = self.quote_order[k]
            if pos < quotes[i].end and (best is None or i < best):
                best = i
        return best

    def sentence_times(self, si: int) -> list[Any]:
        """The time expressions inside sentence ``si``, in document order."""
        hit = self._sent_times.get(si)
        if hit is None:
            sent = self.doc.sentences[si]
            a = bisect.bisect_left(self._time_starts, sent.start)
            b = bisect.bisect_right(self._time_starts, sent.end)
            idx = sorted(i for i in self._time_order[a:b] if self.doc.times[i].end <= sent.end)
            hit = self._sent_times[si] = [self.doc.times[i] for i in idx]
        return hit

    def is_break(self, j: int) -> bool:
        t = self.toks[j]
        return t.punct or t.fw in self.lex.clause_breaks or t.key in self.lex.clause_breaks


# -- trigger matching -------------------------------------------------------------------------
def _object_pronoun(view: _DocView, c: _Cand) -> bool:
    """The verb trigger carries an object pronoun (قتلهم، أصابته), so it is active."""
    if c.entry.pos != "verb":
        return False
    splits = [
        enc
        for _p, core, enc in _decompose(view.toks[c.ti].key, _VERB_PROCLITICS, _VERB_ENCLITICS)
        if any(f.entry is c.entry for f in view.lex.verbs.get(core, []))
    ]
    return bool(splits) and all(enc in ("ه", "ها", "هم", "هما", "هن") for enc in splits)


def _decompose(
    key: str, proclitics: Sequence[str], enclitics: Sequence[str] = _ENCLITICS
) -> Iterable[tuple[str, str, str]]:
    for p in proclitics:
        if not key.startswith(p):
            continue
        rest = key[len(p) :]
        for e in enclitics:
            if e and not rest.endswith(e):
                continue
            core = rest[: len(rest) - len(e)] if e else rest
            if len(core) >= 2:
                yield p, core, e


def _lookup(view: _DocView, j: int) -> list[tuple[_Form, str, bool]]:
    """Candidate (form, proclitics, future) readings of token j."""
    t = view.toks[j]
    if t.tok.kind != "word":
        return []
    lex = view.lex
    out: list[tuple[_Form, str, bool]] = []
    taa_marbuta = normalize(t.tok.text).text.endswith("ة")
    tanween = any(ch in _TANWEEN for ch in t.tok.text)  # طالباً is a noun: verbs never have it
    for p, core, e in _decompose(t.key, _VERB_PROCLITICS, _VERB_ENCLITICS):
        if tanween:
            break
        if e == "ه" and taa_marbuta:
            continue  # ضربة is a noun, not ضرب + ه
        cores = [core]
        if e and core.endswith("ا"):
            cores.append(core[:-1] + "ي")
        for c in cores:
            for f in lex.verbs.get(c, []):
                fut = "س" in p
                if fut and f.tense != "present":
                    continue
                if p.endswith("ل") and f.tense != "present":
                    continue
                out.append((f, p, fut))
    for p, core, e in _decompose(t.key, _NOUN_PROCLITICS):
        if e == "ه" and taa_marbuta:
            continue
        cores = [core]
        if e and core.endswith("ت"):
            cores.append(core[:-1] + "ه")
        for c in cores:
            for f in lex.nouns.get(c, []):
                out.append((f, p, False))
    # shortest proclitic first, verbs before nouns for bare words
    out.sort(key=lambda x: (len(x[1]), x[0].entry.pos == "noun"))
    return out


def _conditions_ok(view: _DocView, j: int, lo: int, hi: int, e: Entry) -> bool:
    toks = view.toks
    if e.discard_after:
        for k in range(j + 1, min(hi, j + 4)):
            if toks[k].punct:
                break
            if e.discard_after.match(toks[k].bares):
                return False
    if e.discard_before and j - 1 >= lo and e.discard_before.match(toks[j - 1].bares):
        return False
    if e.requires:
        ok = False
        for k in range(j + 1, min(hi, j + 1 + e.window)):
            if toks[k].punct and toks[k].key not in _COMMA and toks[k].key not in _QUOTE_MARKS:
                break
            if e.requires.match(toks[k].bares):
                ok = True
                break
        if not ok:
            return False
    if e.discard_near:
        rng = range(max(lo, j - DISCARD_NEAR_WINDOW), min(hi, j + 1 + DISCARD_NEAR_WINDOW))
        if any(e.discard_near.match(toks[k].bares) for k in rng):
            return False
    if e.near:
        rng = range(max(lo, j - e.window), min(hi, j + 1 + e.window))
        if not any(k != j and e.near.match(toks[k].bares) for k in rng):
            return False
    return True


def _find_triggers(view: _DocView, lo: int, hi: int) -> list[_Cand]:
    cands: list[_Cand] = []
    for j in range(lo, hi):
        if j in view.in_mention or j in view.mention_at:
            continue
        readings = _lookup(view, j)
        if not readings:
            continue
        t = view.toks[j]
        prev_fw = view.toks[j - 1].fw if j > lo else ""
        after_prep = (
            prev_fw in view.lex.prepositions
            or prev_fw in view.lex.light
            or (prev_fw in view.lex.negation and prev_fw in ("عدم", "دون"))
        )
        chosen: tuple[_Form, str, bool] | None = None
        for f, p, fut in readings:
            e = f.entry
            if e.pos in ("verb", "participle") and after_prep:
                continue
            if not _conditions_ok(view, j, lo, hi, e):
                continue
            chosen = (f, p, fut)
            break
        if chosen is None:
            continue
        f, p, fut = chosen
        ns = view.norm.from_original(t.tok.start)
        strip = len(p) - (1 if p.endswith("س") else 0)  # سـ belongs to the verb
        s = view.norm.to_original(ns + strip, ns + strip + 1)[0] if strip else t.tok.start
        prep = None
        art = "ال" in p or p.endswith("لل")
        for ch in p.replace("ال", "").replace("لل", "ل"):
            if ch in ("ب", "ل", "ك"):
                prep = ch
        if p.endswith("لل"):
            prep = "ل"
        cands.append(
            _Cand(
                f.entry, f.tense, j, s, t.tok.end, fut, art, prep if f.entry.pos == "noun" else None
            )
        )
    return cands


# -- arguments --------------------------------------------------------------------------------
def _skip_parenthetical(view: _DocView, j: int, hi: int) -> int | None:
    """At a comma: if an adjunct follows (في …، التي …،), the index after its closing comma."""
    if j + 1 >= hi:
        return None
    nxt = view.toks[j + 1].fw
    lex = view.lex
    if not (
        nxt in lex.circumstantial or nxt in lex.prepositions or nxt in ("التي", "الذي", "الذين")
    ):
        return None
    for k in range(j + 2, min(hi, j + 18)):
        t = view.toks[k]
        if t.key in _COMMA:
            return k + 1
        if t.punct:
            return None
    return None


def _scan_forward(
    view: _DocView, c_ti: int, hi: int, cand_at: Mapping[int, _Cand], verbal: bool
) -> tuple[list[_Arg], list[int]]:
    """Arguments after token c_ti in its clause, and the nested event nouns met."""
    args: list[_Arg] = []
    nested: list[int] = []
    ctx: str | None = None
    j = c_ti + 1
    end = min(hi, c_ti + 1 + MAX_ARG_WINDOW)
    while j < end:
        t = view.toks[j]
        if t.key in _COMMA:
            nxt = _skip_parenthetical(view, j, hi)
            if nxt is None:
                break
            end = min(hi, end + (nxt - j))
            j = nxt
            ctx = None
            continue
        if t.key in _QUOTE_MARKS:
            j += 1
            end = min(hi, end + 1)
            continue
        if view.is_break(j):
            break
        other = cand_at.get(j)
        if other is not None and other.entry.pos != "noun":
            break  # another predicate
        if t.fw in view.lex.prepositions and j not in view.mention_at:
            prev = view.toks[j - 1].fw
            if not (
                t.fw in view.lex.directions
                and ctx is not None
                and (prev in view.lex.prepositions or view.prep_of(j) is not None)
            ):
                ctx = "الى" if t.fw == "الى" else t.fw
            j += 1
            continue
        if other is not None and other.entry.secondary and ctx is None:
            # طالب المتظاهرون بـ…: a participant noun is an unnamed actor, not a nested event
            if not any(a.ctx is None for a in args):
                args.append(_Arg(None, "GPE", None, j, False, True))
            j += 1
            continue
        if other is not None:  # a nested event noun: its actor, then stop
            nested.append(j)
            if verbal:
                sub = _noun_own_source(view, other, hi)
                for a in sub:
                    args.append(_Arg(a.eid, a.etype, "nested", j, False, a.nisba))
                break
            if cand_at.get(c_ti) is not None and (ctx is not None or view.prep_of(j) is not None):
                break  # قتل 10 في غارة لطيران التحالف: what follows is the strike's
            j += 1
            continue
        m = view.mention_at.get(j)
        if m is not None:
            p = view.prep_of(j)
            if p is not None:
                ctx = p
            elif args and args[-1].nisba and args[-1].pos == j - 1 and args[-1].ctx is not None:
                ctx = args[-1].ctx  # بالعاصمة العراقية بغداد: the name in apposition
            elif (
                cand_at.get(c_ti) is not None
                and cand_at[c_ti].entry.pos != "noun"
                and ctx is not None
                and args
                and args[-1].ctx == ctx
                and not view.conj(j)
            ):
                ctx = None  # after a verb, a bare noun phrase after a complete PP
            args.append(_Arg(m.eid, m.etype, ctx, j, view.conj(j)))
            j = m.last + 1
            continue
        if (
            (ctx == "agent" or (ctx is None and not any(a.ctx is None for a in args)))
            and view.lex.actor_nouns.match(view.toks[j].bares)
            and view.prep_of(j) is None
        ):
            # an unnamed collective subject (الشرطة، طائرات): a nisba after it names it
            k = j + 1
            while k < min(hi, j + 4) and not view.nisba_at(k)[0]:
                if view.is_break(k) or k in view.mention_at or view.prep_of(k) is not None:
                    break
                if view.toks[k].fw in view.lex.prepositions:
                    break
                k += 1
            if k < hi and view.nisba_at(k)[0]:
                args.append(_Arg(view.nisba_at(k)[1], "GPE", ctx, k, False, True))
                j = k + 1
            elif (
                j + 1 < hi
                and not view.toks[j].fw.startswith("ال")
                and (m := view.mention_at.get(j + 1)) is not None
                and view.prep_of(j + 1) is None
                and not view.conj(j + 1)
            ):
                # طائرات التحالف، قوات النظام: the collective's owner is the actor (even
                # for a verb read as passive by default: قتلت طائرات التحالف …)
                own = cand_at.get(c_ti)
                agent = ctx == "agent" or (
                    own is not None
                    and view.lex.agent_collectives.match(view.toks[j].bares)
                    and own.entry.label.type in _AGENT_TYPES
                    and own.entry.roles.get("subject") == "target"
                )
                args.append(_Arg(m.eid, m.etype, "agent" if agent else None, j + 1, False))
                j = m.last + 1
            else:
                args.append(_Arg(None, "GPE", ctx, j, False, True))
                j += 1
            continue
        is_n, eid = view.nisba_at(j)
        if is_n:
            if not _title_before_name(view, j, hi):
                # a nisba after a weapon word names its origin: أسلحة روسية
                origin = any(
                    view.lex.weapons.match(view.toks[k].bares) for k in range(max(c_ti, j - 2), j)
                )
                args.append(_Arg(eid, "GPE", "origin" if origin else ctx, j, False, True))
            j += 1
            continue
        if view.lex.agent_markers.match(t.bares):
            ctx = "agent"  # برصاص الجيش، على يد مسلحين: who did it
            j += 1
            continue
        p = view.prep_of(j)
        if p is not None:
            ctx = p
        j += 1
    return args, nested


def _title_before_name(view: _DocView, j: int, hi: int) -> bool:
    """A nisba in a title before a name: ``الرئيس الروسي [فلاديمير بوتين]``."""
    for k in range(j + 1, min(hi, j + 4)):
        m = view.mention_at.get(k)
        if m is not None:
            return m.etype in ("PERSON", "ORG")
        if view.is_break(k) or view.toks[k].fw in view.lex.prepositions:
            return False
        if view.prep_of(k) is not None:
            return False
    return False


def _scan_back_subject(view: _DocView, c_ti: int, lo: int) -> list[_Arg]:
    """An SVO subject just before the verb (``روسيا تسلمت``, ``موسكو وطهران تتعاونان``)."""
    out: list[_Arg] = []
    j = c_ti - 1
    steps = 0
    while j >= lo and steps < MAX_SUBJECT_BACK:
        if view.is_break(j):
            break
        if j in view.in_mention:
            j -= 1
            continue
        m = view.mention_at.get(j)
        if m is not None:
            if view.prep_of(j) is not None or (
                j > lo and view.toks[j - 1].fw in view.lex.prepositions
            ):
                break
            if (
                m.etype in _PLACE_TYPES
                and j - 1 > lo
                and j - 1 not in view.mention_at
                and (
                    view.prep_of(j - 1) is not None or view.toks[j - 2].fw in view.lex.prepositions
                )
            ):
                break  # في مدينة سجنان استهدفت …: a place in a PP is no subject
            out.insert(0, _Arg(m.eid, m.etype, None, j, view.conj(j)))
            if not view.conj(j):
                # a coordinated actor before it: "موسكو و طهران"
                k = j - 1
                if k >= lo and view.toks[k].key == "و":
                    k -= 1
                while k >= lo and k in view.in_mention:
                    k -= 1
                break
            j -= 1
            steps += 1
            continue
        if out:
            break
        is_n, eid = view.nisba_at(j)
        if is_n and j > lo and not view.is_break(j - 1):
            out.insert(0, _Arg(eid, "GPE", None, j, False, True))
            break
        if view.lex.actor_nouns.match(view.toks[j].bares) and view.prep_of(j) is None:
            out.insert(0, _Arg(None, "GPE", None, j, False, True))
            break
        if view.prep_of(j) is not None or view.toks[j].fw in view.lex.prepositions:
            break
        j -= 1
        steps += 1
    return out


_RELATIVES = frozenset({"التي", "الذي", "الذين", "اللذين", "اللتين", "اللواتي"})


def _direct_slots(args: list[_Arg]) -> int:
    """How many distinct bare noun phrases (subject/object slots) a scan found."""
    n = 0
    last: _Arg | None = None
    for a in args:
        if a.ctx is not None:
            continue
        if last is None or not (a.conj or (a.eid is not None and a.eid == last.eid)):
            n += 1
        last = a
    return n


def _unnamed_subject(view: _DocView, c: _Cand, lo: int, hi: int, fwd: list[_Arg]) -> bool:
    """Whether the verb's subject is a phrase naming no entity: a definite noun right after
    it (``دعت الحركة …``), or, for an imperfect verb, a noun right before it
    (``خطرا يهدد تونس``, ``الحكومة تنفي``)."""
    j = c.ti + 1
    named_here = (
        bool(fwd)
        and fwd[0].ctx is None
        and (
            fwd[0].pos == j or (fwd[0].pos == j + 1 and fwd[0].nisba)  # الحكومة اللبنانية
        )
    )
    if j < hi and not named_here:
        t = view.toks[j] if j < hi else None
        if (
            t is not None
            and t.article
            and j not in view.mention_at
            and not view.is_break(j)
            and view.prep_of(j) is None
            and t.fw not in view.lex.prepositions
            and not _title_before_name(view, j, hi)
            and not any(a.pos == j + 1 and a.etype == "PERSON" for a in fwd)  # الرئيس ماكرون
        ):
            return True
    if c.tense == "present" and c.ti - 1 >= lo:
        p = view.toks[c.ti - 1]
        if (
            p.tok.kind == "word"
            and not view.is_break(c.ti - 1)
            and p.fw not in view.lex.openers
            and p.key not in view.lex.openers
            and p.fw not in view.lex.prepositions
            and view.prep_of(c.ti - 1) is None
            and c.ti - 1 not in view.in_mention
        ):
            return True
    return False


def _noun_own_source(view: _DocView, c: _Cand, hi: int) -> list[_Arg]:
    """The actor expressed inside an event noun phrase: genitive entity, nisba, relative clause."""
    out: list[_Arg] = []
    j = c.ti + 1
    if j < hi and j in view.mention_at and view.prep_of(j) is None:
        m = view.mention_at[j]
        out.append(_Arg(m.eid, m.etype, "genitive", j, False))
        return out
    for k in range(j, min(hi, j + 4)):
        if view.is_break(k) and view.toks[k].fw not in ("التي", "الذي"):
            break
        if k in view.mention_at or view.toks[k].fw in view.lex.prepositions:
            break
        if view.prep_of(k) is not None:
            break
        is_n, eid = view.nisba_at(k)
        if is_n:
            out.append(_Arg(eid, "GPE", "genitive", k, False, True))
            return out
        if view.toks[k].article != c.article:
            break  # adjectives agree with their noun: المداهمة حسب الإذاعة الفرنسية
    # a definite event noun takes its agent with ل: الزيارة المقبلة لبوتين
    if c.article:
        for k in range(j, min(hi, j + 2)):
            mk_ = view.mention_at.get(k)
            if mk_ is not None:
                if view.prep_of(k) == "ل":
                    out.append(_Arg(mk_.eid, mk_.etype, "genitive", k, False))
                    return out
                break
            if view.is_break(k) or view.toks[k].fw in view.lex.prepositions:
                break
            if view.prep_of(k) is not None:
                break
    # relative clause: العقوبات التي فرضها الغرب
    for k in range(j, min(hi, j + 6)):
        if k in view.mention_at or view.toks[k].fw in view.lex.prepositions:
            break
        if view.toks[k].fw in ("التي", "الذي", "الذين"):
            for q in range(k + 2, min(hi, k + 4)):
                mq = view.mention_at.get(q)
                if mq is not None and view.prep_of(q) is None:
                    out.append(_Arg(mq.eid, mq.etype, "genitive", q, False))
                    return out
            break
    return out


def _find_light(view: _DocView, c: _Cand, lo: int) -> int | None:
    """A light verb before an event noun (``شن … هجوما``, ``وجه بوتين دعوة``), skipping its
    subject and at most one preposition right before the noun (``وافقت إيران على إمداد``)."""
    words = 0
    k = c.ti - 1
    while k >= lo and words < MAX_LIGHT_BACK:
        t = view.toks[k]
        if t.punct:
            return None
        if t.fw in view.lex.light or t.key in view.lex.light:
            return k
        if k in view.mention_at or k in view.in_mention:
            k -= 1
            continue
        if t.fw in view.lex.prepositions and t.fw != "من" and k != c.ti - 1:
            return None
        words += 1
        k -= 1
    return None


_PLACE_TYPES = ("GPE", "LOC", "FAC")

#: labels whose lone named-person subject is read as the patient of an unvowelled passive
_PERSON_PATIENT = frozenset({"ARREST"})

#: event types a continuation verb reports anew (تواصلت الاحتجاجات، تجددت الاشتباكات)
_ONGOING_TYPES = frozenset({"PROTEST", "ASSAULT"})

#: event types whose actor an agent phrase (برصاص X، على يد X) names
_AGENT_TYPES = frozenset({"ASSAULT", "COERCE"})


def _assign(c: _Cand, args: list[_Arg], roles: Mapping[str, str], passive: bool) -> None:
    direct_slot = 0
    offset = 1 if c.has_subject_slot else 0
    last_direct: _Arg | None = None
    for a in args:
        if a.ctx is None:
            if last_direct is not None and (
                (a.conj and a.pos - last_direct.pos <= 6)
                or (a.eid is not None and a.eid == last_direct.eid)
                or (
                    last_direct.eid is None
                    and not last_direct.nisba
                    and a.pos - last_direct.pos <= 3
                )
            ):
                slot = direct_slot  # coordination, or a title then its holder's name
            else:
                direct_slot += 1
                slot = direct_slot
            last_direct = a
            slot += offset
            if slot == 1:
                role = "target" if passive else roles.get("subject", "source")
            elif slot == 2:
                role = roles.get("object", "target")
            else:
                role = "ignore"
        else:
            if a.ctx == "nested":
                role = "target"
            elif a.ctx == "agent":
                role = "source" if c.entry.label.type in _AGENT_TYPES else "ignore"
            else:
                role = roles.get(a.ctx, "ignore")
        if a.eid is None:
            if role == "source" and a.ctx is None:
                c.has_subject_slot = True
            continue
        if (
            role in ("target", "source")
            and a.ctx == "ب"
            and a.etype in _PLACE_TYPES
            and c.entry.label.kind == "physical"
            and not a.nisba
        ):
            role = "location"  # التقى … بقصر قرطاج: بـ + a place is where
        if role == "source":
            if a.eid not in c.source:
                c.source.append(a.eid)
        elif role == "target":
            if a.eid not in c.target:
                c.target.append(a.eid)
        elif role == "location":
            if c.location is None and a.etype in ("GPE", "LOC", "FAC"):
                c.location = a.eid


# -- main entry point -------------------------------------------------------------------------
@dataclass(frozen=True)
class Options:
    """``nested=True`` also emits events nested under threats, denials and other verbal
    events, with the governing modality (``هدد بمهاجمة`` → ASSAULT, threatened)."""

    nested: bool = False


def find_events(
    doc: Document,
    lexicon: Lexicon | None = None,
    nisba: NisbaResolver | None = None,
    options: Options | None = None,
) -> list[Event]:
    """The events of a segmented document (entities, times and quotes are used if present)."""
    lex = lexicon if lexicon is not None else default_lexicon()
    res = nisba if nisba is not None else default_nisba()
    opts = options or Options()
    if not doc.tokens or not doc.sentences:
        return []
    view = _DocView(doc, lex, res)
    starts = [t.start for t in doc.tokens]
    events: list[tuple[_Cand, int, str]] = []  # cand, sentence index, modality
    last_sources: list[tuple[int, int, list[str]]] = []
    for si, sent in enumerate(doc.sentences):
        lo = bisect.bisect_left(starts, sent.start)
        hi = bisect.bisect_left(starts, sent.end)
        if lo >= hi:
            continue
        cands = _find_triggers(view, lo, hi)
        if not cands:
            continue
        cand_at = {c.ti: c for c in cands}
        nested_of: dict[int, int] = {}
        for c in cands:
            e = c.entry
            verbal = e.label.kind == "verbal"
            if e.pos == "noun":
                _noun_args(view, c, lo, hi, cand_at, verbal)
            else:
                passive = c.tense == "passive"
                obj_pron = _object_pronoun(view, c)
                back = (
                    []
                    if (passive or e.pos == "participle")
                    or (obj_pron and e.roles.get("subject") == "target")
                    else _scan_back_subject(view, c.ti, lo)
                )  # (جنود قتلهم …: the noun before is the pronoun's antecedent)
                fwd, nested = _scan_forward(view, c.ti, hi, cand_at, verbal)
                for n in nested:
                    nested_of.setdefault(n, c.ti)
                earlier = [x for x in cands if x.ti < c.ti and x.source and x.entry.pos != "noun"]
                if back and e.roles.get("subject") == "target" and e.label.type in _AGENT_TYPES:
                    # الطيران الأمريكي يقتل …: a collective named by its nisba acts
                    back = [
                        _Arg(a.eid, a.etype, "agent", a.pos, a.conj, a.nisba)
                        if a.nisba
                        and a.pos > lo
                        and view.lex.agent_collectives.match(view.toks[a.pos - 1].bares)
                        else a
                        for a in back
                    ]
                if back:
                    _assign(c, back, e.roles, False)
                    c.has_subject_slot = True
                elif c.ti > lo and view.toks[c.ti - 1].fw in _RELATIVES:
                    # الغارات التي استهدفت …: the antecedent is the subject
                    c.has_subject_slot = True
                    if c.ti - 2 >= lo and (c.ti - 2) in cand_at:
                        c.suppressed = True  # an event noun described again
                elif not passive and e.pos == "verb" and _unnamed_subject(view, c, lo, hi, fwd):
                    c.has_subject_slot = True
                elif (
                    e.transitive
                    and earlier
                    and view.toks[c.ti].key[:1] == "و"
                    and _direct_slots(fwd) == 1
                ):
                    # أدانت X …، واتهمت إسرائيل بـ…: the coordinated verb keeps the subject
                    c.source = list(earlier[-1].source)
                    c.has_subject_slot = True
                roles = e.roles
                if roles.get("subject") == "target" and obj_pron:
                    # جنود قتلهم عناصر داعش: a verb with an object pronoun is active
                    roles = {**roles, "subject": "source"}
                _assign(c, fwd, roles, passive)
                if (
                    e.label.name in _PERSON_PATIENT
                    and not back
                    and c.source
                    and not c.target
                    and all(view.ent_type.get(x) == "PERSON" for x in c.source)
                ):
                    # واعتقل تامالت في العاصمة: a named person alone after اعتقل is the one
                    # arrested (the unvowelled passive); police and armies arrest, not names
                    c.target, c.source = c.source, []
                    c.has_subject_slot = True
            if e.pos == "noun" and (
                c.source or c.light is not None or (e.label.type == "ASSAULT" and not c.article)
            ):
                _, nested = _scan_forward(view, c.ti, hi, cand_at, verbal)
                for n in nested:
                    nested_of.setdefault(n, c.ti)
        # nested nouns belong to the event that governs them (unless they have a light verb
        # of their own after that event)
        for c in cands:
            g = nested_of.get(c.ti)
            if g is None or c.entry.pos != "noun" or (c.light is not None and c.light > g):
                continue
            c.suppressed = True
            gov = cand_at[g]
            in_pp = c.prep is not None or (
                c.ti > lo and view.toks[c.ti - 1].fw in view.lex.prepositions
            )
            if gov.entry.label.name == c.entry.label.name and not in_pp:
                # فرض عقوبات، وقع اتفاقا: one event
                _merge_args(gov, c.source, c.target)
            elif gov.entry.label.kind == "physical" and c.entry.label.type == gov.entry.label.type:
                if c.ti > lo and view.prep_of(c.ti) == "ل":
                    # انتقام للهجوم الإيراني: the response targets the earlier attacker
                    _merge_args(gov, [], c.source)
                else:
                    # قتل … في غارة لطيران التحالف، بقصف روسي: the strike's actor killed
                    _merge_args(gov, c.source, [])
        # participles, dropped subjects and light verbs without one take the clause's actor
        prev_src: list[str] = []
        for c in cands:
            if c.suppressed:
                continue
            inherits = (
                c.entry.pos != "noun"
                or (
                    c.light is not None
                    and view.toks[c.light].fw not in _PASSIVE_LIGHT
                    and view.toks[c.light].fw not in view.lex.intransitive
                    and view.toks[c.light].key not in view.lex.intransitive
                )
            ) and c.entry.roles.get("subject", "source") == "source"
            if inherits and not c.source and not c.has_subject_slot and c.tense != "passive":
                src = prev_src or _inherit(view, si, last_sources, c.start)
                c.source = [x for x in src if x not in c.target]
                c.inherited = bool(c.source)
            if c.source:
                prev_src = c.source
        # keep
        kept = [c for c in cands if not c.suppressed and _keep(view, c, lo)]
        kept = _fold_protest_violence(kept, cands)
        main = [c for c in kept if not c.circumstantial]
        if main:
            physical = any(c.entry.label.kind == "physical" for c in main)
            kept = [c for c in kept if not c.circumstantial or (c.entry.secondary and not physical)]
        seen_labels: dict[str, _Cand] = {}
        for c in kept:
            modality, c.quote = _modality(view, c, lo, hi, si)
            if c.quote is not None and view.doc.quotes[c.quote].direct:
                # words inside quotation marks: only fully argued events
                if not (_actors(view, c.source) and _actors(view, c.target)):
                    continue
            key = "T:" + c.entry.label.type if c.circumstantial else "L:" + c.entry.label.name
            first = seen_labels.get(key)
            if first is not None and not (
                set(_actors(view, c.source)) - set(first.source)
                or set(_actors(view, c.target)) - set(first.target)
            ):
                continue  # the same event mentioned again in its sentence
            seen_labels.setdefault("L:" + c.entry.label.name, c)
            seen_labels.setdefault("T:" + c.entry.label.type, c)
            events.append((c, si, modality))
            if c.source and (c.entry.pos != "noun" or c.light is not None):
                last_sources.append((si, c.start, c.source))
        if opts.nested:
            for c in cands:
                if (
                    c.suppressed
                    and c.entry.pos == "noun"
                    and (c.source or c.target or c.entry.clear)
                ):
                    gov = cand_at[nested_of[c.ti]]
                    mod = _nested_modality(gov)
                    if mod is None:
                        continue
                    if gov.source and c.light is None:
                        # هددت إيران بمهاجمة إسرائيل: the governor's actor acts, the
                        # genitive is the object
                        src = list(gov.source)
                        c.target = [x for x in (*c.source, *c.target) if x not in src]
                        c.source = src
                    c.quote = _modality(view, c, lo, hi, si)[1]
                    events.append((c, si, mod))
    events.sort(key=lambda x: x[0].start)
    out: list[Event] = []
    for n, (c, si, modality) in enumerate(events, start=1):
        e = c.entry
        if (
            e.person_label is not None
            and c.source
            and not c.inherited
            and all(view.ent_type.get(x) == "PERSON" for x in c.source)
        ):
            # هاجم الوزير الحكومة: a person's attack is verbal
            lab = e.person_label
            e = replace(e, label=lab, mode=lab.mode, cameo=lab.cameo, roles=lab.roles)
        cameo = e.cameo
        if e.label.type == "AID" and _has_weapons(view, c, doc):
            cameo = "072"
        sources = _actors(view, c.source)
        if e.label.type in _AGENT_TYPES and e.label.kind == "physical":
            # في مدينة سجنان استهدفت …: a town does not shoot; it is where
            towns = [x for x in sources if x in view.non_state]
            sources = [x for x in sources if x not in view.non_state]
            if towns and c.location is None:
                c.location = towns[0]
        targets = [t for t in _actors(view, c.target) if t not in sources]
        preferred = [t for t in targets if view.ent_type.get(t) in e.label.target_types]
        if preferred:
            targets = preferred
        out.append(
            Event(
                id=f"V{n}",
                type=e.label.type,
                trigger=doc.span(c.start, c.end),
                source=tuple(sources),
                target=tuple(targets),
                location=(c.location or _location_before(view, c, si))
                if e.label.kind == "physical"
                else None,
                time=_time(view, c, si, modality),
                modality=modality,
                mode=e.mode,
                cameo=cameo,
                quote=c.quote,
                label=e.label.name,
                confidence=_confidence(c),
            )
        )
    return out


def _noun_args(
    view: _DocView, c: _Cand, lo: int, hi: int, cand_at: Mapping[int, _Cand], verbal: bool
) -> None:
    e = c.entry
    light = _find_light(view, c, lo)
    own = _noun_own_source(view, c, hi)
    if e.label.type in ("CONSULT", "PROTEST"):
        # اجتماع تركمانستان، احتجاجات باريس، زيارة إيران: a place after a meeting or protest
        # noun is where it happens (and the place visited)
        for a in [a for a in own if not a.nisba and a.etype in ("GPE", "LOC", "FAC")]:
            own.remove(a)
            if a.eid is not None:
                c.location = c.location or a.eid
                if e.label.name == "VISIT":
                    c.target.append(a.eid)
    gov_src: list[_Arg] = []
    if light is not None:
        c.light = light
        lt = view.toks[light]
        if lt.fw not in _PASSIVE_LIGHT:
            fwd: list[_Arg] = []
            for k in range(light + 1, c.ti):
                m = view.mention_at.get(k)
                if m is not None and view.prep_of(k) is None:
                    fwd.append(_Arg(m.eid, m.etype, None, k, view.conj(k)))
                    continue
                is_n, eid = view.nisba_at(k)
                if is_n and not _title_before_name(view, k, hi):
                    fwd.append(_Arg(eid, "GPE", None, k, False, True))
            gov_src = fwd or _scan_back_subject(view, light, lo)
            if not gov_src:
                c.has_subject_slot = False
    roles = dict(e.roles)
    if gov_src:
        for a in gov_src:
            if a.eid and a.eid not in c.source:
                c.source.append(a.eid)
        if any(a.eid is None for a in gov_src):
            c.has_subject_slot = True
        for a in own:  # with an actor from the light verb, the genitive is the object
            if a.eid and a.eid not in c.source and a.eid not in c.target:
                c.target.append(a.eid)
    else:
        g = e.genitive
        if g == "target" and any(a.ctx == "genitive" and not a.nisba for a in own):
            # اغتيال إسرائيل لـ…: with a ل-phrase after it, the genitive is the agent
            j = max(a.pos for a in own) + 1
            while j < hi and j in view.in_mention:
                j += 1
            if j < hi and view.prep_of(j) == "ل":
                g = "source"
        for a in own:
            if a.eid is None:
                continue
            if (
                e.label.type == "ASSAULT"
                and not a.nisba
                and (a.etype in ("LOC", "FAC") or a.eid in view.non_state)
            ):
                # هجوم برلين، تفجير ديالى: a town after an attack noun is where it was
                c.location = c.location or a.eid
                continue
            role = e.nisba_role if a.nisba else g
            (c.source if role == "source" else c.target).append(a.eid)
    fwd_args, _ = _scan_forward(view, c.ti, hi, cand_at, verbal)
    if (
        e.label.type == "ASSAULT"
        and not view.toks[c.ti].article
        and c.ti + 1 < hi
        and view.prep_of(c.ti + 1) == "ل"
    ):
        # غارة لطيران التحالف، هجوم لمسلحين: after an indefinite attack noun, ل names
        # whose attack it is (قصف إسرائيل لغزة keeps ل for the target)
        fwd_args = [
            _Arg(a.eid, a.etype, "agent", a.pos, a.conj, a.nisba)
            if a.ctx == "ل" and a.pos <= c.ti + 3
            else a
            for a in fwd_args
        ]
    roles_noun = {k: v for k, v in roles.items() if k not in ("subject", "object")}
    own_pos = {a.pos for a in own}
    _assign_preps(
        c, [a for a in fwd_args if a.ctx is not None and a.pos not in own_pos], roles_noun
    )
    prev = view.toks[c.ti - 1] if c.ti - 1 >= lo else None
    if c.prep is not None and prev is not None and prev.fw == "هامش":
        c.circumstantial = True
    if prev is not None and (
        prev.fw in view.lex.circumstantial or prev.key in view.lex.circumstantial
    ):
        c.circumstantial = True


def _fold_protest_violence(kept: list[_Cand], cands: list[_Cand]) -> list[_Cand]:
    """Violence by or against protesters (``أطلقت الشرطة الرصاص على المتظاهرين``,
    ``أصيب عشرات المحتجين``) is part of their protest: the assault folds into one PROTEST
    event anchored on the protesters."""
    crowd = [c for c in cands if c.entry.secondary and c.entry.label.type == "PROTEST"]
    if not crowd:
        return kept
    out: list[_Cand] = []
    folded = False
    for c in kept:
        if c.entry.label.type == "ASSAULT" and any(
            abs(p.ti - c.ti) <= PROTEST_VIOLENCE_WINDOW for p in crowd
        ):
            folded = True
            continue
        out.append(c)
    if folded:
        p = crowd[0]
        p.circumstantial = False  # the protest is now the sentence's event
        p.suppressed = False
        if p not in out:
            out.append(p)
            out.sort(key=lambda x: x.ti)
    return out


def _location_before(view: _DocView, c: _Cand, si: int) -> str | None:
    """A place fronted in the trigger's sentence: ``وفي القاهرة، استقبل …``."""
    sent = view.doc.sentences[si]
    k = c.ti - 1
    while k >= 0 and view.toks[k].tok.start >= sent.start:
        m = view.mention_at.get(k)
        if m is not None and m.eid is not None and m.etype in ("GPE", "LOC", "FAC"):
            before = view.toks[k - 1] if k - 1 >= 0 else None
            if view.prep_of(k) == "ب" or (before is not None and before.fw == "في"):
                return m.eid
        k -= 1
    return None


def _merge_args(c: _Cand, source: Iterable[str], target: Iterable[str]) -> None:
    for x in source:
        if x not in c.source:
            c.source.append(x)
    for x in target:
        if x not in c.target and x not in c.source:
            c.target.append(x)


def _actors(view: _DocView, ids: Iterable[str]) -> list[str]:
    return [x for x in ids if view.ent_type.get(x, "GPE") in _ACTOR_TYPES]


def _assign_preps(c: _Cand, args: list[_Arg], roles: Mapping[str, str]) -> None:
    for a in args:
        if a.eid is None:
            continue
        if a.ctx == "nested":
            role = "target"
        elif a.ctx == "agent":
            role = "source" if c.entry.label.type in _AGENT_TYPES else "ignore"
        else:
            role = roles.get(a.ctx or "", "ignore")
        if (
            role in ("target", "source")
            and a.ctx == "ب"
            and a.etype in _PLACE_TYPES
            and not a.nisba
        ):
            role = "location"
        if role == "source" and a.eid not in c.source:
            c.source.append(a.eid)
        elif role == "target" and a.eid not in c.target and a.eid not in c.source:
            c.target.append(a.eid)
        elif role == "location" and c.location is None and a.etype in ("GPE", "LOC", "FAC"):
            c.location = a.eid


def _inherit(
    view: _DocView, si: int, last: list[tuple[int, int, list[str]]], pos: int
) -> list[str]:
    """The actor of a dropped subject: the most recent verb event's actor or quote speaker
    in the last ``MAX_INHERIT_SENTENCES`` sentences, whichever came later."""
    best: tuple[int, list[str]] | None = None
    for s_i, p, src in reversed(last):
        if si - s_i <= MAX_INHERIT_SENTENCES and p < pos:
            best = (p, list(src))
        break
    # the quote with a known speaker starting last before pos (the first of those starting
    # there), if it is recent enough: sentence indices grow with the start
    k = bisect.bisect_left(view.speaker_starts, pos) - 1
    if k >= 0:
        while k > 0 and view.speaker_starts[k - 1] == view.speaker_starts[k]:
            k -= 1
        q_start, sq, speaker = view.speaker_quotes[k]
        if si - sq <= MAX_INHERIT_SENTENCES and (best is None or q_start > best[0]):
            best = (q_start, [speaker])
    return best[1] if best else []


def _keep(view: _DocView, c: _Cand, lo: int) -> bool:
    e = c.entry
    has_args = bool(c.source or c.target)
    if e.pos == "noun":
        if c.light is not None:
            return True
        in_pp = c.prep is not None or (
            c.ti > lo and view.toks[c.ti - 1].fw in view.lex.prepositions
        )
        if e.secondary:
            c.circumstantial = True
            return True
        if (
            c.article
            and not c.source
            and not (
                e.label.type in _ONGOING_TYPES
                and c.ti > lo
                and view.lex.continuation.match(view.toks[c.ti - 1].bares)
            )
        ):
            return False  # anaphoric: الهجوم (but تواصلت الاحتجاجات reports them going on)
        if in_pp and not (c.source or (e.genitive == "target" and c.target)):
            # an actorless complement (لهجومها على …, أدى إلى مقتل …): background to the
            # sentence's other events, the event itself when there is none
            c.circumstantial = True
            return e.clear
        return has_args or e.clear
    if e.needs_actor and not c.source:
        return False
    return has_args or e.clear


def _prev_words(view: _DocView, c: _Cand, lo: int, n: int) -> list[_T]:
    out: list[_T] = []
    k = c.ti - 1
    while k >= lo and len(out) < n:
        t = view.toks[k]
        if t.punct:
            break
        out.append(t)
        k -= 1
    return out


def _modality(view: _DocView, c: _Cand, lo: int, hi: int, si: int) -> tuple[str, int | None]:
    lex = view.lex
    qi = view.quote_at(c.start)
    before = _prev_words(view, c, lo, 3)
    near_before = before[:2]
    if any(t.fw in lex.negation or t.key in lex.negation for t in near_before):
        return "denied", qi
    if c.entry.pos == "noun" and c.light is not None:
        prev = view.toks[c.light - 1] if c.light - 1 >= lo else None
        if prev is not None and (prev.fw in lex.negation or prev.key in lex.negation):
            return "denied", qi
    wide = _prev_words(view, c, lo, 6)
    if c.light is not None:
        wide += _prev_words(view, _stand_in(c.light, c), lo, 4)
    if any(lex.hypothetical.match((t.fw, t.key)) for t in wide):
        return "hypothetical", qi
    if any(t.fw == "قد" for t in near_before) and c.tense == "present":
        return "hypothetical", qi
    after = [view.toks[k] for k in range(c.ti + 1, min(hi, c.ti + 4)) if not view.toks[k].punct]
    if c.entry.pos == "noun" and any(lex.after_hypothetical.match(t.bares) for t in after):
        return "hypothetical", qi
    if any(lex.threat.match((t.fw, t.key)) for t in before) and c.entry.label.type != "THREATEN":
        return "threatened", qi
    if c.future or any(lex.planned.match((t.fw, t.key)) for t in wide):
        return "planned", qi
    if c.entry.pos == "noun" and any(lex.after_planned.match(t.bares) for t in after[:2]):
        return "planned", qi
    if c.tense == "present" and view.doc.published is not None:
        tv = _time_value(view, c, si)
        if tv is not None and tv[:10] > view.doc.published.isoformat():
            return "planned", qi
    if qi is not None:
        return "reported", qi
    sent = view.doc.sentences[si]
    for k in range(lo, hi):
        t = view.toks[k]
        if t.tok.start >= sent.end:
            break
        if lex.reported.match((t.fw, t.key)):
            return "reported", qi
    return "asserted", qi


def _stand_in(ti: int, c: _Cand) -> _Cand:
    """A stand-in candidate at token ``ti`` (for looking at the words before a light verb)."""
    return _Cand(c.entry, c.tense, ti, c.start, c.end, c.future, False, None)


def _nested_modality(gov: _Cand) -> str | None:
    lab = gov.entry.label
    if lab.type == "THREATEN":
        return "threatened"
    if lab.name == "DENY":
        return "denied"
    if lab.kind == "verbal":
        return "reported"
    return None


def _time_value(view: _DocView, c: _Cand, si: int) -> str | None:
    best: tuple[int, str] | None = None
    for t in view.sentence_times(si):
        v = t.value
        if not v or v.startswith("P") or t.kind == "duration" or t.kind == "set":
            continue
        d = min(abs(t.start - c.end), abs(c.start - t.end))
        if best is None or d < best[0]:
            best = (d, v)
    return best[1] if best else None


def _time(view: _DocView, c: _Cand, si: int, modality: str) -> str | None:
    v = _time_value(view, c, si)
    if v is not None:
        return v
    doc = view.doc
    if (
        doc.published is not None
        and modality == "asserted"
        and (
            (c.entry.pos == "verb" and c.tense == "past")
            or (c.light is not None and view.toks[c.light].fw[:1] not in ("ي", "ت", "ن"))
        )
        and doc.sentences[si].paragraph < NEWS_PEG_PARAGRAPHS
    ):
        return doc.published.isoformat()
    return None


def _has_weapons(view: _DocView, c: _Cand, doc: Document) -> bool:
    for k in range(c.ti + 1, min(len(view.toks), c.ti + 6)):
        if view.toks[k].punct:
            break
        if view.lex.weapons.match(view.toks[k].bares):
            return True
    return any(view.first_type.get(x) == "WEAPON" for x in c.target)


def _confidence(c: _Cand) -> float:
    score = 0.5
    if c.source:
        score += 0.2
    if c.target:
        score += 0.15
    if c.entry.clear:
        score += 0.1
    if c.entry.pos == "noun" and c.light is None:
        score -= 0.1
    return round(max(0.1, min(0.95, score)), 2)


# -- export -----------------------------------------------------------------------------------
def event_rows(doc: Document) -> list[dict[str, Any]]:
    """One flat record per event (for CSV/JSONL export): actors' names, QIDs, type, mode,
    CAMEO, location, time, modality, source article, quote and evidence offsets."""
    rows: list[dict[str, Any]] = []
    info = _actor_info()

    def names(ids: Iterable[str]) -> tuple[str, str, str, str, str]:
        ents = [e for e in (doc.entity(i) for i in ids) if e is not None]
        ar = "; ".join(e.name_ar for e in ents)
        en = "; ".join(e.name_en or "" for e in ents)
        qid = "; ".join(e.wikidata or "" for e in ents)
        facts = [info(e) for e in ents]
        country = "; ".join(f[0] or "" for f in facts)
        sector = "; ".join(f[1] or "" for f in facts)
        return ar, en, qid, country, sector

    for ev in doc.events:
        s_ar, s_en, s_q, s_c, s_s = names(ev.source)
        t_ar, t_en, t_q, t_c, t_s = names(ev.target)
        loc = doc.entity(ev.location) if ev.location else None
        rows.append(
            {
                "article": doc.id,
                "published": doc.published.isoformat() if doc.published else None,
                "event": ev.id,
                "type": ev.type,
                "label": ev.label,
                "mode": ev.mode,
                "cameo": ev.cameo,
                "source": "; ".join(ev.source),
                "source_ar": s_ar,
                "source_en": s_en,
                "source_qid": s_q,
                "source_country": s_c,
                "source_sector": s_s,
                "target": "; ".join(ev.target),
                "target_ar": t_ar,
                "target_en": t_en,
                "target_qid": t_q,
                "target_country": t_c,
                "target_sector": t_s,
                "location": loc.name_ar if loc else None,
                "location_qid": loc.wikidata if loc else None,
                "location_lat": info(loc)[2] if loc else None,
                "location_lon": info(loc)[3] if loc else None,
                "time": ev.time,
                "modality": ev.modality,
                "quote": ev.quote,
                "quantities": "; ".join(
                    f"{q.value} {q.unit or ''}".strip() for q in _attached_quantities(doc, ev)
                ),
                "trigger": ev.trigger.text,
                "start": ev.trigger.start,
                "end": ev.trigger.end,
                "confidence": ev.confidence,
            }
        )
    return rows


def _attached_quantities(doc: Document, ev: Event) -> list[Quantity]:
    """Quantities in the event's sentence within ``QUANTITY_WINDOW`` characters of its
    trigger (``أطلق … نحو 180 صاروخا``, ``اتفاق بقيمة 1.7 مليار دولار``)."""
    sent = doc.sentence_at(ev.trigger.start)
    if sent is None:
        return []
    return [
        q
        for q in doc.quantities
        if sent.start <= q.start
        and q.end <= sent.end
        and q.value is not None
        and min(abs(q.start - ev.trigger.end), abs(ev.trigger.start - q.end)) <= QUANTITY_WINDOW
    ]


#: KB kinds of organisations → actor sector (PLOVER sector codes, in words).
_SECTORS = {
    "armed_group": "rebel",
    "security_body": "military",
    "government_body": "government",
    "ministry": "government",
    "party": "party",
    "international_org": "international",
    "bloc": "international",
    "news_agency": "media",
    "broadcaster": "media",
    "newspaper": "media",
    "company": "business",
    "ngo": "ngo",
}


def _actor_info() -> Callable[[Entity], tuple[str | None, str | None, float | None, float | None]]:
    """(country KB id, sector, lat, lon) of an entity from the knowledge base, when one is
    installed (the entities component's ``marsad.kb``); blanks otherwise."""
    try:
        from marsad.kb import default_kb

        kb: Any = default_kb()
    except Exception:  # no KB: rows without countries
        kb = None

    def info(e: Entity) -> tuple[str | None, str | None, float | None, float | None]:
        entry = kb.get(e.kb_id) if (kb is not None and e.kb_id) else None
        if entry is None:
            return None, None, None, None
        country = entry.id if str(entry.id).startswith("country/") else entry.country
        sector: str | None = _SECTORS.get(entry.kind or "")
        if sector is None and e.type == "GPE":
            sector = "government"
        return country, sector, entry.lat, entry.lon

    return info
