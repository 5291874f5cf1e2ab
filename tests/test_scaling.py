"""The indexes that keep the pipeline linear in document size give the answers of the scans
they replace, and the NER word-feature cache stays bounded."""

from __future__ import annotations

import random

import pytest

from marsad.events import KBNisba, _nisba_stems, find_events
from marsad.model import Entity
from marsad.ner import features as ner_features
from marsad.ner.features import Featurizer
from marsad.ner.recognize import _Taken
from marsad.pipeline import Pipeline


def test_taken_overlaps_agrees_with_a_scan() -> None:
    rng = random.Random(7)
    for _ in range(50):
        spans = []
        for _ in range(rng.randint(0, 12)):
            s = rng.randint(0, 80)
            spans.append((s, s + rng.randint(1, 15)))  # overlapping and nested ranges too
        spans.sort()
        taken = _Taken(spans)
        for _ in range(40):
            a = rng.randint(0, 100)
            b = a + rng.randint(1, 10)
            assert taken.overlaps(a, b) == any(s < b and a < e for s, e in spans), (spans, a, b)


def test_word_feature_cache_is_bounded_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = "قال الرئيس التونسي إن الحكومة ستعقد اجتماعا مع الوفد الفرنسي في تونس غدا".split()
    fresh = Featurizer()
    expected = [fresh.sentence(words[i:] + words[:i]) for i in range(len(words))]
    monkeypatch.setattr(ner_features, "WORD_CACHE_SIZE", 4)
    small = Featurizer()
    got = [small.sentence(words[i:] + words[:i]) for i in range(len(words))]
    assert got == expected
    assert len(small._cache) == 4
    assert len(fresh._cache) == len(set(words))


def test_nisba_index_matches_the_resolver_on_each_call() -> None:
    text = (
        "استقبلت تونس وفدا من فرنسا، وقالت موسكو إن روسيا تدعم إيران. "
        "وأدانت الخارجية الروسية والحكومة الفرنسية الغارات الإسرائيلية على لبنان."
    )
    doc = Pipeline(["segment", "entities"]).analyze(text)
    # a GPE known by its name only (no KB id) is found through the stems of its name
    ents = [*doc.entities, Entity(f"E{len(doc.entities) + 1}", "GPE", "كوسوفا", ())]
    doc = doc.replace(entities=tuple(ents))
    res = KBNisba.load()
    bound = res.bind(doc)
    words = [t.text for t in doc.tokens if t.kind == "word"] + ["كوسوفية", "الدولية", "مريخية"]
    resolved = {w: res(w, doc) for w in words}
    assert {w: bound(w) for w in words} == resolved
    assert any(v is not None for w, v in resolved.items() if _nisba_stems(w))
    assert resolved["كوسوفية"] == ents[-1].id
    assert resolved["الدولية"] is None


def test_events_of_a_long_document_are_those_of_its_parts() -> None:
    # the per-document indexes (quotes, sentences, times, places) must not mix up articles:
    # a document made of the same article repeated has the same events, repeated
    art = (
        "التقى الرئيس الفرنسي نظيره التونسي في تونس يوم الجمعة 11 أكتوبر 2024. "
        'وقال وزير الخارجية: "سندعم تونس". وأدانت فرنسا الغارات الإسرائيلية على لبنان.'
    )
    pl = Pipeline()
    one = pl.analyze(art, published="2024-10-11")
    many = pl.analyze("\n".join([art] * 5), published="2024-10-11")
    find_events(many)  # runs again on the finished document without error
    assert len(one.events) > 0
    assert len(many.events) == 5 * len(one.events)
    # (times aside: an undated past event takes the publication date in the first three
    # paragraphs only)
    sig = [(e.label, e.modality, e.trigger.text, len(e.source), len(e.target)) for e in one.events]
    got = [(e.label, e.modality, e.trigger.text, len(e.source), len(e.target)) for e in many.events]
    assert got == sig * 5
    assert [e.time for e in many.events[: len(one.events)]] == [e.time for e in one.events]
