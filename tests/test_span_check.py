"""The pipeline's last step drops, with W002, any record whose span does not match the text
(and leaves a document whose spans all match untouched)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from marsad.model import Document, Segment, Span, TimeExpr, Token
from marsad.pipeline import Pipeline, component

TEXT = "زار الوزير طهران أمس."


@component("test_bad_spans", assigns=("tokens", "times"))
def _make_bad(where: str = "token") -> Callable[[Document], Document]:
    def run(doc: Document) -> Document:
        good_tok = Token(4, 10, "الوزير", "word", "الوزير", (Segment(4, 10, "الوزير", "stem"),))
        bad_tok = Token(11, 16, "طهرا", "word", "طهرا")  # end off by one
        bad_seg = Token(0, 3, "زار", "word", "زار", (Segment(0, 2, "زار", "stem"),))
        good_time = TimeExpr(17, 20, "أمس", "2024-10-10", True)
        bad_time = TimeExpr(17, 19, "أمس")
        toks = {"token": (good_tok, bad_tok), "segment": (good_tok, bad_seg)}.get(
            where, (good_tok,)
        )
        times = (good_time, bad_time) if where == "time" else (good_time,)
        return doc.replace(tokens=toks, times=times)

    return run


@pytest.mark.parametrize("where", ["token", "segment", "time"])
def test_a_bad_span_is_dropped_with_w002(where: str) -> None:
    pl = Pipeline(["test_bad_spans"], config={"test_bad_spans": {"where": where}})
    doc = pl.analyze(TEXT)
    assert [w.code for w in doc.warnings] == ["W002"]
    assert where in doc.warnings[0].message
    assert [t.text for t in doc.times] == ["أمس"]
    if where != "segment":  # a token with a bad segment is reported, not dropped
        assert [t.text for t in doc.tokens] == ["الوزير"]
        for _, s, e, t in doc.all_spans():
            assert doc.text[s:e] == t


def test_matching_spans_leave_the_document_alone() -> None:
    pl = Pipeline(["test_bad_spans"], config={"test_bad_spans": {"where": "none"}})
    doc = pl.analyze(TEXT)
    assert doc.warnings == ()
    assert len(doc.tokens) == 1 and len(doc.times) == 1
    assert doc.span(17, 20) == Span(17, 20, "أمس")
    assert len(list(doc.all_spans(tokens=False))) == 1
