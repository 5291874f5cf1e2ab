"""The corpus: analysed articles kept in an embedded store, searchable in Arabic, with
near-duplicates grouped into stories, events merged across reports, and entity timelines.

    >>> from marsad.store import open_store
    >>> with open_store("marsad.db") as store:          # doctest: +SKIP
    ...     store.ingest([{"text": "...", "url": "https://..."}])
    ...     store.search("طهران", outlet="الجزيرة")
"""

from __future__ import annotations

from marsad.store.base import IngestReport, SearchHit, Store, StoryInfo, TimelineItem
from marsad.store.sqlite import DEFAULT_DB, SQLiteStore, doc_key, entity_key, open_store

__all__ = [
    "DEFAULT_DB",
    "IngestReport",
    "SQLiteStore",
    "SearchHit",
    "Store",
    "StoryInfo",
    "TimelineItem",
    "doc_key",
    "entity_key",
    "open_store",
]
