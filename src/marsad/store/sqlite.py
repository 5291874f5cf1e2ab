"""The SQLite store: one file (``marsad.db``), WAL journal, numbered schema migrations.

Every document is written inside its own savepoint, and committed every ``commit_every``
documents (1 by default), so a killed ingest loses nothing it had committed and a re-run skips
what is already there (same key, same content hash) and finishes the rest.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import re
import sqlite3
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from marsad.errors import Code, MarsadError
from marsad.model import Document, Entity
from marsad.normalize import normalize, normalize_key
from marsad.pipeline import Pipeline
from marsad.store import dedup
from marsad.store.base import (
    IngestReport,
    Progress,
    SearchHit,
    Store,
    StoryInfo,
    TimelineItem,
)
from marsad.store.merge import Report, merge
from marsad.store.textindex import (
    fts_query,
    index_text,
    normalize_query_words,
    phrase_query,
    shingles,
)

DEFAULT_DB = "marsad.db"
#: Longest sentence kept with an event (characters).
MAX_SENTENCE_CHARS = 400
#: Characters of context on each side of a search snippet.
SNIPPET_CONTEXT = 70
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")

#: Numbered migrations, applied in order at open; each runs in one transaction.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,            -- the URL, else sha256:<content hash>
    doc_id TEXT,
    url TEXT,
    content_hash TEXT NOT NULL,
    outlet TEXT,
    outlet_key TEXT,
    published TEXT,
    title TEXT,
    text TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    ingested TEXT NOT NULL,
    updated TEXT NOT NULL,
    json TEXT NOT NULL,                  -- marsad.document/1 without "text" (kept above)
    minhash BLOB
);
CREATE INDEX documents_hash ON documents(content_hash);
CREATE INDEX documents_published ON documents(published);
CREATE INDEX documents_outlet ON documents(outlet_key);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL,
    local_id TEXT NOT NULL,
    key TEXT NOT NULL,                   -- KB id, else name:<normalised Arabic name>
    kb_id TEXT,
    wikidata TEXT,
    type TEXT,
    name_ar TEXT,
    name_en TEXT,
    name_key TEXT,
    n_mentions INTEGER NOT NULL DEFAULT 0,
    UNIQUE (doc, local_id)
);
CREATE INDEX entities_key ON entities(key);
CREATE INDEX entities_kb ON entities(kb_id);
CREATE INDEX entities_name ON entities(name_key);
CREATE TABLE mentions (
    doc INTEGER NOT NULL,
    entity INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    key TEXT
);
CREATE INDEX mentions_doc ON mentions(doc);
CREATE INDEX mentions_key ON mentions(key);
CREATE TABLE times (
    doc INTEGER NOT NULL, start INTEGER, "end" INTEGER, text TEXT, value TEXT, kind TEXT,
    relative INTEGER
);
CREATE INDEX times_doc ON times(doc);
CREATE TABLE quantities (
    doc INTEGER NOT NULL, start INTEGER, "end" INTEGER, text TEXT, value REAL, unit TEXT,
    approximate INTEGER
);
CREATE INDEX quantities_doc ON quantities(doc);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    start INTEGER, "end" INTEGER, text TEXT,
    speaker TEXT, speaker_key TEXT, speaker_name TEXT,
    via TEXT, via_key TEXT, via_name TEXT,
    cue TEXT, direct INTEGER, stance TEXT, date TEXT
);
CREATE INDEX quotes_doc ON quotes(doc);
CREATE INDEX quotes_speaker ON quotes(speaker_key);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    doc INTEGER NOT NULL,
    local_id TEXT,
    type TEXT NOT NULL,
    label TEXT, mode TEXT, cameo TEXT,
    trigger_start INTEGER, trigger_end INTEGER, trigger_text TEXT,
    sentence TEXT,
    location TEXT, location_name TEXT,
    time TEXT,
    date TEXT,                           -- resolved time, else the publication date
    modality TEXT, quote INTEGER, confidence REAL,
    merged INTEGER
);
CREATE INDEX events_doc ON events(doc);
CREATE INDEX events_type ON events(type);
CREATE INDEX events_merged ON events(merged);
CREATE TABLE event_actors (
    event INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    role TEXT NOT NULL,                  -- source | target
    key TEXT NOT NULL,
    name TEXT
);
CREATE INDEX event_actors_event ON event_actors(event);
CREATE INDEX event_actors_key ON event_actors(key);
CREATE INDEX event_actors_doc ON event_actors(doc);
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    title TEXT,
    first_published TEXT,
    n_docs INTEGER, n_outlets INTEGER, n_reprints INTEGER, n_independent INTEGER
);
CREATE TABLE story_docs (
    story INTEGER NOT NULL,
    doc INTEGER NOT NULL PRIMARY KEY,
    similarity REAL,                     -- to the story's first report
    reprint INTEGER NOT NULL
);
CREATE TABLE merged_events (
    id INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    date_first TEXT, date_last TEXT,
    location TEXT,
    n_reports INTEGER, n_docs INTEGER, n_outlets INTEGER
);
CREATE VIRTUAL TABLE doc_fts USING fts5(
    surface, host, stem, tokenize = 'unicode61 remove_diacritics 0'
);
""",
    ),
    (
        2,
        # the index columns move to a compressed column; the FTS table becomes contentless
        # (a third of the store's size); _fts_contentless fills both from the old table
        """
ALTER TABLE documents ADD COLUMN index_z BLOB;  -- zlib JSON [surface, host, stem]
CREATE TEMP TABLE fts_rows AS SELECT rowid AS id, surface, host, stem FROM doc_fts;
DROP TABLE doc_fts;
CREATE VIRTUAL TABLE doc_fts USING fts5(
    surface, host, stem, content = '', tokenize = 'unicode61 remove_diacritics 0'
);
""",
    ),
)


def _fts_contentless(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT id, surface, host, stem FROM temp.fts_rows").fetchall()
    for did, surface, host, stem in rows:
        db.execute(
            "UPDATE documents SET index_z = ? WHERE id = ?",
            (_pack_index(surface, host, stem), did),
        )
        db.execute(
            "INSERT INTO doc_fts (rowid, surface, host, stem) VALUES (?, ?, ?, ?)",
            (did, surface, host, stem),
        )
    db.execute("DROP TABLE temp.fts_rows")


#: Python steps run after a migration's SQL, in the same transaction.
MIGRATION_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _fts_contentless}


def _pack_index(surface: str, host: str, stem: str) -> bytes:
    return zlib.compress(json.dumps([surface, host, stem], ensure_ascii=False).encode(), 6)


def _unpack_index(blob: bytes) -> tuple[str, str, str]:
    surface, host, stem = json.loads(zlib.decompress(blob).decode())
    return str(surface), str(host), str(stem)


_CHILD_TABLES = ("mentions", "entities", "times", "quantities", "quotes", "event_actors", "events")


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_url(url: str) -> str:
    """The URL as a key: percent-decoded, scheme and host lower-cased, no fragment, no
    trailing slash (``…/%D8%AA%D9%88…`` and ``…/تو…`` are one article)."""
    u = url.strip()
    for _ in range(3):
        d = unquote(u)
        if d == u:
            break
        u = d
    p = urlsplit(u)
    if not p.scheme or not p.netloc:
        return u
    path = p.path.rstrip("/") or "/"
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), path, p.query, ""))


def doc_key(url: str | None, text: str) -> str:
    """The identity of an article: its (canonical) URL when it has one, else its content
    hash."""
    if url and url.strip():
        return canonical_url(url)
    return "sha256:" + content_hash(text)


def entity_key(e: Entity) -> str:
    """An entity across documents: its KB id, else its normalised Arabic name."""
    return e.kb_id or "name:" + normalize_key(e.name_ar)


@functools.cache
def _validator() -> Pipeline:
    """An empty pipeline: checks inputs and builds documents without loading any model."""
    return Pipeline([])


def _source(rec: Mapping[str, Any]) -> str:
    return str(rec.get("source") or rec.get("id") or rec.get("url") or "-")


def _title(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


def _event_date(time: str | None, published: str | None) -> str | None:
    if time and _ISO_DATE.match(time):
        return time[:10]
    return published


def _parse_date(s: str | None) -> _dt.date | None:
    if not s:
        return None
    try:
        return _dt.date.fromisoformat(s[:10])
    except ValueError:
        return None


class SQLiteStore(Store):
    """The corpus in one SQLite file.

    ``pipeline`` is a :class:`~marsad.pipeline.Pipeline`, a list of component names, or
    ``None`` for the default pipeline (built when the first document needs analysis).
    """

    def __init__(
        self,
        path: str | Path = DEFAULT_DB,
        *,
        pipeline: Pipeline | Sequence[str] | None = None,
        commit_every: int = 1,
    ) -> None:
        self.path = str(path)
        self.commit_every = max(1, commit_every)
        self._pipeline_spec = pipeline
        self._pipeline: Pipeline | None = pipeline if isinstance(pipeline, Pipeline) else None
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=30000")
            self._migrate()
        except sqlite3.Error as exc:
            raise MarsadError(Code.E013, str(exc), source=self.path) from None

    # --- schema -------------------------------------------------------------------------

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self.db.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = row[0] or 0
        if current > MIGRATIONS[-1][0]:
            raise MarsadError(
                Code.E013,
                f"schema version {current} is newer than this marsad ({MIGRATIONS[-1][0]})",
                source=self.path,
            )
        for version, script in MIGRATIONS:
            if version <= current:
                continue
            self.db.executescript(f"BEGIN IMMEDIATE;\n{script}")
            try:
                step = MIGRATION_STEPS.get(version)
                if step is not None:
                    step(self.db)
                self.db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        if self._minhash_scheme() is None and not self.count():
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('minhash_scheme', ?)",
                (str(dedup.SCHEME),),
            )

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    # --- writing ------------------------------------------------------------------------

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            from marsad.pipeline import DEFAULT_PIPELINE

            spec = self._pipeline_spec
            names = DEFAULT_PIPELINE if spec is None or isinstance(spec, Pipeline) else spec
            self._pipeline = Pipeline(list(names))
        return self._pipeline

    def _existing(self, key: str) -> tuple[int, str] | None:
        row = self.db.execute(
            "SELECT id, content_hash FROM documents WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def ingest(
        self,
        records: Iterable[Mapping[str, Any] | MarsadError],
        *,
        on_record: Progress | None = None,
        jobs: int = 1,
    ) -> IngestReport:
        """Analyse and store records; ``jobs > 1`` analyses in that many worker processes
        (``marsad.pipe``'s pool; the default pipeline only)."""
        report = IngestReport()
        pending = 0

        def done(status: str, source: str, err: MarsadError | None = None) -> None:
            setattr(report, status, getattr(report, status) + 1)
            if err is not None:
                report.errors.append(err)
            if on_record is not None:
                on_record(status, source, err)

        def to_analyse() -> Iterator[tuple[Mapping[str, Any], Document, str]]:
            """Records needing analysis; errors and unchanged records are reported here."""
            for rec in records:
                if isinstance(rec, MarsadError):
                    done("failed", rec.source or "-", rec)
                    continue
                source = _source(rec)
                try:
                    doc = self._make_doc(rec)
                except MarsadError as exc:
                    exc.source = exc.source or source
                    done("failed", source, exc)
                    continue
                key = doc_key(doc.url, doc.text)
                old = self._existing(key)
                if old is not None and old[1] == content_hash(doc.text):
                    done("unchanged", source)
                    continue
                yield rec, doc, key

        def analysed() -> Iterator[tuple[Mapping[str, Any], Document | MarsadError, str]]:
            if jobs <= 1 or not self._default_pipeline():
                for rec, doc, key in to_analyse():
                    yield rec, self.pipeline(doc), key
                return
            from marsad._parallel import imap_records

            keys: dict[int, str] = {}

            def feed() -> Iterator[Mapping[str, Any]]:
                for rec, _doc, key in to_analyse():
                    keys[id(rec)] = key
                    yield rec

            for item, res in imap_records(feed(), n_process=jobs, batch_size=8):
                assert not isinstance(item, str)
                yield item, res, keys.pop(id(item))

        try:
            for rec, res, key in analysed():
                source = _source(rec)
                if isinstance(res, MarsadError):
                    res.source = res.source or source
                    done("failed", source, res)
                    continue
                doc = res
                for code, msg in rec.get("warnings", ()) or ():
                    doc = doc.warn(str(code), str(msg), "input")
                try:
                    status = self._write(doc, key, in_batch=pending > 0)
                except MarsadError as exc:
                    exc.source = exc.source or source
                    done("failed", source, exc)
                    continue
                if status != "unchanged":
                    pending += 1
                    if pending >= self.commit_every:
                        self.db.execute("COMMIT")
                        pending = 0
                done(status, source)
        finally:
            if self.db.in_transaction:
                self.db.execute("COMMIT")
        return report

    def _default_pipeline(self) -> bool:
        from marsad.pipeline import DEFAULT_PIPELINE

        spec = self._pipeline_spec
        if isinstance(spec, Pipeline):
            return tuple(spec.names) == tuple(DEFAULT_PIPELINE) and not spec.config
        return spec is None or tuple(spec) == tuple(DEFAULT_PIPELINE)

    def _make_doc(self, rec: Mapping[str, Any]) -> Document:
        url = rec.get("url")
        return _validator().make_doc(
            rec.get("text"),  # type: ignore[arg-type]
            published=rec.get("published"),
            outlet=rec.get("outlet"),
            url=None if url is None else str(url),
            id=None if rec.get("id") is None else str(rec.get("id")),
        )

    def add(self, doc: Document) -> str:
        try:
            return self._write(doc, doc_key(doc.url, doc.text), in_batch=False)
        finally:
            if self.db.in_transaction:  # what was written (nothing, on failure)
                self.db.execute("COMMIT")

    def _write(self, doc: Document, key: str, *, in_batch: bool) -> str:
        """Write one document and its extractions (``unchanged`` if it is already there with
        the same text); on failure nothing of it stays."""
        if not in_batch:
            self.db.execute("BEGIN IMMEDIATE")
        old = self._existing(key)
        if old is not None and old[1] == content_hash(doc.text):
            if not in_batch:
                self.db.execute("COMMIT")
            return "unchanged"
        self.db.execute("SAVEPOINT doc")
        try:
            status = self._write_rows(doc, key, old)
        except (ValueError, TypeError, KeyError, sqlite3.IntegrityError) as exc:
            self.db.execute("ROLLBACK TO doc")
            self.db.execute("RELEASE doc")
            if not in_batch:
                self.db.execute("COMMIT")
            raise MarsadError(Code.E013, f"{type(exc).__name__}: {exc}") from None
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK TO doc")
                self.db.execute("RELEASE doc")
            raise
        self.db.execute("RELEASE doc")
        return status

    def _write_rows(self, doc: Document, key: str, old: tuple[int, str] | None) -> str:
        db = self.db
        now = _now()
        published = doc.published.isoformat() if doc.published else None
        d = doc.to_dict()
        d.pop("text", None)
        blob = json.dumps(d, ensure_ascii=False, separators=(",", ":"))
        idx = index_text(doc)
        sig = dedup.signature(shingles(idx.stems()))
        sig_blob = dedup.pack(sig) if sig is not None else None
        outlet_key = normalize_key(doc.outlet).lower() if doc.outlet else None
        values = (
            doc.id,
            doc.url,
            content_hash(doc.text),
            doc.outlet,
            outlet_key,
            published,
            _title(doc.text),
            doc.text,
            now,
            blob,
            sig_blob,
            _pack_index(idx.surface, idx.host, idx.stem),
        )
        if old is not None:
            did = old[0]
            for table in _CHILD_TABLES:
                db.execute(f"DELETE FROM {table} WHERE doc = ?", (did,))
            row = db.execute("SELECT index_z FROM documents WHERE id = ?", (did,)).fetchone()
            if row is not None and row[0] is not None:
                # a contentless index forgets a row given the values it was indexed with
                db.execute(
                    "INSERT INTO doc_fts (doc_fts, rowid, surface, host, stem) "
                    "VALUES ('delete', ?, ?, ?, ?)",
                    (did, *_unpack_index(row[0])),
                )
            db.execute(
                "UPDATE documents SET doc_id=?, url=?, content_hash=?, outlet=?, outlet_key=?, "
                "published=?, title=?, text=?, updated=?, json=?, minhash=?, index_z=?, "
                "version = version + 1 WHERE id = ?",
                (*values, did),
            )
            status = "updated"
        else:
            cur = db.execute(
                "INSERT INTO documents (doc_id, url, content_hash, outlet, outlet_key, "
                "published, title, text, updated, json, minhash, index_z, key, ingested) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, key, now),
            )
            assert cur.lastrowid is not None
            did = cur.lastrowid
            status = "added"
        db.execute(
            "INSERT INTO doc_fts (rowid, surface, host, stem) VALUES (?, ?, ?, ?)",
            (did, idx.surface, idx.host, idx.stem),
        )
        self._write_extractions(did, doc, published)
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('derived_stale', '1')")
        return status

    def _write_extractions(self, did: int, doc: Document, published: str | None) -> None:
        db = self.db
        keys: dict[str, str] = {}
        names: dict[str, str] = {}
        for e in doc.entities:
            k = entity_key(e)
            keys[e.id] = k
            names[e.id] = e.name_ar
            cur = db.execute(
                "INSERT INTO entities (doc, local_id, key, kb_id, wikidata, type, name_ar, "
                "name_en, name_key, n_mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    did,
                    e.id,
                    k,
                    e.kb_id,
                    e.wikidata,
                    e.type,
                    e.name_ar,
                    e.name_en,
                    normalize_key(e.name_ar),
                    len(e.mentions),
                ),
            )
            eid = cur.lastrowid
            db.executemany(
                'INSERT INTO mentions (doc, entity, start, "end", text, key) '
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(did, eid, m.start, m.end, m.text, normalize_key(m.text)) for m in e.mentions],
            )
        db.executemany(
            'INSERT INTO times (doc, start, "end", text, value, kind, relative) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(did, t.start, t.end, t.text, t.value, t.kind, int(t.relative)) for t in doc.times],
        )
        db.executemany(
            'INSERT INTO quantities (doc, start, "end", text, value, unit, approximate) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (did, q.start, q.end, q.text, q.value, q.unit, int(q.approximate))
                for q in doc.quantities
            ],
        )

        def key_of(ref: str | None) -> str | None:
            if ref is None:
                return None
            return keys.get(ref) or "name:" + normalize_key(ref)

        def name_of(ref: str | None) -> str | None:
            if ref is None:
                return None
            return names.get(ref, ref)

        db.executemany(
            'INSERT INTO quotes (doc, idx, start, "end", text, speaker, speaker_key, '
            "speaker_name, via, via_key, via_name, cue, direct, stance, date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    did,
                    i,
                    q.start,
                    q.end,
                    q.text,
                    q.speaker,
                    key_of(q.speaker),
                    q.speaker_text or name_of(q.speaker),
                    q.via,
                    key_of(q.via),
                    name_of(q.via),
                    q.cue,
                    int(q.direct),
                    q.stance,
                    published,
                )
                for i, q in enumerate(doc.quotes)
            ],
        )
        for ev in doc.events:
            sent = doc.sentence_at(ev.trigger.start)
            sentence = doc.text[sent.start : sent.end][:MAX_SENTENCE_CHARS] if sent else None
            cur = db.execute(
                "INSERT INTO events (doc, local_id, type, label, mode, cameo, trigger_start, "
                "trigger_end, trigger_text, sentence, location, location_name, time, date, "
                "modality, quote, confidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    did,
                    ev.id,
                    ev.type,
                    ev.label,
                    ev.mode,
                    ev.cameo,
                    ev.trigger.start,
                    ev.trigger.end,
                    ev.trigger.text,
                    sentence,
                    key_of(ev.location),
                    name_of(ev.location),
                    ev.time,
                    _event_date(ev.time, published),
                    ev.modality,
                    ev.quote,
                    ev.confidence,
                ),
            )
            vid = cur.lastrowid
            rows: list[tuple[int | None, int, str, str, str | None]] = []
            for role, refs in (("source", ev.source), ("target", ev.target)):
                for ref in dict.fromkeys(refs):
                    akey = key_of(ref)
                    assert akey is not None
                    rows.append((vid, did, role, akey, name_of(ref)))
            db.executemany(
                "INSERT INTO event_actors (event, doc, role, key, name) VALUES (?, ?, ?, ?, ?)",
                rows,
            )

    # --- reading ------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def get(self, doc: int) -> Document | None:
        row = self.db.execute("SELECT text, json FROM documents WHERE id = ?", (doc,)).fetchone()
        if row is None:
            return None
        d = json.loads(row[1])
        d["text"] = row[0]
        return Document.from_dict(d)

    def doc_ids(self) -> list[int]:
        return [int(r[0]) for r in self.db.execute("SELECT id FROM documents ORDER BY id")]

    def entity_keys(self, entity: str) -> set[str]:
        """Entity keys (KB ids or ``name:…``) that ``entity`` — a KB id, Wikidata id, Arabic
        or English name — refers to in this corpus."""
        q = entity.strip()
        keys: set[str] = {q} if q else set()
        nk = normalize_key(q)
        if nk:
            keys.add("name:" + nk)
        db = self.db
        for (k,) in db.execute(
            "SELECT DISTINCT key FROM entities WHERE kb_id = ? OR wikidata = ? OR name_key = ? "
            "OR lower(name_en) = lower(?)",
            (q, q, nk, q),
        ):
            keys.add(k)
        if nk and "/" not in q:
            from marsad.kb import default_kb

            try:
                keys.update(e.id for e in default_kb().lookup(q))
            except (OSError, ValueError):  # no KB data: names still match the corpus
                pass
        for (k,) in db.execute(
            "SELECT DISTINCT e.key FROM mentions m JOIN entities e ON e.id = m.entity "
            "WHERE m.key = ?",
            (nk,),
        ):
            keys.add(k)
        return keys

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
        where: list[str] = []
        args: list[Any] = []
        if date_from:
            where.append("d.published >= ?")
            args.append(date_from[:10])
        if date_to:
            where.append("d.published <= ?")
            args.append(date_to[:10])
        if outlet:
            where.append("d.outlet_key = ?")
            args.append(normalize_key(outlet).lower())
        if entity:
            keys = sorted(self.entity_keys(entity))
            marks = ",".join("?" * len(keys))
            where.append(f"d.id IN (SELECT doc FROM entities WHERE key IN ({marks}))")
            args.extend(keys)
        if event_type:
            where.append("d.id IN (SELECT doc FROM events WHERE type = ? OR label = ?)")
            args.extend([event_type.upper(), event_type.upper()])
        match = fts_query(query) if query.strip() else None
        if query.strip() and match is None:
            return []
        cond = (" AND " + " AND ".join(where)) if where else ""
        rows: list[tuple[Any, ...]] = []
        try:
            if match is not None:
                sql = (
                    "SELECT d.id, d.url, d.outlet, d.published, d.title, d.text, "
                    "bm25(doc_fts) AS s FROM doc_fts JOIN documents d ON d.id = doc_fts.rowid "
                    f"WHERE doc_fts MATCH ?{cond} ORDER BY s LIMIT ?"
                )
                # the words as a phrase first, then the documents having them all anywhere
                phrase = phrase_query(query)
                seen: set[int] = set()
                for m in (phrase, match) if phrase else (match,):
                    for r in self.db.execute(sql, [m, *args, limit]):
                        if r[0] not in seen and len(rows) < limit:
                            seen.add(r[0])
                            rows.append(r)
            else:
                sql = (
                    "SELECT d.id, d.url, d.outlet, d.published, d.title, d.text, 0.0 "
                    f"FROM documents d WHERE 1{cond} ORDER BY d.published DESC, d.id LIMIT ?"
                )
                rows = self.db.execute(sql, [*args, limit]).fetchall()
        except sqlite3.OperationalError as exc:
            raise MarsadError(Code.E012, f"search query: {exc}") from None
        words = [w.rstrip("*") for w in normalize_query_words(query)]
        return [
            SearchHit(
                doc=r[0],
                url=r[1],
                outlet=r[2],
                published=r[3],
                title=r[4],
                snippet=_snippet(r[5], words),
                score=-float(r[6]),
            )
            for r in rows
        ]

    # --- cross-document analysis ---------------------------------------------------------

    def _stale(self) -> bool:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'derived_stale'").fetchone()
        return row is not None and row[0] == "1"

    def refresh(self, *, force: bool = False) -> None:
        """Recompute stories and merged events if documents changed since the last time."""
        if not force and not self._stale():
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._compute_stories()
            self._compute_merged_events()
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('derived_stale', '0')"
            )
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _minhash_scheme(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'minhash_scheme'").fetchone()
        return None if row is None else str(row[0])

    def _rehash(self) -> None:
        """Recompute every stored MinHash signature (from the stored index forms) when they
        were made by another scheme; the first documents of a new store need nothing."""
        db = self.db
        if self._minhash_scheme() != str(dedup.SCHEME):
            for did, index_z in db.execute("SELECT id, index_z FROM documents").fetchall():
                sig = None
                if index_z is not None:
                    sig = dedup.signature(shingles(_unpack_index(index_z)[2].split()))
                db.execute(
                    "UPDATE documents SET minhash = ? WHERE id = ?",
                    (None if sig is None else dedup.pack(sig), did),
                )
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('minhash_scheme', ?)",
                (str(dedup.SCHEME),),
            )

    def _compute_stories(self) -> None:
        db = self.db
        self._rehash()
        db.execute("DELETE FROM story_docs")
        db.execute("DELETE FROM stories")
        sigs: dict[int, tuple[int, ...]] = {}
        meta: dict[int, tuple[str | None, str | None, str]] = {}
        for did, blob, published, outlet_key, title in db.execute(
            "SELECT id, minhash, published, outlet_key, title FROM documents"
        ):
            if blob is not None:
                sigs[did] = dedup.unpack(blob)
            meta[did] = (published, outlet_key, title or "")
        for edges in dedup.group(sigs):
            members = sorted(
                {d for e in edges for d in e[:2]}, key=lambda d: (meta[d][0] or "9999", d)
            )
            first = members[0]
            sims = {d: dedup.similarity(sigs[first], sigs[d]) for d in members}
            reprints = {d for d in members[1:] if sims[d] >= dedup.REPRINT_MIN_SIMILARITY}
            outlets = {meta[d][1] or f"#{d}" for d in members}
            cur = db.execute(
                "INSERT INTO stories (title, first_published, n_docs, n_outlets, n_reprints, "
                "n_independent) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    meta[first][2],
                    meta[first][0],
                    len(members),
                    len(outlets),
                    len(reprints),
                    len(members) - len(reprints),
                ),
            )
            sid = cur.lastrowid
            db.executemany(
                "INSERT INTO story_docs (story, doc, similarity, reprint) VALUES (?, ?, ?, ?)",
                [(sid, d, sims[d], int(d in reprints)) for d in members],
            )

    def _compute_merged_events(self) -> None:
        db = self.db
        db.execute("UPDATE events SET merged = NULL")
        db.execute("DELETE FROM merged_events")
        actors: dict[int, dict[str, set[str]]] = defaultdict(
            lambda: {"source": set(), "target": set()}
        )
        for event, role, key in db.execute("SELECT event, role, key FROM event_actors"):
            actors[event][role].add(key)
        places = frozenset(
            k
            for (k,) in db.execute("SELECT DISTINCT key FROM entities WHERE type IN ('GPE', 'LOC')")
        )
        reports: list[Report] = []
        info: dict[int, tuple[str | None, int, str | None]] = {}
        for vid, typ, date, location, doc, outlet_key, story in db.execute(
            "SELECT e.id, e.type, e.date, e.location, e.doc, d.outlet_key, s.story "
            "FROM events e JOIN documents d ON d.id = e.doc "
            "LEFT JOIN story_docs s ON s.doc = e.doc"
        ):
            a = actors.get(vid, {"source": set(), "target": set()})
            src, tgt = frozenset(a["source"]), frozenset(a["target"])
            reports.append(
                Report(
                    vid,
                    typ,
                    _parse_date(date),
                    src,
                    tgt,
                    location,
                    story=story if story is not None else f"doc{doc}",
                    places=(src | tgt) & places,
                )
            )
            info[vid] = (date, doc, outlet_key)
        by_id = {r.id: r for r in reports}
        for cluster in merge(reports):
            dates = sorted(d for d in (info[v][0] for v in cluster) if d)
            locs = Counter(by_id[v].location for v in cluster if by_id[v].location)
            docs = {info[v][1] for v in cluster}
            outlets = {info[v][2] or f"#{info[v][1]}" for v in cluster}
            cur = db.execute(
                "INSERT INTO merged_events (type, date_first, date_last, location, n_reports, "
                "n_docs, n_outlets) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    by_id[cluster[0]].type,
                    dates[0] if dates else None,
                    dates[-1] if dates else None,
                    locs.most_common(1)[0][0] if locs else None,
                    len(cluster),
                    len(docs),
                    len(outlets),
                ),
            )
            mid = cur.lastrowid
            db.executemany("UPDATE events SET merged = ? WHERE id = ?", [(mid, v) for v in cluster])

    def stories(self, *, min_docs: int = 2) -> list[StoryInfo]:
        self.refresh()
        out = []
        for sid, title, first, n_docs, n_outlets, n_rep, n_ind in self.db.execute(
            "SELECT id, title, first_published, n_docs, n_outlets, n_reprints, n_independent "
            "FROM stories WHERE n_docs >= ? ORDER BY n_docs DESC, first_published, id",
            (min_docs,),
        ).fetchall():
            docs = tuple(
                {
                    "doc": r[0],
                    "url": r[1],
                    "outlet": r[2],
                    "published": r[3],
                    "title": r[4],
                    "similarity": round(r[5], 3),
                    "reprint": bool(r[6]),
                }
                for r in self.db.execute(
                    "SELECT d.id, d.url, d.outlet, d.published, d.title, s.similarity, s.reprint "
                    "FROM story_docs s JOIN documents d ON d.id = s.doc WHERE s.story = ? "
                    "ORDER BY d.published, d.id",
                    (sid,),
                )
            )
            out.append(StoryInfo(sid, title, first, n_docs, n_outlets, n_rep, n_ind, docs))
        return out

    def story_of(self, doc: int) -> int | None:
        self.refresh()
        row = self.db.execute("SELECT story FROM story_docs WHERE doc = ?", (doc,)).fetchone()
        return None if row is None else int(row[0])

    def merged_events(self) -> list[dict[str, Any]]:
        self.refresh()
        out: list[dict[str, Any]] = []
        rows = self.db.execute(
            "SELECT id, type, date_first, date_last, location, n_reports, n_docs, n_outlets "
            "FROM merged_events ORDER BY date_first, id"
        ).fetchall()
        reports: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in self.db.execute(
            "SELECT e.merged, e.id, e.doc, d.outlet, d.url, e.type, e.label, e.trigger_text, "
            "e.modality, e.date, e.location, "
            "(SELECT group_concat(key, ';') FROM event_actors a "
            " WHERE a.event = e.id AND a.role = 'source'), "
            "(SELECT group_concat(key, ';') FROM event_actors a "
            " WHERE a.event = e.id AND a.role = 'target') "
            "FROM events e JOIN documents d ON d.id = e.doc ORDER BY e.id"
        ):
            reports[r[0]].append(
                {
                    "event": r[1],
                    "doc": r[2],
                    "outlet": r[3],
                    "url": r[4],
                    "type": r[5],
                    "label": r[6],
                    "trigger": r[7],
                    "modality": r[8],
                    "date": r[9],
                    "location": r[10],
                    "source": r[11].split(";") if r[11] else [],
                    "target": r[12].split(";") if r[12] else [],
                }
            )
        for mid, typ, d0, d1, loc, n_rep, n_docs, n_outlets in rows:
            reps = reports.get(mid, [])
            out.append(
                {
                    "id": mid,
                    "type": typ,
                    "date_first": d0,
                    "date_last": d1,
                    "location": loc,
                    "source": sorted({k for r in reps for k in r["source"]}),
                    "target": sorted({k for r in reps for k in r["target"]}),
                    "n_reports": n_rep,
                    "n_docs": n_docs,
                    "n_outlets": n_outlets,
                    "modalities": dict(Counter(r["modality"] for r in reps)),
                    "reports": reps,
                }
            )
        return out

    def timeline(self, entity: str) -> list[TimelineItem]:
        self.refresh()
        keys = sorted(self.entity_keys(entity))
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        items: list[TimelineItem] = []
        others: dict[int, list[str]] = defaultdict(list)
        rows = self.db.execute(
            "SELECT e.id, e.date, a.role, e.type, e.label, e.trigger_text, e.sentence, e.doc, "
            "d.outlet, d.url, e.modality, e.merged FROM event_actors a "
            "JOIN events e ON e.id = a.event JOIN documents d ON d.id = e.doc "
            f"WHERE a.key IN ({marks})",
            keys,
        ).fetchall()
        for vid, role, name, key in self.db.execute(
            "SELECT DISTINCT b.event, b.role, b.name, b.key FROM event_actors a "
            f"JOIN event_actors b ON b.event = a.event WHERE a.key IN ({marks}) "
            "ORDER BY b.event, b.rowid",
            keys,
        ):
            if key not in keys:
                others[vid].append(f"{role}:{name}")
        seen: set[tuple[int, str]] = set()
        for vid, date, role, typ, label, trig, sent, doc, outlet, url, modality, merged in rows:
            if (vid, role) in seen:
                continue
            seen.add((vid, role))
            items.append(
                TimelineItem(
                    date=date,
                    kind="event",
                    role=role,
                    type=typ + (f"/{label}" if label else ""),
                    text=sent or trig,
                    others=tuple(others.get(vid, ())),
                    doc=doc,
                    outlet=outlet,
                    url=url,
                    modality=modality,
                    merged=merged,
                )
            )
        for date, text, stance, doc, outlet, url, via in self.db.execute(
            "SELECT q.date, q.text, q.stance, q.doc, d.outlet, d.url, q.via_name FROM quotes q "
            f"JOIN documents d ON d.id = q.doc WHERE q.speaker_key IN ({marks})",
            keys,
        ):
            items.append(
                TimelineItem(
                    date=date,
                    kind="quote",
                    role="speaker",
                    type=stance or "quote",
                    text=text,
                    others=(f"via:{via}",) if via else (),
                    doc=doc,
                    outlet=outlet,
                    url=url,
                )
            )
        items.sort(key=lambda i: (i.date or "9999", i.doc, i.kind))
        return items

    def cooccurrence(self, *, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT a.key, b.key, COUNT(DISTINCT a.doc) AS n, MAX(a.name_ar), MAX(b.name_ar) "
            "FROM entities a JOIN entities b ON a.doc = b.doc AND a.key < b.key "
            "GROUP BY a.key, b.key ORDER BY n DESC, a.key, b.key LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            {"entity_a": r[0], "name_a": r[3], "entity_b": r[1], "name_b": r[4], "docs": r[2]}
            for r in rows
        ]

    def relations(self, entity: str | None = None) -> list[dict[str, Any]]:
        self.refresh()
        keys = self.entity_keys(entity) if entity else None
        per: dict[int, dict[str, Any]] = {}
        names: dict[str, str] = {}
        for mid, typ, date, role, key, name in self.db.execute(
            "SELECT m.id, m.type, m.date_first, a.role, a.key, a.name FROM merged_events m "
            "JOIN events e ON e.merged = m.id JOIN event_actors a ON a.event = e.id"
        ):
            p = per.setdefault(
                mid,
                {
                    "type": typ,
                    "month": date[:7] if date else None,
                    "source": set(),
                    "target": set(),
                },
            )
            p[role].add(key)
            if name:
                names.setdefault(key, name)
        counts: Counter[tuple[str, str, str, str | None]] = Counter()
        for p in per.values():
            for s in p["source"]:
                for t in p["target"]:
                    if s == t:
                        continue
                    if keys is not None and s not in keys and t not in keys:
                        continue
                    counts[(s, t, p["type"], p["month"])] += 1
        return [
            {
                "source": s,
                "source_name": names.get(s),
                "target": t,
                "target_name": names.get(t),
                "type": typ,
                "month": month,
                "events": n,
            }
            for (s, t, typ, month), n in sorted(
                counts.items(), key=lambda kv: (kv[0][3] or "", -kv[1], kv[0][:3])
            )
        ]

    def export(self, what: str) -> Iterator[dict[str, Any]]:
        if what in ("events", "merged", "relations", "stories"):
            self.refresh()
        if what == "events":
            cols = (
                "doc url outlet published event local_id type label cameo mode trigger "
                "trigger_start trigger_end source target location date modality merged "
                "confidence sentence"
            ).split()
            sql = (
                "SELECT e.doc, d.url, d.outlet, d.published, e.id, e.local_id, e.type, e.label, "
                "e.cameo, e.mode, e.trigger_text, e.trigger_start, e.trigger_end, "
                "(SELECT group_concat(coalesce(name, key), ';') FROM event_actors a "
                " WHERE a.event = e.id AND a.role = 'source'), "
                "(SELECT group_concat(coalesce(name, key), ';') FROM event_actors a "
                " WHERE a.event = e.id AND a.role = 'target'), "
                "coalesce(e.location_name, e.location), e.date, e.modality, e.merged, "
                "e.confidence, e.sentence FROM events e JOIN documents d ON d.id = e.doc "
                "ORDER BY e.doc, e.trigger_start"
            )
        elif what == "quotes":
            cols = (
                "doc url outlet published start end text speaker speaker_key via cue direct stance"
            ).split()
            sql = (
                'SELECT q.doc, d.url, d.outlet, d.published, q.start, q."end", q.text, '
                "q.speaker_name, q.speaker_key, q.via_name, q.cue, q.direct, q.stance "
                "FROM quotes q JOIN documents d ON d.id = q.doc ORDER BY q.doc, q.start"
            )
        elif what == "entities":
            cols = "key kb_id wikidata type name_ar name_en docs mentions".split()
            sql = (
                "SELECT key, MAX(kb_id), MAX(wikidata), MAX(type), MAX(name_ar), MAX(name_en), "
                "COUNT(DISTINCT doc), SUM(n_mentions) FROM entities GROUP BY key "
                "ORDER BY COUNT(DISTINCT doc) DESC, key"
            )
        elif what == "documents":
            cols = "doc doc_id url outlet published title version updated".split()
            sql = (
                "SELECT id, doc_id, url, outlet, published, title, version, updated "
                "FROM documents ORDER BY id"
            )
        elif what == "relations":
            yield from self.relations()
            return
        elif what == "cooccurrence":
            yield from self.cooccurrence(limit=1_000_000)
            return
        elif what == "merged":
            for m in self.merged_events():
                m = dict(m)
                m["reports"] = len(m["reports"])
                yield m
            return
        elif what == "stories":
            for s in self.stories():
                yield {
                    "story": s.id,
                    "title": s.title,
                    "first_published": s.first_published,
                    "docs": s.n_docs,
                    "outlets": s.n_outlets,
                    "reprints": s.n_reprints,
                    "independent": s.n_independent,
                }
            return
        else:
            raise MarsadError(Code.E012, f"cannot export {what!r}")
        for row in self.db.execute(sql):
            yield dict(zip(cols, row, strict=True))


#: What ``export`` can write.
EXPORTS = (
    "events",
    "quotes",
    "entities",
    "documents",
    "relations",
    "cooccurrence",
    "merged",
    "stories",
)


def _find_word(low: str, w: str) -> int:
    """Where ``w`` is in the normalised text: a whole word, or one behind proclitics
    (``وطهران``), before a match inside a longer word; -1 if nowhere."""
    ew = re.escape(w)
    m = (
        re.search(rf"(?<!\w)[وفبلك]{{0,2}}(?:ال)?({ew})(?!\w)", low)
        or re.search(rf"(?<!\w)[وفبلك]{{0,2}}(?:ال)?({ew})", low)
        or re.search(f"({ew})", low)
    )
    return -1 if m is None else m.start(1)


def _snippet(text: str, words: list[str]) -> str:
    """A one-line stretch of the original text around the query words as a phrase, else
    around the first query word found."""
    n = normalize(text, fold=True)
    low = n.text.lower()
    words = [w for w in words if w]
    pos, length = -1, 0
    if len(words) > 1:
        phrase = " ".join(words)
        pos, length = _find_word(low, phrase), len(phrase)
    if pos < 0:
        for w in words:
            i = _find_word(low, w)
            if i >= 0 and (pos < 0 or i < pos):
                pos, length = i, len(w)
    if pos < 0:
        return " ".join(text[: 2 * SNIPPET_CONTEXT].split())
    s, e = n.to_original(pos, pos + length)
    a = max(0, s - SNIPPET_CONTEXT)
    b = min(len(text), e + SNIPPET_CONTEXT)
    out = " ".join(text[a:b].split())
    return ("…" if a > 0 else "") + out + ("…" if b < len(text) else "")


def open_store(path: str | Path = DEFAULT_DB, **kwargs: Any) -> SQLiteStore:
    """Open (creating and migrating as needed) the store at ``path``."""
    return SQLiteStore(path, **kwargs)
