"""Real outputs: every bundled example analyses to a schema-valid document whose spans all
index the text."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import marsad

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "src/marsad/schema/document-1.schema.json").read_text())
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))


def test_examples_are_bundled() -> None:
    assert len(EXAMPLES) >= 6
    assert (ROOT / "examples" / "README.md").is_file()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_output_is_schema_valid_and_exact(path: Path) -> None:
    meta = json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    doc = marsad.analyze(text, published=meta.get("published"), id=meta.get("id"))
    d = json.loads(json.dumps(doc.to_dict(tokens=True), ensure_ascii=False))
    jsonschema.validate(d, SCHEMA)
    assert d["text"] == text
    for where, s, e, t in doc.all_spans():
        assert text[s:e] == t, where
    assert not [w for w in doc.warnings if w.code in ("W001", "W002")], doc.warnings
    ids = {e["id"] for e in d["entities"]}
    for q in d["quotes"]:
        assert q["speaker"] is None or q["speaker"] in ids
        assert q["via"] is None or q["via"] in ids
    for v in d["events"]:
        assert set(v["source"]) <= ids and set(v["target"]) <= ids
        assert v["location"] is None or v["location"] in ids
        assert v["quote"] is None or 0 <= v["quote"] < len(d["quotes"])


def test_schema_rejects_broken_documents() -> None:
    doc = marsad.analyze("قال الوزير إن الوضع مستقر.").to_dict()
    jsonschema.validate(doc, SCHEMA)
    for broken in (
        {**doc, "schema": "other/1"},
        {k: v for k, v in doc.items() if k != "times"},
        {**doc, "times": [{"start": 0, "end": 3, "text": "قال", "value": None}]},
        {**doc, "published": "11/10/2024"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, SCHEMA)
