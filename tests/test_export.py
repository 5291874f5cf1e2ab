"""``marsad export events``: from articles, from marsad JSON/JSONL outputs and from the store;
CSV, JSONL and PLOVER output; CSV cells neutralised against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from marsad.cli import main
from marsad.export import csv_safe, iter_documents, marsad_documents, plover_records
from marsad.model import Document, Entity, Event, Sentence, Span

ARTICLE = (
    "شن الجيش الإسرائيلي غارة جوية على مدينة رفح جنوب قطاع غزة صباح الأحد، "
    "ما أدى إلى مقتل خمسة أشخاص.\n\n"
    "والتقى وزير الخارجية الأمريكي أنتوني بلينكن الرئيس المصري عبد الفتاح السيسي "
    "في القاهرة يوم الاثنين لبحث وقف إطلاق النار.\n"
)
PUBLISHED = "2024-02-12"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    p = tmp_path / "rafah.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    return p


def export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["export", "events", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def jsonl(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def by_type(rows: list[dict[str, Any]], typ: str) -> dict[str, Any]:
    found = [r for r in rows if r["type"] == typ]
    assert len(found) == 1, [r["type"] for r in rows]
    return found[0]


# --- from an article ------------------------------------------------------------------------


def test_csv_from_article(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = export(capsys, str(article), "--published", PUBLISHED, "--format", "csv")
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"ASSAULT", "CONSULT"} <= {r["type"] for r in rows}
    for col in (
        "source_ar", "source_en", "source_qid", "source_country", "target_ar", "target_qid",
        "mode", "cameo", "location", "location_lat", "location_lon", "time", "modality",
        "article", "url", "quote", "quote_text", "evidence", "evidence_start", "evidence_end",
        "start", "end", "trigger",
    ):  # fmt: skip
        assert col in rows[0], col
    for r in rows:
        assert r["article"] == "rafah"
        assert r["published"] == PUBLISHED
        assert ARTICLE[int(r["start"]) : int(r["end"])] == r["trigger"]
        assert ARTICLE[int(r["evidence_start"]) : int(r["evidence_end"])] == r["evidence"]
        assert int(r["evidence_start"]) <= int(r["start"]) < int(r["end"]) <= int(r["evidence_end"])
    strike = by_type(rows, "ASSAULT")
    assert strike["cameo"].startswith("19")
    assert "الجيش الإسرائيلي" in strike["source_ar"]
    assert "رفح" in strike["target_ar"]
    assert strike["evidence"].startswith("شن الجيش")
    meet = by_type(rows, "CONSULT")
    assert meet["trigger"] == "التقى"
    actors = meet["source_ar"] + "; " + meet["target_ar"]
    assert "أنتوني بلينكن" in actors and "عبد الفتاح السيسي" in actors
    assert "Blinken" in meet["source_en"] + meet["target_en"]
    assert meet["location"] == "القاهرة"
    assert 29 < float(meet["location_lat"]) < 31 and 30 < float(meet["location_lon"]) < 32


def test_jsonl_from_article_matches_csv(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = export(capsys, str(article), "--published", PUBLISHED)
    assert rc == 0
    rows = jsonl(out)
    rc, out_csv, _ = export(capsys, str(article), "--published", PUBLISHED, "-f", "csv")
    assert rc == 0
    csv_rows = list(csv.DictReader(io.StringIO(out_csv)))
    assert [r["event"] for r in rows] == [r["event"] for r in csv_rows]
    meet = by_type(rows, "CONSULT")
    assert isinstance(meet["start"], int) and isinstance(meet["location_lat"], float)
    assert meet["modality"] == "asserted"


def test_plover_from_jsonl_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = {
        "id": "art-7",
        "text": ARTICLE,
        "published": PUBLISHED,
        "outlet": "مثال نيوز",
        "url": "https://example.org/news/7",
    }
    inp = tmp_path / "articles.jsonl"
    inp.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    rc, out, err = export(capsys, str(inp), "--format", "plover")
    assert rc == 0, err
    recs = jsonl(out)
    assert len(recs) >= 2
    assert len({r["id"] for r in recs}) == len(recs)
    for r in recs:
        assert r["id"].startswith("art-7-")
        assert len(r["date"]) == 10 and r["date"][4] == "-"
        assert isinstance(r["event"], list) and len(r["event"]) == 1
        assert isinstance(r["mode"], list) and isinstance(r["actor"], list)
        assert r["cite_info"]["url"] == "https://example.org/news/7"
        assert r["cite_info"]["publication"] == "مثال نيوز"
        assert r["cite_info"]["language"] == "ar"
        ti = r["text_info"]
        assert ARTICLE[ti["trigger_start"] : ti["trigger_end"]] == ti["trigger"]
        assert ARTICLE[ti["start"] : ti["end"]] == r["event_text"][0]
    strike = next(r for r in recs if r["event"] == ["ASSAULT"])
    assert strike["cameo"].startswith("19")
    assert any(a["entity_text"] == "الجيش الإسرائيلي" for a in strike["actor"])
    assert any("رفح" in a["entity_text"] for a in strike["recipient"])
    meet = next(r for r in recs if r["event"] == ["CONSULT"])
    people = meet["actor"] + meet["recipient"]
    names = {a["entity_text"] for a in people}
    assert {"أنتوني بلينكن", "عبد الفتاح السيسي"} <= names
    for a in people:  # every actor carries its names, ids and country
        assert {"entity_text_en", "identifier_id", "country", "country_code", "sector"} <= set(a)
        for m in a["mentions"]:
            assert ARTICLE[m["start"] : m["end"]] == m["text"]
    assert {a["country_code"] for a in people} >= {"US", "EG"}
    loc = meet["event_loc"]
    assert loc["extracted_place"] == "القاهرة"
    assert ARTICLE[loc["start"] : loc["end"]] == "القاهرة"
    assert isinstance(loc["lat"], float) and isinstance(loc["lon"], float)


# --- from marsad outputs --------------------------------------------------------------------


def test_json_output_gives_the_same_rows(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_json = tmp_path / "out.json"
    assert main(["analyze", str(article), "--published", PUBLISHED, "-o", str(out_json)]) == 0
    assert json.loads(out_json.read_text(encoding="utf-8"))["schema"] == "marsad.document/1"
    rc, from_article, _ = export(capsys, str(article), "--published", PUBLISHED)
    assert rc == 0
    for fmt in ("jsonl", "plover", "csv"):
        rc, from_json, err = export(capsys, str(out_json), "-f", fmt)
        assert rc == 0, err
        rc, again, _ = export(capsys, str(article), "--published", PUBLISHED, "-f", fmt)
        assert from_json == again  # tokens are not needed: the same rows from the output
    assert from_article.strip()


def test_jsonl_output_with_several_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inp = tmp_path / "in.jsonl"
    recs = [
        {"id": "a1", "text": ARTICLE, "published": PUBLISHED},
        {
            "id": "a2",
            "text": "أدان الرئيس المصري عبد الفتاح السيسي الهجوم.",
            "published": PUBLISHED,
        },
    ]
    inp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), "utf-8")
    outp = tmp_path / "docs.jsonl"
    assert main(["analyze", str(inp), "-f", "jsonl", "-o", str(outp)]) == 0
    docs = marsad_documents(str(outp))
    assert docs is not None and [d.id for d in docs if isinstance(d, Document)] == ["a1", "a2"]
    assert marsad_documents(str(inp)) is None  # articles are not outputs
    rc, out, err = export(capsys, str(outp))
    assert rc == 0, err
    rows = jsonl(out)
    assert {r["article"] for r in rows} == {"a1", "a2"}
    assert by_type([r for r in rows if r["article"] == "a2"], "ACCUSE")["trigger"] == "أدان"


def test_directory_input(article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.md").write_text("ليس مقالا", encoding="utf-8")  # not an input suffix
    rc, out, err = export(capsys, str(tmp_path), "--published", PUBLISHED)
    assert rc == 0, err
    assert {r["article"] for r in jsonl(out)} == {"rafah"}


# --- the corpus store -----------------------------------------------------------------------


def test_db_export_still_works(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.db")
    assert main(["ingest", str(article), "--db", db, "--published", PUBLISHED, "-q"]) == 0
    rc, out, err = export(capsys, "--db", db, "--format", "csv")
    assert rc == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"ASSAULT", "CONSULT"} <= {r["type"] for r in rows}
    assert all(r["doc"] and "merged" in r and r["evidence"] for r in rows)
    rc, out, err = export(capsys, "--db", db, "--format", "plover")
    assert rc == 0, err
    recs = jsonl(out)
    assert len(recs) == len(rows)
    assert all(r["link"] is not None for r in recs)  # the store's merged-event id
    capsys.readouterr()
    assert main(["export", "quotes", "--db", db, "--format", "jsonl"]) == 0
    assert main(["export", "entities", "--db", db, "--format", "csv"]) == 0
    out, _ = capsys.readouterr()
    assert "أنتوني بلينكن" in out


# --- errors ---------------------------------------------------------------------------------


def test_errors_are_coded(
    article: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "missing.txt")
    rc, out, err = export(capsys, missing, str(article), "--published", PUBLISHED)
    assert rc == 1 and "E001" in err
    assert {r["article"] for r in jsonl(out)} == {"rafah"}  # the other input still exported
    rc, _, err = export(capsys, str(article), "--db", str(tmp_path / "x.db"))
    assert rc == 1 and "E012" in err
    capsys.readouterr()
    assert main(["export", "quotes", str(article)]) == 1
    assert "E012" in capsys.readouterr().err
    assert main(["export", "quotes", "--db", str(tmp_path / "x.db"), "-f", "plover"]) == 1
    assert "E012" in capsys.readouterr().err
    rc, _, err = export(capsys, "--db", str(tmp_path / "none.db"))
    assert rc == 1 and "E001" in err
    bad = tmp_path / "bad.jsonl"
    good = json.dumps({"schema": "marsad.document/1", "text": "نص.", "id": "d"})
    bad.write_text(good + "\n{not json\n", encoding="utf-8")
    rc, _, err = export(capsys, str(bad))
    assert rc == 1 and "E006" in err and "bad.jsonl:2" in err
    rc, _, err = export(capsys, str(article), "-o", str(tmp_path / "no" / "dir" / "x.csv"))
    assert rc == 1 and "E011" in err


# --- spreadsheet injection ------------------------------------------------------------------


def test_csv_safe() -> None:
    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe("+972") == "'+972"
    assert csv_safe("-5") == "'-5"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("\t=x") == "'\t=x"
    assert csv_safe("غارة") == "غارة"
    assert csv_safe("a=b") == "a=b"
    assert csv_safe(-5) == -5 and csv_safe(34.5) == 34.5 and csv_safe(None) is None


def _hostile_doc() -> Document:
    text = "=HYPERLINK(x) هاجم @المجموعة مدينة -رفح."
    s = text.index("هاجم")
    a = text.index("=HYPERLINK(x)")
    t = text.index("@المجموعة")
    src = Entity("E1", "ORG", "=HYPERLINK(x)", (Span(a, a + 13, text[a : a + 13]),), "+cmd")
    tgt = Entity("E2", "ORG", "@المجموعة", (Span(t, t + 9, text[t : t + 9]),), "-x")
    ev = Event("V1", "ASSAULT", Span(s, s + 4, "هاجم"), ("E1",), ("E2",), cameo="190")
    return Document(
        text=text,
        id="=evil",
        sentences=(Sentence(0, len(text)),),
        entities=(src, tgt),
        events=(ev,),
    )


def test_csv_cells_are_neutralised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _hostile_doc()
    p = tmp_path / "hostile.json"
    p.write_text(json.dumps(doc.to_dict(), ensure_ascii=False), encoding="utf-8")
    rc, out, err = export(capsys, str(p), "-f", "csv")
    assert rc == 0, err
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["article"] == "'=evil"
    assert row["source_ar"] == "'=HYPERLINK(x)"
    assert row["source_en"] == "'+cmd"
    assert row["target_ar"] == "'@المجموعة"
    assert row["target_en"] == "'-x"
    assert row["evidence"] == "'" + doc.text
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@")), cell
    # JSON keeps the values as they are
    rc, out, _ = export(capsys, str(p), "-f", "jsonl")
    (raw,) = jsonl(out)
    assert raw["source_ar"] == "=HYPERLINK(x)" and raw["article"] == "=evil"


def test_library_functions_on_a_handmade_document() -> None:
    doc = _hostile_doc()
    (rec,) = plover_records(doc)
    assert rec["id"] == "=evil-V1"
    assert rec["date"] is None  # no time and no publication date
    assert [a["marsad_id"] for a in rec["actor"]] == ["E1"]
    assert [a["marsad_id"] for a in rec["recipient"]] == ["E2"]
    assert rec["event_loc"] is None
    dated = doc.replace(events=(replace(doc.events[0], time="2024-01-01/2024-01-07"),))
    (rec,) = plover_records(dated)
    assert (rec["date"], rec["enddate"]) == ("2024-01-01", "2024-01-07")
    assert plover_records(dated.replace(events=()), index=3) == []
    assert list(iter_documents([])) == []
