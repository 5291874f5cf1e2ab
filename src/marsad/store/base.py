"""The store interface: what any corpus back end (SQLite now, a server database later) offers.

Records coming back are plain dataclasses so the CLI and callers never see SQL rows.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from marsad.errors import MarsadError
from marsad.model import Document


@dataclass
class IngestReport:
    """What one ``ingest`` call did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    errors: list[MarsadError] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.added + self.updated + self.unchanged + self.failed


@dataclass(frozen=True)
class SearchHit:
    """One document found by :meth:`Store.search`."""

    doc: int
    url: str | None
    outlet: str | None
    published: str | None
    title: str
    snippet: str
    score: float


@dataclass(frozen=True)
class StoryInfo:
    """Near-duplicate articles grouped as one story."""

    id: int
    title: str
    first_published: str | None
    n_docs: int
    n_outlets: int
    n_reprints: int
    n_independent: int
    docs: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class TimelineItem:
    """One dated fact about an entity: an event it took part in, or something it said."""

    date: str | None
    kind: str  # event | quote
    role: str  # source | target | speaker
    type: str  # PLOVER type for events, stance (or "quote") for quotes
    text: str
    others: tuple[str, ...]
    doc: int
    outlet: str | None
    url: str | None
    modality: str | None = None
    merged: int | None = None


#: Called with each record's outcome: (status, source, error or None); status is
#: ``added``, ``updated``, ``unchanged`` or ``failed``.
Progress = Callable[[str, str, MarsadError | None], None]


class Store(abc.ABC):
    """A corpus of analysed documents with cross-document analysis."""

    @abc.abstractmethod
    def ingest(
        self,
        records: Iterable[Mapping[str, Any] | MarsadError],
        *,
        on_record: Progress | None = None,
        jobs: int = 1,
    ) -> IngestReport:
        """Analyse (in ``jobs`` processes) and store records (dicts with ``text``, ``url``,
        ``published``, ``outlet``, ``id``); an error item or a failing record is reported and
        skipped."""

    @abc.abstractmethod
    def add(self, doc: Document) -> str:
        """Store an already analysed document; returns ``added``/``updated``/``unchanged``."""

    @abc.abstractmethod
    def get(self, doc: int) -> Document | None:
        """A stored document, read back from its JSON."""

    @abc.abstractmethod
    def count(self) -> int:
        """Number of stored documents."""

    @abc.abstractmethod
    def doc_ids(self) -> list[int]:
        """Ids of the stored documents, in insertion order."""

    @abc.abstractmethod
    def entity_keys(self, entity: str) -> set[str]:
        """The entity keys (KB ids, or ``name:`` + normalised name) a KB id, Wikidata id,
        Arabic or English name refers to in this corpus."""

    @abc.abstractmethod
    def refresh(self, *, force: bool = False) -> None:
        """Recompute stories and merged events if documents changed since the last time."""

    @abc.abstractmethod
    def story_of(self, doc: int) -> int | None:
        """The story (near-duplicate group) holding a document, if any."""

    @abc.abstractmethod
    def search(
        self,
        query: str = "",
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        outlet: str | None = None,
        entity: str | None = None,
        event_type: str | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Full-text search over the normalised text, with filters."""

    @abc.abstractmethod
    def stories(self, *, min_docs: int = 2) -> list[StoryInfo]:
        """Near-duplicate groups (computed on demand if the corpus changed)."""

    @abc.abstractmethod
    def merged_events(self) -> list[dict[str, Any]]:
        """Events merged across reports, each with its reports."""

    @abc.abstractmethod
    def timeline(self, entity: str) -> list[TimelineItem]:
        """Events and quotes of one entity (KB id or name), in date order."""

    @abc.abstractmethod
    def cooccurrence(self, *, limit: int = 100) -> list[dict[str, Any]]:
        """Entity pairs and the number of documents mentioning both."""

    @abc.abstractmethod
    def relations(self, entity: str | None = None) -> list[dict[str, Any]]:
        """Actor-to-actor event counts by type and month (merged events counted once)."""

    @abc.abstractmethod
    def export(self, what: str) -> Iterator[dict[str, Any]]:
        """Flat rows of ``events``, ``quotes``, ``entities``, ``relations`` or ``stories``."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the back end."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
