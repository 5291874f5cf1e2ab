"""Read-side queries the workbench needs on top of :mod:`marsad.store`.

The store's interface covers ingestion, search, timelines and relations; the API also lists
documents, entities, events and quotes with filters. Those are read-only queries on the
store's schema (``marsad.store.sqlite`` migration 1) through its connection, kept here so
the store itself stays unchanged. Every query is parameterised; nothing from a request is
ever spliced into SQL except placeholders.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from marsad.errors import Code, MarsadError
from marsad.model import Document
from marsad.normalize import normalize_key
from marsad.store import SQLiteStore, doc_key

#: Most rows one list request returns.
MAX_LIMIT = 1000
#: Rows a list request returns when no ``limit`` is given.
DEFAULT_LIMIT = 100

#: How the entity page groups relations: a PLOVER type or a finer label counts in the group.
RELATION_GROUPS: Mapping[str, frozenset[str]] = {
    "met": frozenset({"CONSULT", "MEET", "VISIT", "RECEIVE", "HOST", "PHONE", "NEGOTIATE"}),
    "praised": frozenset({"PRAISE", "ENDORSE"}),
    "accused": frozenset({"ACCUSE", "CRITICIZE"}),
    "attacked": frozenset({"ASSAULT"}),
}


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    return max(1, min(MAX_LIMIT, limit))


class Corpus:
    """The workbench's view of one store. Use it from one thread (SQLite connections are
    bound to the thread that opened them); the app runs every call on one worker thread."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        self.db: sqlite3.Connection = store.db

    # --- documents ------------------------------------------------------------------------

    def add(self, doc: Document) -> dict[str, Any]:
        """Store an analysed document; its corpus id and what happened."""
        status = self.store.add(doc)
        row = self.db.execute(
            "SELECT id FROM documents WHERE key = ?", (doc_key(doc.url, doc.text),)
        ).fetchone()
        return {"status": status, "doc": int(row[0]) if row else None, "id": doc.id}

    def documents(
        self,
        *,
        outlet: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> dict[str, Any]:
        where, args = ["1"], []
        if outlet:
            where.append("outlet_key = ?")
            args.append(normalize_key(outlet).lower())
        if date_from:
            where.append("published >= ?")
            args.append(date_from[:10])
        if date_to:
            where.append("published <= ?")
            args.append(date_to[:10])
        cond = " AND ".join(where)
        total = int(
            self.db.execute(f"SELECT COUNT(*) FROM documents WHERE {cond}", args).fetchone()[0]
        )
        rows = self.db.execute(
            "SELECT id, doc_id, url, outlet, published, title, version, updated "
            f"FROM documents WHERE {cond} ORDER BY published DESC, id LIMIT ? OFFSET ?",
            [*args, clamp_limit(limit), max(0, offset)],
        ).fetchall()
        cols = ("doc", "id", "url", "outlet", "published", "title", "version", "updated")
        return {"total": total, "items": [dict(zip(cols, r, strict=True)) for r in rows]}

    def resolve_doc(self, ref: str) -> int | None:
        """A corpus id from ``ref``: the number, or the document's own id."""
        if ref.isdigit():
            row = self.db.execute("SELECT id FROM documents WHERE id = ?", (int(ref),)).fetchone()
            if row is not None:
                return int(row[0])
        row = self.db.execute(
            "SELECT id FROM documents WHERE doc_id = ? ORDER BY id LIMIT 1", (ref,)
        ).fetchone()
        return None if row is None else int(row[0])

    def document(self, ref: str) -> Document | None:
        did = self.resolve_doc(ref)
        return None if did is None else self.store.get(did)

    # --- entities -------------------------------------------------------------------------

    _ENTITY_COLS = ("id", "kb_id", "wikidata", "type", "name_ar", "name_en", "docs", "mentions")
    _ENTITY_SQL = (
        "SELECT key, MAX(kb_id), MAX(wikidata), MAX(type), MAX(name_ar), MAX(name_en), "
        "COUNT(DISTINCT doc), SUM(n_mentions) FROM entities "
    )

    def entities(
        self, q: str = "", *, type: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        where: list[str] = []
        args: list[Any] = []
        q = q.strip()
        if q:
            keys = sorted(self.store.entity_keys(q))
            nk = normalize_key(q)
            cond = [f"key IN ({','.join('?' * len(keys))})"] if keys else []
            args.extend(keys)
            cond.append("name_key LIKE ? ESCAPE '\\'")
            args.append("%" + _like(nk) + "%")
            cond.append("lower(name_en) LIKE ? ESCAPE '\\'")
            args.append("%" + _like(q.lower()) + "%")
            where.append("(" + " OR ".join(cond) + ")")
        if type:
            where.append("type = ?")
            args.append(type.upper())
        sql = self._ENTITY_SQL + (("WHERE " + " AND ".join(where)) if where else "")
        sql += " GROUP BY key ORDER BY COUNT(DISTINCT doc) DESC, SUM(n_mentions) DESC, key LIMIT ?"
        rows = self.db.execute(sql, [*args, clamp_limit(limit)]).fetchall()
        return [dict(zip(self._ENTITY_COLS, r, strict=True)) for r in rows]

    def entity(self, key: str) -> dict[str, Any] | None:
        row = self.db.execute(self._ENTITY_SQL + "WHERE key = ? GROUP BY key", (key,)).fetchone()
        if row is None:
            return None
        info = dict(zip(self._ENTITY_COLS, row, strict=True))
        info["names"] = [
            r[0]
            for r in self.db.execute(
                "SELECT name_ar, COUNT(*) AS n FROM entities WHERE key = ? "
                "GROUP BY name_ar ORDER BY n DESC LIMIT 20",
                (key,),
            )
        ]
        info["quotes"] = int(
            self.db.execute("SELECT COUNT(*) FROM quotes WHERE speaker_key = ?", (key,)).fetchone()[
                0
            ]
        )
        info["events"] = int(
            self.db.execute(
                "SELECT COUNT(DISTINCT event) FROM event_actors WHERE key = ?", (key,)
            ).fetchone()[0]
        )
        info["relations"] = self.relations(key)
        return info

    def relations(self, key: str) -> dict[str, list[dict[str, Any]]]:
        """Who ``key`` met, praised, accused or attacked (as source), with event counts; a
        merged event reported by several articles counts once."""
        self.store.refresh()
        rows = self.db.execute(
            "SELECT e.type, e.label, b.key, MAX(b.name), "
            "COUNT(DISTINCT coalesce(e.merged, -e.id)) FROM event_actors a "
            "JOIN events e ON e.id = a.event "
            "JOIN event_actors b ON b.event = a.event AND b.role = 'target' AND b.key != a.key "
            "WHERE a.key = ? AND a.role = 'source' GROUP BY e.type, e.label, b.key",
            (key,),
        ).fetchall()
        out: dict[str, dict[str, dict[str, Any]]] = {g: {} for g in RELATION_GROUPS}
        for typ, label, other, name, n in rows:
            for group, members in RELATION_GROUPS.items():
                if typ in members or (label and label in members):
                    slot = out[group].setdefault(
                        other, {"id": other, "name": name, "events": 0, "labels": []}
                    )
                    slot["events"] += int(n)
                    lab = label or typ
                    if lab not in slot["labels"]:
                        slot["labels"].append(lab)
                    break
        return {
            g: sorted(v.values(), key=lambda x: (-x["events"], x["id"])) for g, v in out.items()
        }

    def timeline(self, key: str) -> list[dict[str, Any]]:
        return [asdict(i) for i in self.store.timeline(key)]

    # --- events and quotes ------------------------------------------------------------------

    EVENT_COLS = (
        "event",
        "doc",
        "url",
        "outlet",
        "published",
        "type",
        "label",
        "cameo",
        "trigger",
        "trigger_start",
        "trigger_end",
        "source",
        "target",
        "location",
        "date",
        "modality",
        "merged",
        "sentence",
    )

    def events(
        self,
        *,
        actor: str | None = None,
        type: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        modality: str | None = None,
        doc: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        self.store.refresh()
        filt = self._event_filter(actor, type, date_from, date_to, modality, doc)
        if filt is None:
            return []
        where, args = filt
        sql = (
            "SELECT e.id, e.doc, d.url, d.outlet, d.published, e.type, e.label, e.cameo, "
            "e.trigger_text, e.trigger_start, e.trigger_end, "
            "(SELECT group_concat(coalesce(name, key), '; ') FROM event_actors a "
            " WHERE a.event = e.id AND a.role = 'source'), "
            "(SELECT group_concat(coalesce(name, key), '; ') FROM event_actors a "
            " WHERE a.event = e.id AND a.role = 'target'), "
            "coalesce(e.location_name, e.location), e.date, e.modality, e.merged, e.sentence "
            "FROM events e JOIN documents d ON d.id = e.doc "
            + (("WHERE " + " AND ".join(where)) if where else "")
            + " ORDER BY e.date DESC, e.doc, e.trigger_start LIMIT ?"
        )
        rows = self.db.execute(sql, [*args, clamp_limit(limit)]).fetchall()
        return [dict(zip(self.EVENT_COLS, r, strict=True)) for r in rows]

    def _event_filter(
        self,
        actor: str | None,
        type: str | None,
        date_from: str | None,
        date_to: str | None,
        modality: str | None,
        doc: int | None,
    ) -> tuple[list[str], list[Any]] | None:
        """SQL conditions on ``events e`` (None: nothing can match)."""
        where: list[str] = []
        args: list[Any] = []
        if actor:
            keys = sorted(self.store.entity_keys(actor))
            if not keys:
                return None
            marks = ",".join("?" * len(keys))
            where.append(f"e.id IN (SELECT event FROM event_actors WHERE key IN ({marks}))")
            args.extend(keys)
        if type:
            t = type.strip().upper()
            where.append("(e.type = ? OR e.label = ?)")
            args.extend([t, t])
        if date_from:
            where.append("e.date >= ?")
            args.append(date_from[:10])
        if date_to:
            where.append("e.date <= ?")
            args.append(date_to[:10])
        if modality:
            where.append("e.modality = ?")
            args.append(modality.strip().lower())
        if doc is not None:
            where.append("e.doc = ?")
            args.append(doc)
        return where, args

    def locations(
        self,
        *,
        actor: str | None = None,
        type: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        modality: str | None = None,
    ) -> list[dict[str, Any]]:
        """Event locations with their coordinates from the knowledge base (places it does not
        know, or knows without coordinates, are counted under ``unplaced``)."""
        from marsad.kb import default_kb

        self.store.refresh()
        filt = self._event_filter(actor, type, date_from, date_to, modality, None)
        if filt is None:
            return []
        where, args = filt
        where.append("e.location IS NOT NULL")
        rows = self.db.execute(
            "SELECT e.location, MAX(e.location_name), COUNT(*), "
            "COUNT(DISTINCT coalesce(e.merged, -e.id)), group_concat(DISTINCT e.type) "
            "FROM events e WHERE " + " AND ".join(where) + " GROUP BY e.location "
            "ORDER BY COUNT(*) DESC",
            args,
        ).fetchall()
        try:
            kb = default_kb()
        except (OSError, ValueError):
            kb = None
        out = []
        for key, name, n, merged, types in rows:
            entry = kb.get(key) if kb is not None else None
            lat = entry.lat if entry is not None else None
            lon = entry.lon if entry is not None else None
            out.append(
                {
                    "id": key,
                    "name": name,
                    "name_en": entry.en if entry is not None else None,
                    "lat": lat,
                    "lon": lon,
                    "events": n,
                    "merged_events": merged,
                    "types": sorted(set((types or "").split(","))),
                }
            )
        return out

    QUOTE_COLS = (
        "doc",
        "url",
        "outlet",
        "published",
        "start",
        "end",
        "text",
        "speaker",
        "speaker_name",
        "via",
        "via_name",
        "cue",
        "direct",
        "stance",
        "date",
    )

    def quotes(
        self,
        *,
        speaker: str | None = None,
        via: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        where: list[str] = []
        args: list[Any] = []
        for col, value in (("q.speaker_key", speaker), ("q.via_key", via)):
            if value:
                keys = sorted(self.store.entity_keys(value))
                if not keys:
                    return []
                where.append(f"{col} IN ({','.join('?' * len(keys))})")
                args.extend(keys)
        sql = (
            'SELECT q.doc, d.url, d.outlet, d.published, q.start, q."end", q.text, '
            "q.speaker_key, q.speaker_name, q.via_key, q.via_name, q.cue, q.direct, q.stance, "
            "q.date FROM quotes q JOIN documents d ON d.id = q.doc "
            + (("WHERE " + " AND ".join(where)) if where else "")
            + " ORDER BY q.date DESC, q.doc, q.start LIMIT ?"
        )
        rows = self.db.execute(sql, [*args, clamp_limit(limit)]).fetchall()
        out = [dict(zip(self.QUOTE_COLS, r, strict=True)) for r in rows]
        for r in out:
            r["direct"] = bool(r["direct"])
        return out

    def search(
        self,
        q: str,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        outlet: str | None = None,
        entity: str | None = None,
        event_type: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        hits = self.store.search(
            q,
            date_from=date_from,
            date_to=date_to,
            outlet=outlet,
            entity=entity,
            event_type=event_type,
            limit=clamp_limit(limit),
        )
        return [asdict(h) for h in hits]


def check_choice(value: str | None, allowed: Iterable[str], what: str) -> str | None:
    """``value`` upper/lower-cased as in ``allowed``, or E008 naming the choices."""
    if value is None or value == "":
        return None
    choices: Sequence[str] = tuple(allowed)
    for c in choices:
        if c.lower() == value.strip().lower():
            return c
    raise MarsadError(Code.E008, f"{what} must be one of {', '.join(choices)}, got {value!r}")


def _like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
