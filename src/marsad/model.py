"""The document model: small, immutable records whose every span indexes the original text.

A :class:`Document` keeps the text exactly as given; every record carries ``start``/``end``
character offsets (0-based, end exclusive) with ``text[start:end] == span.text``.
It serialises to one JSON schema, ``marsad.document/1`` (``schema/document-1.schema.json``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from marsad.normalize import Normalized

SCHEMA = "marsad.document/1"

EntityType = Literal["PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "WEAPON", "EVENT"]
ENTITY_TYPES: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "WEAPON", "EVENT")
Modality = Literal["asserted", "reported", "denied", "planned", "threatened", "hypothetical"]
MODALITIES: tuple[str, ...] = (
    "asserted",
    "reported",
    "denied",
    "planned",
    "threatened",
    "hypothetical",
)
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the original text: ``text[start:end] == self.text``."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence; ``paragraph`` is the index of the paragraph holding it."""

    start: int
    end: int
    paragraph: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "paragraph": self.paragraph}


@dataclass(frozen=True, slots=True)
class Segment:
    """One morpheme of a token: ``role`` is proclitic, article, stem or enclitic.

    ``وطهران`` → ``و`` (proclitic) + ``طهران`` (stem).
    """

    start: int
    end: int
    text: str
    role: Literal["proclitic", "article", "stem", "enclitic"]


@dataclass(frozen=True, slots=True)
class Token:
    """A token with its clitic segmentation.

    ``kind`` is one of ``word`` (Arabic script), ``latin``, ``number``, ``punct``, ``symbol``.
    ``norm`` is the normalised form of the whole token (for matching).
    """

    start: int
    end: int
    text: str
    kind: str
    norm: str
    segments: tuple[Segment, ...] = ()

    @property
    def stem(self) -> Segment | None:
        for s in self.segments:
            if s.role == "stem":
                return s
        return None

    @property
    def host_start(self) -> int:
        """Start of the token without its proclitic conjunctions/prepositions.

        The article ``ال`` stays; for ``لل`` (ل + ال) only the preposition goes:
        ``للحرس`` → ``لحرس`` starts one character in.
        """
        for s in self.segments:
            if s.role != "proclitic":
                return s.start
        return self.start

    @property
    def host_end(self) -> int:
        """End of the token without enclitic pronouns (``بعضهما`` → ``بعض``)."""
        end = self.end
        for s in reversed(self.segments):
            if s.role == "enclitic":
                end = s.start
            else:
                break
        return end

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "segments": [
                {"start": s.start, "end": s.end, "text": s.text, "role": s.role}
                for s in self.segments
            ],
        }


@dataclass(frozen=True, slots=True)
class Entity:
    """A real-world entity and its mentions: ``بوتين`` → Vladimir Putin (Q7747)."""

    id: str
    type: str
    name_ar: str
    mentions: tuple[Span, ...]
    name_en: str | None = None
    kb_id: str | None = None
    wikidata: str | None = None
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "name_ar": self.name_ar,
            "name_en": self.name_en,
            "kb_id": self.kb_id,
            "wikidata": self.wikidata,
            "mentions": [m.to_dict() for m in self.mentions],
        }
        if self.confidence is not None:
            d["confidence"] = self.confidence
        return d


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A time expression and its resolved ISO value: ``الجمعة`` → ``2024-10-11``."""

    start: int
    end: int
    text: str
    value: str | None = None
    relative: bool = False
    kind: str | None = None  # date, month, year, range, duration, time, set, vague
    mod: str | None = None  # START, MID, END (مطلع/منتصف/أواخر), as TIMEX3 mod

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            "relative": self.relative,
        }
        if self.kind is not None:
            d["kind"] = self.kind
        if self.mod is not None:
            d["mod"] = self.mod
        return d


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount or count: ``1.7 مليار دولار`` → 1700000000 USD."""

    start: int
    end: int
    text: str
    value: float | int | None = None
    unit: str | None = None
    approximate: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            "unit": self.unit,
            "approximate": self.approximate,
        }


@dataclass(frozen=True, slots=True)
class Quote:
    """Reported speech: the words, whose they are (``speaker``) and who relayed them (``via``)."""

    start: int
    end: int
    text: str
    speaker: str | None = None
    via: str | None = None
    cue: str | None = None
    direct: bool = True
    speaker_text: str | None = None
    stance: str | None = None  # affirm, warn, deny, accuse, demand, promise, describe
    via_chain: tuple[str, ...] = ()  # relaying outlets, the one the report cites first

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "speaker": self.speaker,
            "via": self.via,
            "cue": self.cue,
            "direct": self.direct,
        }
        if self.speaker_text is not None:
            d["speaker_text"] = self.speaker_text
        if self.stance is not None:
            d["stance"] = self.stance
        if len(self.via_chain) > 1:
            d["via_chain"] = list(self.via_chain)
        return d


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom: a PLOVER-typed event anchored on its trigger word."""

    id: str
    type: str
    trigger: Span
    source: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    location: str | None = None
    time: str | None = None
    modality: str = "asserted"
    mode: str | None = None
    cameo: str | None = None
    quote: int | None = None
    label: str | None = None  # the finer label (MEET, VISIT, PRAISE …)
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "mode": self.mode,
            "cameo": self.cameo,
            "trigger": self.trigger.to_dict(),
            "source": list(self.source),
            "target": list(self.target),
            "location": self.location,
            "time": self.time,
            "modality": self.modality,
            "quote": self.quote,
        }
        if self.label is not None:
            d["label"] = self.label
        if self.confidence is not None:
            d["confidence"] = self.confidence
        return d


@dataclass(frozen=True, slots=True)
class Warning:
    """A coded caveat about one document: ``W003 unbalanced quotation marks``."""

    code: str
    message: str
    step: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "step": self.step}


@dataclass(frozen=True)
class Document:
    """An analysed article. ``text`` is never modified; every offset indexes it.

    Components return new documents (``doc.replace(times=…)``); nothing mutates in place.
    """

    text: str
    id: str | None = None
    published: _dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    paragraphs: tuple[tuple[int, int], ...] = ()
    sentences: tuple[Sentence, ...] = ()
    tokens: tuple[Token, ...] = ()
    entities: tuple[Entity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    warnings: tuple[Warning, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    def replace(self, **changes: Any) -> Document:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def span(self, start: int, end: int) -> Span:
        """The span ``[start, end)`` of the text, with its text filled in."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside text of length {len(self.text)}")
        return Span(start, end, self.text[start:end])

    def warn(self, code: str, message: str, step: str) -> Document:
        """A copy with one more warning."""
        return replace(self, warnings=(*self.warnings, Warning(code, message, step)))

    @cached_property
    def normalized(self) -> Normalized:
        """The normalised view of the text used for matching, with its offset map."""
        from marsad.normalize import normalize

        return normalize(self.text)

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding character ``offset``."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s
        return None

    def entity(self, entity_id: str) -> Entity | None:
        for e in self.entities:
            if e.id == entity_id:
                return e
        return None

    def all_spans(self, *, tokens: bool = True) -> Iterable[tuple[str, int, int, str]]:
        """Every span of the document as ``(where, start, end, text)``, for checking
        (``tokens=False`` leaves out tokens and their segments)."""
        for i, t in enumerate(self.tokens if tokens else ()):
            yield f"tokens[{i}]", t.start, t.end, t.text
            for j, s in enumerate(t.segments):
                yield f"tokens[{i}].segments[{j}]", s.start, s.end, s.text
        for i, e in enumerate(self.entities):
            for j, m in enumerate(e.mentions):
                yield f"entities[{i}].mentions[{j}]", m.start, m.end, m.text
        for name in ("times", "quantities", "quotes"):
            for i, x in enumerate(getattr(self, name)):
                yield f"{name}[{i}]", x.start, x.end, x.text
        for i, ev in enumerate(self.events):
            yield f"events[{i}].trigger", ev.trigger.start, ev.trigger.end, ev.trigger.text

    def to_dict(self, *, tokens: bool = False) -> dict[str, Any]:
        """The ``marsad.document/1`` JSON object (``tokens=True`` adds the token list)."""
        d: dict[str, Any] = {
            "schema": SCHEMA,
            "id": self.id,
            "published": self.published.isoformat() if self.published else None,
            "outlet": self.outlet,
            "url": self.url,
            "text": self.text,
            "sentences": [s.to_dict() for s in self.sentences],
            "entities": [e.to_dict() for e in self.entities],
            "times": [t.to_dict() for t in self.times],
            "quantities": [q.to_dict() for q in self.quantities],
            "quotes": [q.to_dict() for q in self.quotes],
            "events": [e.to_dict() for e in self.events],
            "warnings": [w.to_dict() for w in self.warnings],
        }
        if tokens:
            d["tokens"] = [t.to_dict() for t in self.tokens]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Document:
        """Read a ``marsad.document/1`` object back (tokens are not restored)."""
        if d.get("schema") != SCHEMA:
            raise ValueError(f"not a {SCHEMA} object: schema={d.get('schema')!r}")
        text = d["text"]

        def sp(x: Mapping[str, Any]) -> Span:
            return Span(int(x["start"]), int(x["end"]), str(x["text"]))

        published = d.get("published")
        return cls(
            text=text,
            id=d.get("id"),
            published=_dt.date.fromisoformat(published) if published else None,
            outlet=d.get("outlet"),
            url=d.get("url"),
            sentences=tuple(
                Sentence(s["start"], s["end"], s.get("paragraph", 0))
                for s in d.get("sentences", [])
            ),
            entities=tuple(
                Entity(
                    id=e["id"],
                    type=e["type"],
                    name_ar=e["name_ar"],
                    mentions=tuple(sp(m) for m in e.get("mentions", [])),
                    name_en=e.get("name_en"),
                    kb_id=e.get("kb_id"),
                    wikidata=e.get("wikidata"),
                    confidence=e.get("confidence"),
                )
                for e in d.get("entities", [])
            ),
            times=tuple(
                TimeExpr(
                    t["start"],
                    t["end"],
                    t["text"],
                    t.get("value"),
                    t.get("relative", False),
                    t.get("kind"),
                    t.get("mod"),
                )
                for t in d.get("times", [])
            ),
            quantities=tuple(
                Quantity(
                    q["start"],
                    q["end"],
                    q["text"],
                    q.get("value"),
                    q.get("unit"),
                    q.get("approximate", False),
                )
                for q in d.get("quantities", [])
            ),
            quotes=tuple(
                Quote(
                    q["start"],
                    q["end"],
                    q["text"],
                    q.get("speaker"),
                    q.get("via"),
                    q.get("cue"),
                    q.get("direct", True),
                    q.get("speaker_text"),
                    q.get("stance"),
                    tuple(q.get("via_chain", ())),
                )
                for q in d.get("quotes", [])
            ),
            events=tuple(
                Event(
                    id=v["id"],
                    type=v["type"],
                    trigger=sp(v["trigger"]),
                    source=tuple(v.get("source", [])),
                    target=tuple(v.get("target", [])),
                    location=v.get("location"),
                    time=v.get("time"),
                    modality=v.get("modality", "asserted"),
                    mode=v.get("mode"),
                    cameo=v.get("cameo"),
                    quote=v.get("quote"),
                    label=v.get("label"),
                    confidence=v.get("confidence"),
                )
                for v in d.get("events", [])
            ),
            warnings=tuple(
                Warning(w["code"], w["message"], w["step"]) for w in d.get("warnings", [])
            ),
        )
