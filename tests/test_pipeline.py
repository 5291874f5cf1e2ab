from __future__ import annotations

from collections.abc import Callable

import pytest

import marsad
from marsad.errors import Code, MarsadError, PipelineError
from marsad.model import Document
from marsad.pipeline import Pipeline, component


@component("test-boom", requires=("tokens",), assigns=("times",))
def _boom() -> Callable[[Document], Document]:
    def run(doc: Document) -> Document:
        if "انفجار" in doc.text:
            raise RuntimeError("boom")
        return doc

    return run


@component("test-needs-quotes", requires=("quotes_raw",), assigns=("quotes",))
def _needs() -> Callable[[Document], Document]:
    return lambda doc: doc


def test_unknown_component_is_a_clear_error() -> None:
    with pytest.raises(PipelineError) as ei:
        Pipeline(["segment", "no-such-thing"])
    assert ei.value.code is Code.E010 and "no-such-thing" in str(ei.value)


def test_missing_requirement_is_detected_at_build_time() -> None:
    with pytest.raises(PipelineError, match="quotes_raw"):
        Pipeline(["segment", "test-needs-quotes"])
    with pytest.raises(PipelineError, match="tokens"):
        Pipeline(["test-boom"])  # segment must come first


def test_component_failure_becomes_a_warning_and_the_batch_goes_on() -> None:
    pl = Pipeline(["segment", "test-boom"])
    bad = pl.analyze("وقع انفجار في المدينة.")
    good = pl.analyze("وصل الوفد.")
    assert [w.code for w in bad.warnings] == ["W001"]
    assert "boom" in bad.warnings[0].message and bad.warnings[0].step == "test-boom"
    assert bad.sentences  # the steps before it kept their output
    assert good.warnings == ()


def test_analyze_errors_are_coded() -> None:
    for text, code in (("", Code.E003), ("   ", Code.E003), ("\ud800", Code.E009)):
        with pytest.raises(MarsadError) as ei:
            marsad.analyze(text)
        assert ei.value.code is code
    with pytest.raises(MarsadError) as ei:
        marsad.analyze("نص", published="11/10/2024")
    assert ei.value.code is Code.E008
    with pytest.raises(MarsadError) as ei:
        marsad.analyze("ب" * 1_000_001)
    assert ei.value.code is Code.E004


def test_pipe_keeps_order_and_turns_failures_into_warnings() -> None:
    recs = [
        {"text": "وصل الوفد.", "id": "1"},
        {"text": "", "id": "2"},
        {"id": "3"},
        "غادر الوفد.",
        {"text": "بدأ الاجتماع.", "published": "not a date", "id": "5"},
    ]
    docs = list(marsad.pipe(recs))
    assert [d.id for d in docs] == ["1", "2", "3", None, "5"]
    assert [d.warnings[0].code if d.warnings else None for d in docs] == [
        None,
        "E003",
        "E007",
        None,
        "E008",
    ]
    assert docs[3].text == "غادر الوفد."


def test_pipe_with_processes_matches_serial() -> None:
    recs = [{"text": f"وصل الوفد رقم {i}. ثم غادر.", "id": str(i)} for i in range(6)]
    recs.insert(2, {"text": "", "id": "bad"})
    serial = [d.to_dict() for d in marsad.pipe(recs)]
    parallel = [d.to_dict() for d in marsad.pipe(recs, n_process=2, batch_size=2)]
    assert serial == parallel


def test_document_is_immutable_and_round_trips() -> None:
    doc = marsad.analyze("قال الوزير إن الوضع مستقر.", published="2024-10-11", outlet="X")
    with pytest.raises(AttributeError):
        doc.text = "x"  # type: ignore[misc]
    again = Document.from_dict(doc.to_dict())
    assert again.to_dict() == doc.to_dict()
    assert doc.published is not None and doc.published.isoformat() == "2024-10-11"
