"""Fast paths give the same answers as the slow ones: the span check (W002), the offset map of
normalisation (runs of deleted characters, cached short texts) and per-document clitic splits."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from marsad.model import Document, Segment, Span, TimeExpr, Token
from marsad.normalize import _normalize, normalize
from marsad.pipeline import Pipeline, component
from marsad.segment import Segmenter

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


@pytest.mark.parametrize(
    "text",
    [
        "الرئيسُ",
        "مـــصر",
        "أَعْلَنَ الوزيرُ",
        "إيران",
        "مصطفى",
        "ــ",
        "",
        "\u200fطهران\u200e",
        "سلامٌ " * 20,
    ],
)
def test_normalize_offsets_match_a_per_character_map(text: str) -> None:
    for fold in (False, True):
        n = normalize(text, fold=fold)
        assert n == _normalize(text, fold)  # cached or not, the same answer
        assert normalize(text, fold=fold) is normalize(text, fold=fold) or len(text) > 48
        assert len(n.starts) == len(n.ends) == len(n.text)
        for i, ch in enumerate(n.text):  # each kept character maps back to one it came from
            s, e = n.starts[i], n.ends[i]
            assert e == s + 1
            assert normalize(text[s:e], fold=fold).text == ch
    # folding differs from the unfolded view and is cached apart
    assert normalize("مصطفى", fold=True).text == "مصطفي"
    assert normalize("مصطفى").text == "مصطفى"


def test_repeated_words_split_alike_at_each_occurrence() -> None:
    text = "وطهران مدينة كبيرة، وطهران عاصمة. والوزير في طهران والوزير هنا."
    toks = Segmenter().tokens(text)
    words = [t for t in toks if t.text in ("وطهران", "والوزير")]
    assert len(words) == 4
    for t in words:
        assert t.segments[0].text == "و" and t.segments[0].role == "proclitic"
        assert t.host_start == t.start + 1
        for g in t.segments:
            assert text[g.start : g.end] == g.text
    first, second = words[0], words[1]
    assert [g.role for g in first.segments] == [g.role for g in second.segments]
