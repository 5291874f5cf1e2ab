"""The pipeline: components registered by name, each declaring what it requires and assigns.

A component is a factory returning a callable ``Document -> Document``::

    @component("times", requires=("sentences",), assigns=("times",))
    def make_times() -> Callable[[Document], Document]:
        ...

``Pipeline(["segment", "times"])`` checks at build time that every requirement is
assigned by an earlier component (or is a field every document has), and raises E010 if
not. At run time, a component that fails on one document leaves a W001 warning on it and
the document goes on through the rest of the pipeline.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from marsad.errors import MAX_DOCUMENT_CHARS, Code, MarsadError, PipelineError
from marsad.model import Document

Component = Callable[[Document], Document]

#: Fields every document has before any component runs.
BASE_FIELDS = frozenset({"text", "id", "published", "outlet", "url"})

#: The default pipeline, in order. Modules listed in ``_COMPONENT_MODULES`` register them.
DEFAULT_PIPELINE: tuple[str, ...] = (
    "segment",
    "entities",
    "ner",
    "times",
    "quantities",
    "quotes",
    "events",
)

#: Modules imported to register the built-in components.
_COMPONENT_MODULES: tuple[str, ...] = ("marsad.components",)


@dataclass(frozen=True)
class ComponentInfo:
    """A registered component: its name, what it needs and adds, and its factory."""

    name: str
    factory: Callable[..., Component]
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()
    doc: str = ""


_REGISTRY: dict[str, ComponentInfo] = {}


def component(
    name: str, *, requires: Sequence[str] = (), assigns: Sequence[str] = ()
) -> Callable[[Callable[..., Component]], Callable[..., Component]]:
    """Register a component factory under ``name``."""

    def deco(factory: Callable[..., Component]) -> Callable[..., Component]:
        _REGISTRY[name] = ComponentInfo(
            name, factory, tuple(requires), tuple(assigns), (factory.__doc__ or "").strip()
        )
        return factory

    return deco


def registry() -> Mapping[str, ComponentInfo]:
    """All registered components, by name."""
    _load_builtins()
    return dict(_REGISTRY)


def _load_builtins() -> None:
    for mod in _COMPONENT_MODULES:
        importlib.import_module(mod)


def check_pipeline(names: Sequence[str]) -> tuple[str, ...]:
    """Check that every component exists and that each requirement is assigned by an earlier
    component, without building anything (loading no data); E010 if not."""
    _load_builtins()
    have = set(BASE_FIELDS)
    for name in names:
        info = _REGISTRY.get(name)
        if info is None:
            known = ", ".join(sorted(_REGISTRY))
            raise PipelineError(f"unknown component {name!r} (known: {known})")
        missing = [r for r in info.requires if r not in have]
        if missing:
            raise PipelineError(
                f"component {name!r} requires {', '.join(missing)}, "
                "which no earlier component assigns"
            )
        have.update(info.assigns)
    return tuple(names)


@dataclass
class Pipeline:
    """An ordered list of components, built and checked once, applied to many documents."""

    names: Sequence[str] = DEFAULT_PIPELINE
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict, init=False)
    _steps: list[tuple[str, Component]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        for name in check_pipeline(self.names):
            info = _REGISTRY[name]
            self._steps.append((name, info.factory(**dict(self.config.get(name, {})))))
            self.timings[name] = 0.0

    def __call__(self, doc: Document) -> Document:
        for name, step in self._steps:
            t0 = time.perf_counter()
            try:
                doc = step(doc)
            except Exception as exc:  # one component's failure never sinks the document
                doc = doc.warn(Code.W001.value, f"{name}: {type(exc).__name__}: {exc}", name)
            self.timings[name] += time.perf_counter() - t0
        return _check_spans(doc)

    def make_doc(
        self,
        text: str,
        *,
        published: _dt.date | str | None = None,
        outlet: str | None = None,
        url: str | None = None,
        id: str | None = None,
    ) -> Document:
        """Validate the inputs and build an unanalysed document (raises coded errors)."""
        if not isinstance(text, str):
            raise MarsadError(Code.E007, f"text must be a string, not {type(text).__name__}")
        if not text.strip():
            raise MarsadError(Code.E003)
        if len(text) > MAX_DOCUMENT_CHARS:
            raise MarsadError(
                Code.E004, f"{len(text):,} characters > {MAX_DOCUMENT_CHARS:,} (MAX_DOCUMENT_CHARS)"
            )
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise MarsadError(Code.E009, f"at offset {exc.start}") from None
        if "\x00" in text:
            raise MarsadError(Code.E005, "NUL character in text")
        return Document(text=text, id=id, published=parse_date(published), outlet=outlet, url=url)

    def analyze(self, text: str, **fields: Any) -> Document:
        return self(self.make_doc(text, **fields))


def parse_date(value: _dt.date | str | None) -> _dt.date | None:
    """``"2024-10-11"`` (or a datetime string starting with a date) → ``date``; E008 if not."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise MarsadError(Code.E008, f"published must be YYYY-MM-DD, got {value!r}")


def _spans_ok(doc: Document) -> bool:
    """Whether every span matches the text (the common case, checked without building the
    ``where`` labels of :meth:`Document.all_spans`: tokens dominate and are checked inline)."""
    text = doc.text
    n = len(text)
    for t in doc.tokens:
        if not (0 <= t.start <= t.end <= n and text[t.start : t.end] == t.text):
            return False
        for g in t.segments:
            if not (0 <= g.start <= g.end <= n and text[g.start : g.end] == g.text):
                return False
    return all(0 <= s <= e <= n and text[s:e] == t for _, s, e, t in doc.all_spans(tokens=False))


def _check_spans(doc: Document) -> Document:
    """Drop (with W002) any record whose span does not match the text. Should never fire."""
    if _spans_ok(doc):
        return doc
    bad = [
        where
        for where, s, e, t in doc.all_spans()
        if not (0 <= s <= e <= len(doc.text) and doc.text[s:e] == t)
    ]
    if not bad:
        return doc
    warn = doc.warn(Code.W002.value, f"{len(bad)} span(s) dropped: {', '.join(bad[:5])}", "check")

    def ok(s: int, e: int, t: str) -> bool:
        return 0 <= s <= e <= len(doc.text) and doc.text[s:e] == t

    return warn.replace(
        tokens=tuple(t for t in doc.tokens if ok(t.start, t.end, t.text)),
        entities=tuple(
            e
            for e in doc.entities
            if e.mentions and all(ok(m.start, m.end, m.text) for m in e.mentions)
        ),
        times=tuple(x for x in doc.times if ok(x.start, x.end, x.text)),
        quantities=tuple(x for x in doc.quantities if ok(x.start, x.end, x.text)),
        quotes=tuple(x for x in doc.quotes if ok(x.start, x.end, x.text)),
        events=tuple(x for x in doc.events if ok(x.trigger.start, x.trigger.end, x.trigger.text)),
    )


def iter_results(
    pipeline: Pipeline, records: Iterable[Mapping[str, Any] | str]
) -> Iterator[Document | MarsadError]:
    """Analyse records one by one; a bad record yields its error, the rest go on."""
    for rec in records:
        try:
            if isinstance(rec, str):
                yield pipeline.analyze(rec)
            else:
                yield pipeline.analyze(
                    rec.get("text"),  # type: ignore[arg-type]
                    published=rec.get("published"),
                    outlet=rec.get("outlet"),
                    url=rec.get("url"),
                    id=None if rec.get("id") is None else str(rec.get("id")),
                )
        except MarsadError as exc:
            yield exc
