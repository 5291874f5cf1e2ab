"""Offsets are sacred: every span of every output indexes the original text exactly."""

from __future__ import annotations

import json

from hypothesis import given

import marsad
from marsad.errors import MarsadError
from marsad.normalize import normalize
from strategies import arabic_text


def _check(doc: marsad.Document) -> None:
    text = doc.text
    n = 0
    for where, s, e, t in doc.all_spans():
        assert 0 <= s <= e <= len(text), where
        assert text[s:e] == t, where
        n += 1
    for sent in doc.sentences:
        assert 0 <= sent.start < sent.end <= len(text)
    starts = [s.start for s in doc.sentences]
    assert starts == sorted(starts)
    # the document survives a JSON round trip unchanged
    d = doc.to_dict()
    assert marsad.Document.from_dict(json.loads(json.dumps(d))).to_dict() == d
    assert not [w for w in doc.warnings if w.code == "W002"], doc.warnings


@given(arabic_text())
def test_every_span_matches_text(text: str) -> None:
    try:
        doc = marsad.analyze(text, published="2024-10-11")
    except MarsadError as exc:  # empty / whitespace-only input is a coded error
        assert exc.code.value in {"E003"}, exc
        return
    _check(doc)
    assert not [w for w in doc.warnings if w.code == "W001"], doc.warnings


@given(arabic_text())
def test_normalized_offsets_map_back(text: str) -> None:
    for fold in (False, True):
        n = normalize(text, fold=fold)
        assert len(n.starts) == len(n.ends) == len(n.text)
        prev = 0
        for i in range(len(n.text)):
            s, e = n.starts[i], n.ends[i]
            assert prev <= s < e <= len(text)
            prev = s
        if n.text:
            s, e = n.to_original(0, len(n.text))
            assert 0 <= s <= e <= len(text)
