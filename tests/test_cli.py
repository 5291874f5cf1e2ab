"""The marsad command: formats, outputs, coded errors, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "src/marsad/schema/document-1.schema.json").read_text())
EXAMPLE = ROOT / "examples" / "ashgabat-2024-10-11.txt"


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "marsad.cli", *args], input=stdin, capture_output=True, timeout=120
    )


def no_traceback(p: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in p.stderr, p.stderr.decode()


def test_analyze_example_json_is_schema_valid() -> None:
    p = run("analyze", "--format", "json", "--published", "2024-10-11", str(EXAMPLE))
    no_traceback(p)
    assert p.returncode == 0, p.stderr.decode()
    doc = json.loads(p.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["id"] == "ashgabat-2024-10-11"
    assert doc["published"] == "2024-10-11"
    assert doc["text"] == EXAMPLE.read_text(encoding="utf-8")
    assert len(doc["sentences"]) > 20


def test_stdin_text_and_text_format() -> None:
    p = run("analyze", "-", "--format", "text", stdin="قال الوزير إن الوضع مستقر.".encode())
    no_traceback(p)
    assert p.returncode == 0
    assert "1 sentences" in p.stdout.decode()


def test_html_input_extracts_article_text(tmp_path: Path) -> None:
    page = tmp_path / "a.html"
    page.write_text(
        "<html><head><script>alert(1)</script><style>p{}</style></head><body>"
        "<nav>الرئيسية</nav><article><h1>عنوان الخبر</h1><p>قال الوزير &amp; أكد.</p>"
        "<p>فقرة ثانية.</p></article></body></html>",
        encoding="utf-8",
    )
    p = run("analyze", str(page))
    no_traceback(p)
    doc = json.loads(p.stdout)
    assert doc["text"] == "عنوان الخبر\nقال الوزير & أكد.\nفقرة ثانية."
    assert any(w["code"] == "W005" for w in doc["warnings"])
    jsonschema.validate(doc, SCHEMA)


def test_jsonl_bad_records_become_error_records_in_order(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b'{"id": "a", "text": "\xd8\xa3\xd9\x87\xd9\x84\xd8\xa7.", "published": "2024-01-02"}\n'
        b"not json\n"
        b'{"id": "c"}\n'
        b'{"id": "d", "text": "\\ud800 \xd8\xa8"}\n'
        b'{"id": "e", "text": "\xff\xfe"}\n'
        b'{"id": "f", "text": "\xd8\xa8", "published": "yesterday"}\n'
        b'{"id": "g", "text": "\xd8\xa8\xd8\xa7\xd8\xa8"}\n'
    )
    p = run("analyze", str(src), "--format", "jsonl")
    no_traceback(p)
    assert p.returncode == 1  # some records failed
    lines = [json.loads(x) for x in p.stdout.decode().splitlines()]
    assert [d.get("id") for d in lines] == ["a", None, "c", "d", "e", "f", "g"]
    codes = [d.get("error", {}).get("code") for d in lines]
    assert codes == [None, "E006", "E007", "E009", "E002", "E008", None]
    for d in lines:
        jsonschema.validate(d, SCHEMA)
    err = p.stderr.decode().splitlines()
    assert len(err) == 5 and all(line.startswith("marsad: E0") for line in err)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xff\xfe\xfa broken", "E002"),
        (b"   \n\t  ", "E003"),
        (b"\x00\x01\x02\x03binary\x00", "E005"),
    ],
)
def test_bad_text_input_is_one_coded_line(tmp_path: Path, content: bytes, code: str) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(content)
    p = run("analyze", str(f))
    no_traceback(p)
    assert p.returncode == 1
    assert p.stdout == b""
    lines = p.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"marsad: {code} ")


def test_missing_file_and_huge_input(tmp_path: Path) -> None:
    p = run("analyze", str(tmp_path / "nope.txt"))
    no_traceback(p)
    assert p.returncode == 1 and b"E001" in p.stderr
    big = tmp_path / "big.txt"
    big.write_text("كلمة " * 1_000_000, encoding="utf-8")  # 5 MB, 5M characters
    p = run("analyze", str(big))
    no_traceback(p)
    assert p.returncode == 1 and b"E004" in p.stderr


def test_several_inputs_go_to_a_directory(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("وصل الوفد.", encoding="utf-8")
    b.write_text("غادر الوفد.", encoding="utf-8")
    p = run("analyze", str(a), str(b))
    assert p.returncode == 1 and b"E012" in p.stderr
    out = tmp_path / "out"
    p = run("analyze", str(a), str(b), "-o", str(out))
    no_traceback(p)
    assert p.returncode == 0
    assert sorted(x.name for x in out.iterdir()) == ["a.json", "b.json"]
    assert json.loads((out / "b.json").read_text())["text"] == "غادر الوفد."


def test_html_format_escapes_article_markup(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_text("قال <script>alert('x')</script> الوزير.", encoding="utf-8")
    p = run("analyze", str(f), "--format", "html")
    no_traceback(p)
    page = p.stdout.decode()
    assert page.startswith("<!doctype html>")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_components_listing() -> None:
    p = run("components")
    assert p.returncode == 0 and "segment" in p.stdout.decode()
