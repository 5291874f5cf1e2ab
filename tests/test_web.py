"""The workbench HTTP API, against a real uvicorn server on a loopback port."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is not installed")

from marsad.errors import Code
from marsad.web import app as web_app
from webserver import Server, running_server

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "src/marsad/schema/document-1.schema.json").read_text())
STATIC = ROOT / "src/marsad/web/static"

MEETING = (
    "التقى الرئيس الروسي فلاديمير بوتين الرئيس الإيراني مسعود بزشكيان في موسكو يوم الجمعة.\n"
    "وقال بوتين إن «العلاقات مع إيران قوية جدا».\n"
    "وأعلنت وزارة الدفاع الروسية أن 300 جندي وصلوا إلى المنطقة."
)
ATTACK = (
    "قصفت إسرائيل مواقع في جنوب لبنان يوم الأحد، وقال الجيش الإسرائيلي إن الغارات "
    "استهدفت 12 موقعا.\nواتهم حزب الله إسرائيل بانتهاك وقف إطلاق النار.\n"
    "وهاجمت إسرائيل حزب الله في جنوب لبنان."
)


def post(server: Server, path: str, obj: Any) -> tuple[int, Any]:
    return server.json("POST", path, obj)


def get(server: Server, path: str) -> tuple[int, Any]:
    return server.json("GET", path)


def assert_error(status: int, body: Any, want_status: int, code: Code) -> None:
    assert status == want_status, body
    assert body["error"]["code"] == code.value, body
    assert body["error"]["message"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("web")) as s:
        status, body = post(
            s,
            "/documents",
            [
                {"text": MEETING, "published": "2024-10-11", "outlet": "وكالة تجريبية", "id": "m1"},
                {"text": ATTACK, "published": "2024-11-03", "outlet": "موقع تجريبي", "id": "a1"},
            ],
        )
        assert status == 200, body
        assert body["added"] == 2, body
        yield s


# --- /analyze ---------------------------------------------------------------------------------


def test_analyze_returns_schema_valid_document_with_exact_spans(server: Server) -> None:
    import jsonschema

    status, doc = post(server, "/analyze", {"text": MEETING, "published": "2024-10-11"})
    assert status == 200, doc
    jsonschema.validate(doc, SCHEMA)
    assert doc["text"] == MEETING
    assert doc["published"] == "2024-10-11"
    spans = [m for e in doc["entities"] for m in e["mentions"]]
    spans += doc["times"] + doc["quantities"] + doc["quotes"]
    spans += [ev["trigger"] for ev in doc["events"]]
    assert len(spans) > 5
    for s in spans:
        assert MEETING[s["start"] : s["end"]] == s["text"]
    assert any(e["wikidata"] == "Q7747" for e in doc["entities"])  # Vladimir Putin
    assert any(t["value"] == "2024-10-11" for t in doc["times"])


def test_analyze_plain_text_body_and_tokens(server: Server) -> None:
    status, _, data = server.request(
        "POST",
        "/analyze?published=2024-10-11&tokens=true",
        MEETING.encode("utf-8"),
        "text/plain; charset=utf-8",
    )
    assert status == 200
    doc = json.loads(data)
    assert doc["text"] == MEETING and doc["published"] == "2024-10-11"
    assert doc["tokens"] and all(MEETING[t["start"] : t["end"]] == t["text"] for t in doc["tokens"])


def test_analyze_keeps_markup_as_text(server: Server) -> None:
    text = "قال الوزير <script>alert(1)</script> إن <img src=x onerror=alert(2)> الوضع هادئ."
    status, doc = post(server, "/analyze", {"text": text})
    assert status == 200
    assert doc["text"] == text


# --- limits and coded errors ----------------------------------------------------------------


def test_document_over_one_mebibyte_is_413(server: Server) -> None:
    text = "ا" * (web_app.MAX_DOCUMENT_BYTES // 2 + 1)  # 2 bytes each in UTF-8
    status, body = post(server, "/analyze", {"text": text})
    assert_error(status, body, 413, Code.E004)
    assert "MAX_DOCUMENT_BYTES" in body["error"]["detail"]
    # just under the limit is accepted by the size check (and analysed)
    ok, _ = post(server, "/analyze", {"text": "بوتين " * 1000})
    assert ok == 200


def raw_request(server: Server, head: bytes) -> tuple[bytes, bytes]:
    """Send raw bytes and read the whole response (the server closes the connection)."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(head)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            status_head, _, body = data.partition(b"\r\n\r\n")
            m = re.search(rb"content-length: (\d+)", status_head, re.I)
            if m and len(body) >= int(m.group(1)):
                break
    status_head, _, body = data.partition(b"\r\n\r\n")
    return status_head, body


def test_declared_body_over_the_limit_is_413_before_reading(server: Server) -> None:
    n = web_app.MAX_SINGLE_BODY_BYTES + 1
    head, body = raw_request(
        server,
        b"POST /analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {n}\r\nConnection: close\r\n\r\n".encode()
        + b'{"text": "',
    )
    assert head.startswith(b"HTTP/1.1 413"), head
    assert json.loads(body)["error"]["code"] == "E004"


def test_too_many_documents_in_one_request_is_413(server: Server) -> None:
    batch = [{"text": "نص"}] * (web_app.MAX_BATCH_DOCUMENTS + 1)
    status, body = post(server, "/documents", batch)
    assert_error(status, body, 413, Code.E004)


def test_one_oversized_document_in_a_batch_fails_alone(server: Server) -> None:
    big = "ب" * (web_app.MAX_DOCUMENT_BYTES // 2 + 1)
    status, body = post(
        server, "/documents", [{"text": big}, {"text": "زار الرئيس الفرنسي الجزائر.", "id": "b2"}]
    )
    assert status == 200, body
    assert body["failed"] == 1 and body["added"] + body["unchanged"] == 1
    assert body["results"][0]["error"]["code"] == "E004"
    assert body["results"][1]["doc"] is not None


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"text": "abc"', b"\xff\xfe", b"", b"[1, 2"],
    ids=["bad-syntax", "truncated", "not-utf8", "empty", "open-list"],
)
def test_malformed_json_is_400_with_a_code(server: Server, body: bytes) -> None:
    for path in ("/analyze", "/documents"):
        status, _, data = server.request("POST", path, body)
        err = json.loads(data)
        assert status == 400, err
        assert err["error"]["code"] in ("E014", "E002"), err


@pytest.mark.parametrize(
    ("obj", "code"),
    [
        ({"txt": "بوتين"}, Code.E007),
        ({"text": 17}, Code.E007),
        ([], Code.E007),
        ("just a string", Code.E007),
        ({"text": "   "}, Code.E003),
        ({"text": "بوتين", "published": "yesterday"}, Code.E008),
        ({"text": "بوتين", "outlet": {"a": 1}}, Code.E008),
        ({"text": "a\x00b"}, Code.E005),
    ],
)
def test_unusable_input_is_400_with_its_code(server: Server, obj: Any, code: Code) -> None:
    path = "/documents" if isinstance(obj, list) else "/analyze"
    status, body = post(server, path, obj)
    assert_error(status, body, 400, code)


def test_unsupported_content_type_is_415(server: Server) -> None:
    status, _, data = server.request("POST", "/analyze", b"<a/>", "application/xml")
    assert_error(status, json.loads(data), 415, Code.E012)


@pytest.mark.parametrize(
    "path",
    [
        "/documents/999999",
        "/documents/no-such-doc",
        "/entities/person%2Fno-such-person",
        "/entities/name:لا يوجد/timeline",
        "/no/such/route",
    ],
)
def test_unknown_id_is_404_with_a_code(server: Server, path: str) -> None:
    status, body = get(server, quote(path, safe="/:%"))
    assert_error(status, body, 404, Code.E015)


def test_bad_query_values_are_400(server: Server) -> None:
    for path in ("/events?modality=maybe", "/events?from=last-week", "/search?limit=x"):
        status, body = get(server, quote(path, safe="/?=&"))
        assert_error(status, body, 400, Code.E008)


def test_wrong_method_is_405_with_a_code(server: Server) -> None:
    status, _, data = server.request("DELETE", "/documents/1")
    assert_error(status, json.loads(data), 405, Code.E012)


def test_analysis_timeout_is_504(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from marsad.pipeline import component

    @component("_web_test_sleep", requires=(), assigns=())
    def make_sleep() -> Any:
        def run(doc: Any) -> Any:
            time.sleep(1.0)
            return doc

        return run

    monkeypatch.setattr(web_app, "ANALYZE_TIMEOUT_S", 0.2)
    with running_server(tmp_path, db=False, pipeline=["_web_test_sleep"]) as s:
        status, body = post(s, "/analyze", {"text": "نص قصير"})
    assert_error(status, body, 504, Code.E016)


def test_slow_body_is_408(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_app, "BODY_TIMEOUT_S", 0.3)
    head, body = raw_request(
        server,
        b"POST /analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\nConnection: close\r\n\r\n{"text": ',
    )
    assert head.startswith(b"HTTP/1.1 408"), head
    assert json.loads(body)["error"]["code"] == "E016"


# --- the corpus ---------------------------------------------------------------------------------


def test_documents_list_and_read_back(server: Server) -> None:
    status, page = get(server, "/documents")
    assert status == 200
    by_id = {d["id"]: d for d in page["items"]}
    assert {"m1", "a1"} <= set(by_id)
    assert page["total"] >= 2
    n = by_id["m1"]["doc"]
    status, doc = get(server, f"/documents/{n}")
    assert status == 200 and doc["text"] == MEETING and doc["id"] == "m1"
    status, same = get(server, "/documents/m1")
    assert status == 200 and same == doc
    status, page = get(server, "/documents?from=2024-11-01")
    assert [d["id"] for d in page["items"]] == ["a1"]


def test_posting_the_same_document_again_is_unchanged(server: Server) -> None:
    status, body = post(server, "/documents", {"text": MEETING, "published": "2024-10-11"})
    assert status == 200
    assert body["status"] == "unchanged"


def test_entities_by_name_and_entity_page(server: Server) -> None:
    status, items = get(server, "/entities?q=" + quote("بوتين"))
    assert status == 200
    putin = next(e for e in items if e["wikidata"] == "Q7747")
    assert putin["name_en"] == "Vladimir Putin" and putin["docs"] >= 1
    status, items_en = get(server, "/entities?q=putin")
    assert any(e["id"] == putin["id"] for e in items_en)
    status, info = get(server, "/entities/" + quote(putin["id"]))
    assert status == 200, info
    assert set(info["relations"]) == {"met", "praised", "accused", "attacked"}
    met = {r["name"] for r in info["relations"]["met"]}
    assert any("بزشكيان" in (n or "") for n in met), info["relations"]
    assert info["quotes"] >= 1


def test_entity_timeline(server: Server) -> None:
    status, items = get(server, "/entities?q=" + quote("بوتين"))
    key = items[0]["id"]
    status, tl = get(server, "/entities/" + quote(key) + "/timeline")
    assert status == 200
    assert tl["entity"]["id"] == key
    kinds = {i["kind"] for i in tl["items"]}
    assert kinds == {"event", "quote"}, tl
    assert all(i["date"] == "2024-10-11" for i in tl["items"])


def test_who_attacked_and_accused_whom(server: Server) -> None:
    _, items = get(server, "/entities?q=" + quote("إسرائيل"))
    israel = next(e for e in items if e["name_ar"] == "إسرائيل")
    _, info = get(server, "/entities/" + quote(israel["id"]))
    attacked = {r["name"] for r in info["relations"]["attacked"]}
    assert "حزب الله" in attacked, info["relations"]
    assert info["relations"]["met"] == [] and info["relations"]["praised"] == []
    _, items = get(server, "/entities?q=" + quote("حزب الله"))
    _, info = get(server, "/entities/" + quote(items[0]["id"]))
    assert "إسرائيل" in {r["name"] for r in info["relations"]["accused"]}, info["relations"]


def test_events_filters_and_csv(server: Server) -> None:
    status, rows = get(server, "/events")
    assert status == 200 and rows
    status, consult = get(server, "/events?type=CONSULT")
    assert consult and all(r["type"] == "CONSULT" for r in consult)
    status, putin = get(server, "/events?actor=" + quote("بوتين"))
    assert putin and all("بوتين" in (r["source"] or "") + (r["target"] or "") for r in putin)
    status, late = get(server, "/events?from=2024-11-01")
    assert late and all(r["date"] >= "2024-11-01" for r in late)
    status, early = get(server, "/events?to=2024-10-31")
    assert early and all(r["date"] <= "2024-10-31" for r in early)
    status, asserted = get(server, "/events?modality=asserted")
    assert all(r["modality"] == "asserted" for r in asserted)
    status, headers, data = server.request("GET", "/events?format=csv&type=CONSULT")
    assert status == 200
    assert headers["content-type"].startswith("text/csv")
    assert "attachment" in headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(table) == len(consult)
    assert {r["trigger"] for r in table} == {r["trigger"] for r in consult}


def test_event_locations_for_the_map(server: Server) -> None:
    status, places = get(server, "/locations")
    assert status == 200 and places
    status, rows = get(server, "/events")
    assert sum(p["events"] for p in places) == sum(1 for r in rows if r["location"])
    moscow = next(p for p in places if p["name_en"] == "Moscow")
    assert 55 < moscow["lat"] < 56 and 37 < moscow["lon"] < 38
    status, only = get(server, "/locations?type=ASSAULT")
    assert only and all("ASSAULT" in p["types"] for p in only)
    assert "Moscow" not in {p["name_en"] for p in only}


def test_csv_cells_cannot_be_formulas() -> None:
    out = web_app._csv([{"a": "=HYPERLINK(1)", "b": "-2", "c": "نص"}], ["a", "b", "c"])
    row = next(iter(csv.DictReader(io.StringIO(out))))
    assert row == {"a": "'=HYPERLINK(1)", "b": "'-2", "c": "نص"}


def test_quotes_by_speaker(server: Server) -> None:
    status, rows = get(server, "/quotes?speaker=" + quote("بوتين"))
    assert status == 200
    assert any("العلاقات مع إيران" in r["text"] for r in rows), rows
    assert all(r["speaker"] for r in rows)
    status, none = get(server, "/quotes?speaker=" + quote("شخص لا وجود له"))
    assert none == []


def test_search_with_filters(server: Server) -> None:
    status, hits = get(server, "/search?q=" + quote("موسكو"))
    assert status == 200
    assert [h["doc"] for h in hits] and all("موسكو" in h["snippet"] for h in hits)
    status, none = get(server, "/search?q=" + quote("موسكو") + "&from=2024-11-01")
    assert none == []
    status, by_type = get(server, "/search?type=ASSAULT")
    assert by_type and all("لبنان" in h["title"] for h in by_type)


# --- uploads ---------------------------------------------------------------------------------


def test_upload_is_saved_inside_its_folder(server: Server) -> None:
    name = "../../outside.txt"
    status, _, data = server.request(
        "POST", "/uploads?name=" + quote(name), MEETING.encode(), "application/octet-stream"
    )
    assert status == 200, data
    doc = json.loads(data)
    saved = doc["upload"]["file"]
    assert "/" not in saved and ".." not in saved
    assert (server.uploads / saved).read_text(encoding="utf-8") == MEETING
    assert not (server.uploads.parent / "outside.txt").exists()
    assert not (server.uploads.parent.parent / "outside.txt").exists()
    assert doc["text"] == MEETING


@pytest.mark.parametrize("name", ["..", "/etc/passwd", "a/../../b.txt", "..\\..\\win.txt", ".x"])
def test_upload_names_stay_in_the_folder(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "up"
    folder.mkdir()
    path = web_app.safe_upload_path(folder, name)
    assert path.parent == folder.resolve()
    assert not path.name.startswith(".")


def test_uploads_of_one_name_do_not_overwrite_each_other(tmp_path: Path) -> None:
    folder = tmp_path / "up"
    folder.mkdir()
    first = web_app.safe_upload_path(folder, "../a.txt")
    first.write_text("1")
    second = web_app.safe_upload_path(folder, "a.txt")
    assert second != first and second.parent == folder.resolve()
    assert second.name == "a-1.txt"


def test_html_upload_is_extracted_and_flagged(server: Server) -> None:
    page = (
        "<html><body><nav>menu</nav><article><p>التقى بوتين بزشكيان في موسكو.</p>"
        "<script>alert(1)</script></article></body></html>"
    )
    status, _, data = server.request(
        "POST", "/uploads?name=page.html&ingest=true", page.encode(), "application/octet-stream"
    )
    assert status == 200, data
    doc = json.loads(data)
    assert "alert" not in doc["text"] and "بوتين" in doc["text"]
    assert any(w["code"] == "W005" for w in doc["warnings"])
    assert doc["upload"]["doc"] is not None


# --- service ---------------------------------------------------------------------------------


def test_cors_is_off_by_default(server: Server) -> None:
    import urllib.request

    req = urllib.request.Request(server.url + "/health", headers={"Origin": "https://evil.test"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert "access-control-allow-origin" not in {k.lower() for k in r.headers}
    status, _, _ = server.request("OPTIONS", "/analyze")
    assert status == 405


def test_other_host_names_are_refused(server: Server) -> None:
    """A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) gets nothing."""
    head, body = raw_request(
        server, b"GET /documents HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n"
    )
    assert head.startswith(b"HTTP/1.1 400"), head
    assert json.loads(body)["error"]["code"] == "E008"
    port = server.url.rsplit(":", 1)[1]
    head, _ = raw_request(
        server,
        f"GET /health HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n".encode(),
    )
    assert head.startswith(b"HTTP/1.1 200"), head


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded"])
def test_writes_refuse_content_types_a_cross_site_form_can_send(server: Server, ctype: str) -> None:
    record = json.dumps({"text": "زار الرئيس الفرنسي المغرب.", "id": "csrf"}).encode()
    status, _, data = server.request("POST", "/documents", record, ctype)
    assert_error(status, json.loads(data), 415, Code.E012)
    status, _, data = server.request("POST", "/uploads?name=x.txt&ingest=true", record, ctype)
    assert_error(status, json.loads(data), 415, Code.E012)
    _, page = get(server, "/documents?limit=1000")
    assert "csrf" not in {d["id"] for d in page["items"]}


def test_openapi_and_offline_docs(server: Server) -> None:
    status, spec = get(server, "/openapi.json")
    assert status == 200
    for path in (
        "/analyze",
        "/documents",
        "/documents/{doc_id}",
        "/entities",
        "/entities/{entity_id}",
        "/entities/{entity_id}/timeline",
        "/events",
        "/quotes",
        "/search",
    ):
        assert path in spec["paths"], path
    status, _, page = server.request("GET", "/docs")
    assert status == 200 and b"/static/docs.js" in page


def test_ui_is_served_with_a_strict_content_security_policy(server: Server) -> None:
    status, headers, page = server.request("GET", "/")
    assert status == 200 and b'id="article-input"' in page
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    for name in ("app.js", "style.css", "docs.js"):
        status, _, _ = server.request("GET", f"/static/{name}")
        assert status == 200
    status, _, _ = server.request("GET", "/static/../app.py")
    assert status == 404


def test_static_files_work_offline_and_never_use_inner_html() -> None:
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        # no CDN or other remote asset: every src/href/url()/import is local
        remote = re.findall(r"""(?:src|href)=["']https?://|url\(\s*["']?https?://|@import""", text)
        assert not remote, (path.name, remote)
        if path.suffix == ".js":
            assert not re.search(r"\.(inner|outer)HTML\b|insertAdjacentHTML|document\.write", text)
            assert "eval(" not in text and "new Function" not in text


def test_corpus_endpoints_without_a_corpus_are_404(tmp_path: Path) -> None:
    with running_server(tmp_path, db=False) as s:
        status, body = get(s, "/documents")
        assert_error(status, body, 404, Code.E015)
        status, doc = post(s, "/analyze", {"text": MEETING})
        assert status == 200 and doc["text"] == MEETING


def test_serve_command_binds_to_localhost_by_default() -> None:
    from marsad.web.cli import DEFAULT_HOST

    assert DEFAULT_HOST == "127.0.0.1"
    p = subprocess.run(
        [sys.executable, "-m", "marsad.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    assert "127.0.0.1" in p.stdout and "--db" in p.stdout and "--port" in p.stdout


def test_serve_command_starts_and_answers(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "marsad.cli", "serve", "--db", str(tmp_path / "c.db")]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        srv = Server(f"http://127.0.0.1:{port}", tmp_path / "c.db", tmp_path / "c.db.uploads")
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(srv, "/health")
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert status == 200 and body["corpus"] == {"documents": 0}
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in err


def test_core_library_and_cli_need_no_web_packages(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['fastapi'] = None\n"
        "sys.modules['uvicorn'] = None\n"
        "import marsad\n"
        "from marsad.cli import main\n"
        "assert marsad.analyze('زار بوتين طهران.').text\n"
        "rc = main(['serve', '--db', sys.argv[1], '--port', '1'])\n"
        "print('rc', rc)\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in p.stderr, p.stderr
    assert "rc 1" in p.stdout
    assert "E012" in p.stderr and "marsad[web]" in p.stderr
