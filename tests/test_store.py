"""The corpus store: idempotent, crash-safe ingestion into a real SQLite file; Arabic search;
near-duplicate stories; events merged across outlets; timelines and relations."""

from __future__ import annotations

import datetime as _dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marsad.cli import main
from marsad.errors import Code, MarsadError
from marsad.model import Document, Entity, Event, Quote, Span
from marsad.pipeline import Pipeline
from marsad.store import SQLiteStore, open_store
from marsad.store.merge import Report, same_event
from marsad.store.sqlite import MIGRATIONS
from marsad.store.textindex import fts_query

ROOT = Path(__file__).resolve().parents[1]

# --- hand-written articles ----------------------------------------------------------------

# one wire story about an airstrike ...
WIRE = (
    "شن الجيش الإسرائيلي غارات جوية على مواقع لحزب الله في مدينة النبطية جنوب لبنان فجر "
    "الثلاثاء، ما أسفر عن مقتل ثلاثة أشخاص وإصابة سبعة آخرين، وفق ما أعلنت وزارة الصحة "
    "اللبنانية.\nوقالت الوزارة في بيان إن الغارات استهدفت مبنى سكنيا ومستودعا في أطراف "
    "المدينة، فيما هرعت فرق الإسعاف إلى المكان لانتشال الضحايا.\nوأكد المتحدث باسم الجيش "
    "الإسرائيلي أن الضربات طالت بنى تحتية تابعة للحزب، مشيرا إلى أن العمليات ستتواصل في "
    "الأيام المقبلة."
)
# ... lightly rewritten by a second outlet (word order, connectives, synonyms) ...
REWRITE = (
    "شن الجيش الإسرائيلي، فجر الثلاثاء، غارات جوية على مواقع لحزب الله في مدينة النبطية "
    "بجنوب لبنان، ما أسفر عن مقتل ثلاثة أشخاص وإصابة سبعة آخرين، حسبما أعلنت وزارة الصحة "
    "اللبنانية.\nوذكرت الوزارة في بيان أن الغارات استهدفت مبنى سكنيا ومستودعا في أطراف "
    "المدينة، بينما هرعت فرق الإسعاف إلى المكان لانتشال الضحايا.\nوأكد المتحدث باسم الجيش "
    "الإسرائيلي أن الضربات طالت بنى تحتية تابعة للحزب، مشيرا إلى أن العمليات ستتواصل خلال "
    "الأيام المقبلة."
)
# ... and a different story.
OTHER = (
    "استقبل الرئيس المصري عبد الفتاح السيسي في القاهرة يوم الأربعاء العاهل الأردني الملك "
    "عبد الله الثاني، وبحث الجانبان تطورات الأوضاع في المنطقة وسبل تعزيز التعاون الاقتصادي "
    "بين البلدين.\nوقال المتحدث باسم الرئاسة المصرية إن اللقاء تناول ملفات الطاقة والتجارة "
    "والنقل، واتفق الزعيمان على مواصلة التنسيق والتشاور."
)
DIACRITICS = "وجّه وزير الخارجية رسالة شديدة اللهجة إلى نظيره، وأكد أن بلاده لن تتراجع."
CLITICS = "وصل الوفد إلى بغداد قادما من دمشق وطهران بعد جولة استمرت أسبوعا."


def recs(*items: tuple[str, str, str, str]) -> list[dict[str, str]]:
    return [{"text": t, "url": u, "outlet": o, "published": p} for t, u, o, p in items]


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = open_store(tmp_path / "marsad.db", pipeline=["segment"])
    yield s
    s.close()


def count_rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


# --- schema ---------------------------------------------------------------------------------


def test_schema_migrations_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "marsad.db"
    with open_store(path, pipeline=["segment"]) as s:
        assert s.schema_version == MIGRATIONS[-1][0]
    with open_store(path, pipeline=["segment"]) as s:  # reopening applies nothing twice
        assert s.schema_version == MIGRATIONS[-1][0]
    assert count_rows(path, "schema_version") == len(MIGRATIONS)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute("INSERT INTO schema_version (version) VALUES (999)")
    with pytest.raises(MarsadError) as ei:  # a store written by a newer marsad
        open_store(path)
    assert ei.value.code is Code.E013 and "999" in str(ei.value)


def test_version_1_store_is_migrated(tmp_path: Path) -> None:
    """A store written with schema 1 (FTS table with content) opens, migrates and updates."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.executescript(MIGRATIONS[0][1])
        db.execute("INSERT INTO schema_version VALUES (1)")
        db.execute(
            "INSERT INTO documents (id, key, url, content_hash, text, ingested, updated, json) "
            "VALUES (1, 'u1', 'u1', 'x', ?, 'now', 'now', '{}')",
            (CLITICS,),
        )
        db.execute(
            "INSERT INTO doc_fts (rowid, surface, host, stem) VALUES (1, ?, ?, ?)",
            ("وصل الوفد وطهران", "وصل الوفد طهران", "وصل وفد طهران"),
        )
    with open_store(path, pipeline=["segment"]) as s:
        assert s.schema_version == MIGRATIONS[-1][0]
        assert [h.url for h in s.search("طهران")] == ["u1"]
        s.ingest([{"text": DIACRITICS, "url": "u1"}])  # an update deletes the old index row
        assert s.search("طهران") == [] and [h.url for h in s.search("وجه")] == ["u1"]
        s.db.execute("INSERT INTO doc_fts (doc_fts) VALUES ('integrity-check')")


def test_unopenable_store_is_a_coded_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-db"
    bad.write_bytes(b"this is not a database file at all" * 100)
    with pytest.raises(MarsadError) as ei:
        open_store(bad)
    assert ei.value.code is Code.E013


# --- ingestion ------------------------------------------------------------------------------


def test_reingest_is_idempotent(store: SQLiteStore) -> None:
    batch = recs(
        (WIRE, "https://a.example/1", "وكالة أ", "2024-10-15"),
        (OTHER, "https://b.example/2", "وكالة ب", "2024-10-16"),
        (CLITICS, "", "وكالة ب", "2024-10-16"),  # no URL: keyed by content hash
    )
    first = store.ingest(batch)
    assert (first.added, first.unchanged) == (3, 0)
    again = store.ingest(batch)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert store.count() == 3
    # the same text without a URL, from another file, is still one document
    store.ingest([{"text": CLITICS, "outlet": "وكالة ب"}])
    assert store.count() == 3


def test_update_replaces_document_and_extractions(tmp_path: Path) -> None:
    path = tmp_path / "marsad.db"
    with open_store(path, pipeline=["segment"]) as s:
        url = "https://a.example/story"
        v1 = make_doc(DIACRITICS, url, "وكالة أ", "2024-10-15", "CONSULT", "person/a", "person/b")
        assert s.add(v1) == "added"
        v2 = make_doc(CLITICS, url, "وكالة أ", "2024-10-15", "ASSAULT", "person/c", "person/d")
        assert s.add(v2) == "updated"
        assert s.count() == 1
        assert s.search("بغداد") and not s.search("رسالة")
        got = s.get(s.doc_ids()[0])
        assert got is not None and got.text == CLITICS and got.url == url
        types = [r["type"] for r in s.export("events")]
        assert types == ["ASSAULT"]  # the old version's event is gone
        keys = {r["key"] for r in s.export("entities")}
        assert keys == {"person/c", "person/d"}
        version = s.db.execute("SELECT version FROM documents").fetchone()[0]
        assert version == 2
    assert count_rows(path, "doc_fts") == 1


def test_updated_text_through_ingest(store: SQLiteStore) -> None:
    url = "https://a.example/live"
    store.ingest(recs((DIACRITICS, url, "أ", "2024-10-15")))
    rep = store.ingest(recs((DIACRITICS + " وأضاف أن المفاوضات مستمرة.", url, "أ", "2024-10-15")))
    assert rep.updated == 1 and store.count() == 1
    assert store.search("المفاوضات")


def test_bad_documents_are_reported_and_skipped(store: SQLiteStore) -> None:
    seen: list[tuple[str, str]] = []
    items: list[dict[str, str] | MarsadError] = [
        {"text": WIRE, "url": "u1"},
        {"text": "   ", "url": "u2"},  # empty
        MarsadError(Code.E006, "broken line", source="in.jsonl:3"),
        {"text": OTHER, "url": "u3", "published": "yesterday"},  # bad date
        {"text": OTHER, "url": "u4"},
    ]
    rep = store.ingest(items, on_record=lambda st, src, err: seen.append((st, src)))
    assert (rep.added, rep.failed) == (2, 3)
    assert sorted(e.code.value for e in rep.errors) == ["E003", "E006", "E008"]
    assert [st for st, _ in seen] == ["added", "failed", "failed", "failed", "added"]
    assert store.count() == 2


def test_commit_batches_keep_documents(tmp_path: Path) -> None:
    with open_store(tmp_path / "m.db", pipeline=["segment"], commit_every=4) as s:
        s.ingest(
            [{"text": f"{CLITICS} رقم {i}", "url": f"u{i}"} for i in range(10)]
            + [{"text": "", "url": "bad"}]
        )
        assert s.count() == 10


# --- search ---------------------------------------------------------------------------------


def test_search_normalises_diacritics_and_clitics(store: SQLiteStore) -> None:
    store.ingest(
        recs(
            (DIACRITICS, "u1", "أ", "2024-10-15"),
            (CLITICS, "u2", "ب", "2024-10-16"),
            (OTHER, "u3", "ج", "2024-10-17"),
        )
    )
    hits = store.search("وجه")
    assert [h.url for h in hits] == ["u1"]
    assert "وجّه" in hits[0].snippet
    assert [h.url for h in store.search("وجّه")] == ["u1"]  # the query is normalised too
    hits = store.search("طهران")
    assert [h.url for h in hits] == ["u2"]
    assert "وطهران" in hits[0].snippet
    assert [h.url for h in store.search("الخارجيه")] == ["u1"]  # ة/ه folded
    assert [h.url for h in store.search("اكد")] == ["u1"]  # أ/ا folded (وأكد)
    store.ingest(recs(("قرأ الطلاب وكتابهم مفتوح أمامهم.", "u4", "د", "2024-10-18")))
    assert [h.url for h in store.search("كتاب")] == ["u4"]  # clitics dropped (وكتابهم)
    assert [h.url for h in store.search('"وزير الخارجية"')] == ["u1"]
    assert store.search('"الخارجية وزير"') == []  # a phrase keeps its order
    assert [h.url for h in store.search("مفاوض* OR بغداد")] == ["u2"]
    assert store.search("موسكو") == []
    assert store.search("وجه بغداد") == []  # words are ANDed
    assert store.search("!!!") == []


def test_fts_query_is_safe() -> None:
    q = fts_query('وجّه "AND" NEAR( ) * OR')
    assert q is not None and "وجه" in q and "NEAR(" not in q


def test_search_filters(tmp_path: Path) -> None:
    with open_store(tmp_path / "m.db") as s:
        s.add(make_doc(WIRE, "u1", "الجزيرة", "2024-10-15", "ASSAULT", "org/idf", "org/hezbollah"))
        s.add(make_doc(OTHER, "u2", "بي بي سي", "2024-11-02", "CONSULT", "person/x", "person/y"))
        s.add(make_doc(CLITICS, "u3", "الجزيرة", "2024-12-01", None, None, None))

        def urls(**kw: str) -> list[str]:
            return sorted(h.url or "" for h in s.search(**kw))  # type: ignore[arg-type]

        assert urls(date_from="2024-11-01") == ["u2", "u3"]
        assert urls(date_from="2024-10-01", date_to="2024-11-02") == ["u1", "u2"]
        assert urls(outlet="الجزيره") == ["u1", "u3"]
        assert urls(entity="org/idf") == ["u1"]
        assert urls(entity="فاعل person/y") == ["u2"]  # by Arabic name
        assert urls(event_type="assault") == ["u1"]
        assert urls(event_type="CONSULT", outlet="بي بي سي") == ["u2"]
        assert urls(query="الجيش", date_from="2024-11-01") == []
        assert [h.url for h in s.search(limit=1)] == ["u3"]  # no query: newest first


# --- stories --------------------------------------------------------------------------------


def test_near_duplicates_grouped_into_stories(store: SQLiteStore) -> None:
    store.ingest(
        recs(
            (WIRE, "https://agency.example/1", "وكالة الأنباء", "2024-10-15"),
            (REWRITE, "https://paper.example/7", "صحيفة الخبر", "2024-10-15"),
            (WIRE, "https://site.example/3", "موقع ثالث", "2024-10-16"),  # verbatim reprint
            (OTHER, "https://agency.example/2", "وكالة الأنباء", "2024-10-16"),
            (CLITICS, "https://paper.example/8", "صحيفة الخبر", "2024-10-16"),
        )
    )
    stories = store.stories()
    assert len(stories) == 1
    st = stories[0]
    assert {d["url"] for d in st.docs} == {
        "https://agency.example/1",
        "https://paper.example/7",
        "https://site.example/3",
    }
    assert (st.n_docs, st.n_outlets, st.n_reprints, st.n_independent) == (3, 3, 1, 2)
    reprints = [d["url"] for d in st.docs if d["reprint"]]
    assert reprints == ["https://site.example/3"]
    assert st.first_published == "2024-10-15"
    other = store.search("السيسي")[0].doc
    assert store.story_of(other) is None


def test_signatures_of_an_older_scheme_are_recomputed(store: SQLiteStore) -> None:
    store.ingest(recs((WIRE, "a", "أ", "2024-10-15"), (REWRITE, "b", "ب", "2024-10-15")))
    assert len(store.stories()) == 1
    store.db.execute("UPDATE documents SET minhash = zeroblob(256) WHERE url = 'a'")
    store.db.execute("UPDATE meta SET value = 'old' WHERE key = 'minhash_scheme'")
    store.refresh(force=True)
    assert len(store.stories()) == 1 and store._minhash_scheme() != "old"


# --- events across documents ----------------------------------------------------------------


def make_doc(
    text: str,
    url: str,
    outlet: str,
    published: str,
    etype: str | None,
    source: str | None,
    target: str | None,
    *,
    modality: str = "asserted",
    time: str | None = None,
    location: str | None = None,
    quote: str | None = None,
) -> Document:
    """A document with hand-made extractions: entities named ``فاعل <kb id>``."""
    ents: list[Entity] = []
    for i, kb in enumerate(x for x in (source, target, location) if x):
        name = f"فاعل {kb}" if not kb.startswith("name:") else kb[5:]
        ents.append(
            Entity(
                id=f"E{i + 1}",
                type="ORG",
                name_ar=name,
                mentions=(Span(0, 1, text[0]),),
                kb_id=None if kb.startswith("name:") else kb,
            )
        )
    ids = {kb: f"E{i + 1}" for i, kb in enumerate(x for x in (source, target, location) if x)}
    events: tuple[Event, ...] = ()
    if etype:
        events = (
            Event(
                id="V1",
                type=etype,
                trigger=Span(0, 2, text[:2]),
                source=(ids[source],) if source else (),
                target=(ids[target],) if target else (),
                location=ids.get(location) if location else None,
                time=time,
                modality=modality,
            ),
        )
    quotes: tuple[Quote, ...] = ()
    if quote:
        quotes = (Quote(2, 6, text[2:6], speaker=ids[quote], cue="قال", stance="warn"),)
    return Document(
        text=text,
        url=url,
        outlet=outlet,
        published=_dt.date.fromisoformat(published),
        entities=tuple(ents),
        events=events,
        quotes=quotes,
    )


def test_same_event_from_two_outlets_is_merged(tmp_path: Path) -> None:
    with open_store(tmp_path / "m.db") as s:
        s.add(
            make_doc(
                WIRE,
                "a/1",
                "أ",
                "2024-10-15",
                "ASSAULT",
                "org/idf",
                "org/hezbollah",
                location="gpe/south-lebanon",
            )
        )
        s.add(  # next day, no location, relayed ("reported")
            make_doc(
                REWRITE,
                "b/1",
                "ب",
                "2024-10-16",
                "ASSAULT",
                None,
                "org/hezbollah",
                modality="reported",
            )
        )
        s.add(  # same actors, three weeks later: another strike
            make_doc(CLITICS, "c/1", "ج", "2024-11-05", "ASSAULT", "org/idf", "org/hezbollah")
        )
        s.add(  # same day, same attacker, another target
            make_doc(OTHER, "d/1", "د", "2024-10-15", "ASSAULT", "org/idf", "org/hamas")
        )
        s.add(  # same day and actors, another place
            make_doc(
                DIACRITICS,
                "e/1",
                "ه",
                "2024-10-15",
                "ASSAULT",
                "org/idf",
                "org/hezbollah",
                location="city/beirut",
            )
        )
        merged = s.merged_events()
        assert len(merged) == 4
        big = max(merged, key=lambda m: m["n_reports"])
        assert (big["n_reports"], big["n_docs"], big["n_outlets"]) == (2, 2, 2)
        assert {r["url"] for r in big["reports"]} == {"a/1", "b/1"}
        assert big["modalities"] == {"asserted": 1, "reported": 1}
        assert (big["date_first"], big["date_last"]) == ("2024-10-15", "2024-10-16")
        assert big["source"] == ["org/idf"] and big["target"] == ["org/hezbollah"]
        # relations count the merged event once
        rel = [r for r in s.relations() if r["target"] == "org/hezbollah"]
        assert {(r["month"], r["events"]) for r in rel} == {("2024-10", 2), ("2024-11", 1)}
        assert all(r["source"] == "org/idf" and r["type"] == "ASSAULT" for r in rel)


def test_meetings_merge_whatever_the_direction() -> None:
    d = _dt.date(2024, 10, 15)
    a = Report(1, "CONSULT", d, frozenset({"p/a"}), frozenset({"p/b"}), None)
    b = Report(2, "CONSULT", d, frozenset({"p/b"}), frozenset({"p/a"}), "city/x")
    c = Report(3, "CONSULT", d, frozenset({"p/a"}), frozenset({"p/c"}), None)
    undated = Report(4, "CONSULT", None, frozenset({"p/a"}), frozenset({"p/b"}), None)
    assert same_event(a, b)
    assert not same_event(a, c)  # A meeting C is another meeting
    assert not same_event(a, undated)
    assault = Report(5, "ASSAULT", d, frozenset({"p/b"}), frozenset({"p/a"}), None)
    assert not same_event(a, assault)
    reverse = Report(6, "ASSAULT", d, frozenset({"p/a"}), frozenset({"p/b"}), None)
    assert not same_event(assault, reverse)  # who hit whom matters


def test_a_shared_country_alone_is_weak_evidence() -> None:
    d = _dt.date(2024, 10, 15)
    tn = frozenset({"country/TN"})

    def visit(i: int, story: str, target: frozenset[str] = tn) -> Report:
        return Report(i, "CONSULT", d, frozenset(), target, None, story, target & tn)

    assert not same_event(visit(1, "doc1"), visit(2, "doc2"))  # two visits to Tunisia
    assert same_event(visit(1, "story7"), visit(2, "story7"))  # one article, reprinted
    both = tn | {"person/x"}
    assert same_event(visit(1, "doc1", both), visit(2, "doc2", both))
    strike = Report(3, "ASSAULT", d, tn, frozenset(), None, "doc1", tn)
    other = Report(4, "ASSAULT", d, tn, frozenset(), None, "doc2", tn)
    assert not same_event(strike, other)
    by_org = Report(5, "ASSAULT", d, frozenset({"org/x"}), tn, None, "doc1", tn)
    also = Report(6, "ASSAULT", d, frozenset({"org/x"}), frozenset(), None, "doc2", frozenset())
    assert same_event(by_org, also)


def test_merging_by_names_without_kb_ids(tmp_path: Path) -> None:
    with open_store(tmp_path / "m.db") as s:
        s.add(make_doc(WIRE, "a", "أ", "2024-10-15", "PROTEST", "name:نقابة المعلمين", None))
        s.add(make_doc(OTHER, "b", "ب", "2024-10-15", "PROTEST", "name:نقابة المعلمين", None))
        s.add(make_doc(CLITICS, "c", "ج", "2024-10-15", "PROTEST", "name:نقابة الأطباء", None))
        sizes = sorted(m["n_docs"] for m in s.merged_events())
        assert sizes == [1, 2]


def test_pipeline_reports_of_one_strike_merge(tmp_path: Path) -> None:
    """Two outlets' articles through the full pipeline: their airstrike reports are merged."""
    with open_store(tmp_path / "m.db") as s:
        s.ingest(
            recs(
                (WIRE, "https://a.example/1", "وكالة أ", "2024-10-15"),
                (REWRITE, "https://b.example/1", "صحيفة ب", "2024-10-15"),
            )
        )
        rows = [r for r in s.export("events") if r["type"] == "ASSAULT"]
        by_doc = {r["doc"] for r in rows}
        if len(by_doc) < 2:
            pytest.skip("the events component found no ASSAULT in one of the articles")
        merged = {r["merged"] for r in rows if r["label"] == "AIRSTRIKE"} or {
            r["merged"] for r in rows
        }
        big = max(s.merged_events(), key=lambda m: m["n_docs"])
        assert big["n_docs"] == 2 and big["id"] in merged
        # and the timeline of Hezbollah (by name) shows reports from both outlets
        items = s.timeline("حزب الله")
        assert {i.outlet for i in items if i.kind == "event"} == {"وكالة أ", "صحيفة ب"}


# --- timelines ------------------------------------------------------------------------------


def test_timeline_of_an_entity(tmp_path: Path) -> None:
    with open_store(tmp_path / "m.db") as s:
        s.add(make_doc(WIRE, "a", "أ", "2024-10-20", "ASSAULT", "org/idf", "org/hezbollah"))
        s.add(
            make_doc(
                OTHER,
                "b",
                "ب",
                "2024-10-02",
                "THREATEN",
                "org/hezbollah",
                "org/idf",
                time="2024-10-01",
                quote="org/hezbollah",
            )
        )
        s.add(make_doc(CLITICS, "c", "ج", "2024-10-05", "CONSULT", "person/x", "person/y"))
        items = s.timeline("org/hezbollah")
        assert [(i.date, i.kind, i.role) for i in items] == [
            ("2024-10-01", "event", "source"),
            ("2024-10-02", "quote", "speaker"),
            ("2024-10-20", "event", "target"),
        ]
        assert items[0].type == "THREATEN" and "target:فاعل org/idf" in items[0].others
        assert s.timeline("فاعل org/hezbollah") == items  # by name
        assert s.timeline("org/unknown") == []
        co = s.cooccurrence()
        assert co[0]["docs"] == 2 and {co[0]["entity_a"], co[0]["entity_b"]} == {
            "org/hezbollah",
            "org/idf",
        }


# --- CLI ------------------------------------------------------------------------------------


def test_cli_ingest_search_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inp = tmp_path / "in"
    (inp / "sub").mkdir(parents=True)
    (inp / "one.txt").write_text(DIACRITICS, encoding="utf-8")
    (inp / "one.meta.json").write_text(
        json.dumps({"url": "https://x/1", "outlet": "أ", "published": "2024-10-15"}),
        encoding="utf-8",
    )
    (inp / "sub" / "two.html").write_text(
        f"<html><body><article><p>{CLITICS}</p></article></body></html>", encoding="utf-8"
    )
    (inp / "many.jsonl").write_text(
        json.dumps(
            {"text": OTHER, "url": "https://x/3", "published": "2024-10-17"}, ensure_ascii=False
        )
        + "\n{broken\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "c.db")
    assert main(["search", "x", "--db", db]) == 1  # no store yet
    assert "E001" in capsys.readouterr().err
    rc = main(["ingest", str(inp), "--db", db, "--pipeline", "segment", "-q"])
    err = capsys.readouterr().err
    assert rc == 1 and "E006" in err and "3 added" in err
    rc = main(["ingest", str(inp), "--db", db, "--pipeline", "segment", "-q"])
    assert "3 unchanged" in capsys.readouterr().err
    assert main(["search", "وجه", "--db", db, "--format", "jsonl"]) == 0
    hits = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [h["url"] for h in hits] == ["https://x/1"]
    assert main(["search", "طهران", "--db", db]) == 0
    out = capsys.readouterr().out
    assert out.startswith("#") and "وطهران" in out
    assert main(["export", "documents", "--db", db, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("doc,") and len(lines) == 4
    for what in ("events", "quotes", "entities", "stories", "relations"):
        assert main(["export", what, "--db", db, "--format", "jsonl"]) == 0
    assert main(["timeline", "طهران", "--db", db]) == 0
    pytest.importorskip("pyarrow")
    pq = tmp_path / "quotes.parquet"
    assert main(["export", "documents", "--db", db, "--format", "parquet", "-o", str(pq)]) == 0
    import pyarrow.parquet as papq

    assert papq.read_table(pq).num_rows == 3
    assert main(["stories", "--db", db]) == 0


# --- crash safety ---------------------------------------------------------------------------

_WORDS = (
    "الحكومة البرلمان الوزير الاقتصاد المدينة الشرطة المستشفى الجامعة المدرسة الميناء "
    "المطار السوق الطاقة المياه الكهرباء الزراعة الصناعة التجارة الصحة الثقافة"
).split()


def _corpus(path: Path, n: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            words = " ".join(rng.choice(_WORDS) for _ in range(40))
            rec = {"text": f"الخبر رقم {i}: {words}.", "url": f"https://gen.example/{i}"}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def test_killed_ingest_loses_nothing(tmp_path: Path) -> None:
    n = 1000
    data = tmp_path / "gen.jsonl"
    _corpus(data, n)
    db = tmp_path / "crash.db"
    cmd = [sys.executable, "-m", "marsad.cli", "ingest", str(data), "--db", str(db)]
    cmd += ["--pipeline", "segment", "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    at_kill = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as c:
                        at_kill = c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
                except sqlite3.OperationalError:
                    at_kill = 0
                if at_kill >= 150:
                    break
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    assert 0 < at_kill < n
    done = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert f"{n} document(s)" in done.stderr.decode()
    with sqlite3.connect(db) as c:
        urls = [r[0] for r in c.execute("SELECT url FROM documents")]
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        fts = c.execute("SELECT COUNT(*) FROM doc_fts").fetchone()[0]
    assert len(urls) == n and len(set(urls)) == n
    assert set(urls) == {f"https://gen.example/{i}" for i in range(n)}
    assert fts == n
    with open_store(db, pipeline=["segment"]) as s:
        assert [h.url for h in s.search("999")] == ["https://gen.example/999"]


def test_pipeline_object_and_add_unanalysed(tmp_path: Path) -> None:
    with open_store(tmp_path / "m.db", pipeline=Pipeline(["segment"])) as s:
        # a document without tokens is segmented for the index by the store itself
        assert s.add(Document(text=CLITICS, url="plain")) == "added"
        assert s.add(Document(text=CLITICS, url="plain")) == "unchanged"
        assert [h.url for h in s.search("طهران")] == ["plain"]


def test_parallel_ingest_matches_serial(tmp_path: Path) -> None:
    """``jobs=2`` analyses in worker processes (default pipeline); the store is the same."""
    batch = recs(
        (WIRE, "u1", "أ", "2024-10-15"),
        (OTHER, "u2", "ب", "2024-10-16"),
        ("", "u3", "ج", "2024-10-16"),
        (CLITICS, "u4", "ج", "2024-10-16"),
    )
    with open_store(tmp_path / "p.db") as par:
        rep = par.ingest(batch, jobs=2)
        assert (rep.added, rep.failed) == (3, 1)
        assert par.ingest(batch, jobs=2).unchanged == 3
        par_events = sorted((r["url"], r["type"], r["trigger"]) for r in par.export("events"))
    with open_store(tmp_path / "s.db") as ser:
        ser.ingest(batch)
        ser_events = sorted((r["url"], r["type"], r["trigger"]) for r in ser.export("events"))
    assert par_events == ser_events


def test_snippet_prefers_whole_words() -> None:
    from marsad.store.sqlite import SNIPPET_CONTEXT, _snippet

    filler = "نص " * SNIPPET_CONTEXT
    text = f"{filler}زار الوفد الطهرانيين في مكتبهم {filler} ثم وصل إلى بغداد وطهران أمس {filler}"
    snip = _snippet(text, ["طهران"])
    assert "وطهران" in snip and "الطهرانيين" not in snip
    text = f"{filler}في توجهات الحكومة {filler} وجّه الوزير رسالة {filler}"
    assert "وجّه الوزير" in _snippet(text, ["وجه"])
    assert "توجهات" in _snippet(f"{filler}في توجهات الحكومة {filler}", ["وجه"])


def test_url_spellings_are_one_article(store: SQLiteStore) -> None:
    from urllib.parse import quote

    raw = "https://news.example/ar/article/غارات-على-النبطية/93/1"
    store.ingest(recs((WIRE, raw, "أ", "2024-10-15")))
    rep = store.ingest(
        recs(
            (WIRE, quote(raw, safe=":/"), "أ", "2024-10-15"),  # percent-encoded
            (WIRE, raw.replace("https://news", "HTTPS://NEWS") + "/#top", "أ", "2024-10-15"),
        )
    )
    assert rep.unchanged == 2 and store.count() == 1
    rep = store.ingest(recs((WIRE, raw.replace("/93/1", "/93/2"), "أ", "2024-10-15")))
    assert rep.added == 1  # another article id is another document (a reprint)


def test_phrase_ranks_first(store: SQLiteStore) -> None:
    apart = "قال الوزير إن مشاريع التنمية الداخلية متواصلة، وأضاف وزير المالية أن الميزانية جاهزة."
    together = "أعلن وزير الداخلية اليوم عن خطة أمنية جديدة في العاصمة."
    store.ingest(
        recs((apart, "apart", "أ", "2024-10-15"), (together, "together", "أ", "2024-10-15"))
    )
    hits = store.search("وزير الداخلية")
    assert [h.url for h in hits] == ["together", "apart"]
    assert "وزير الداخلية" in hits[0].snippet
    assert [h.url for h in store.search("وزير الداخلية", limit=1)] == ["together"]


def test_any_query_string_is_safe(tmp_path: Path) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    s = open_store(tmp_path / "q.db", pipeline=["segment"])
    s.ingest(recs((CLITICS, "u", "أ", "2024-10-15")))
    alphabet = st.sampled_from([*list("وطهران ّ\"*()-+^:ORNDTAE{}.,'\\"), "OR", "AND", "NEAR"])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(alphabet, max_size=12).map("".join))
    def check(q: str) -> None:
        for hit in s.search(q):
            assert hit.url == "u"

    try:
        check()
    finally:
        s.close()


def test_index_forms_with_ligatures_and_tatweel() -> None:
    from marsad.store.textindex import index_text

    idx = index_text(Document(text="ﻻ بد من طهـــران وللحرس"))  # lam-alef ligature, tatweel
    assert idx.surface.split()[:4] == ["لا", "بد", "من", "طهران"]
    assert idx.host.split()[-1] == "لحرس" and idx.stem.split()[-1] == "حرس"
