"""The NER model: corpus cleaning, scoring, training on a tiny corpus, the shipped model and
the ``ner`` component."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from marsad.components.ner import make_ner
from marsad.components.segment import make_segment
from marsad.model import Document, Entity, Span
from marsad.ner.corpus import (
    clean_tag,
    clean_token,
    from_bilou,
    parse_conll,
    parse_wojood,
    repair_bio,
    spans_of,
    to_bilou,
)
from marsad.ner.evaluate import score
from marsad.ner.features import Featurizer
from marsad.ner.recognize import place_type, recognize
from marsad.ner.tagger import NerTagger, default_tagger
from marsad.normalize import normalize_key

SHARED = Path(__file__).parents[1] / "../shared"


# -- corpus cleaning -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("B-PERS", "B-PER"),
        ("I-PER", "I-PER"),
        ("I--ORG", "I-ORG"),
        ("IO", "O"),
        ("OO", "O"),
        ("O", "O"),
        ("B-MIS0", "B-MISC"),
        ("I-MIS1", "I-MISC"),
        ("B-MIS-2", "B-MISC"),
        ("B-MISS1", "B-MISC"),
        ("B-MIS", "B-MISC"),
        ("B-SPANISH", "O"),
        ("b-loc", "B-LOC"),
    ],
)
def test_clean_tag(raw: str, clean: str) -> None:
    assert clean_tag(raw) == clean


def test_clean_token_and_empty_lines() -> None:
    assert clean_token("\u200fحين\u200f") == "حين"
    sents = parse_conll(["-DOCSTART- -X- -X- -X- O", "", "في O", "\u200f O", "حين‏ O", "", ""])
    assert len(sents) == 1
    assert sents[0].tokens == ("في", "حين")
    kept = parse_conll(["في O", "\u200f O"], keep_empty=True)
    assert kept[0].tokens == ("في", "")


def test_repair_bio_and_bilou() -> None:
    assert repair_bio(["O", "I-PER", "I-PER", "I-LOC"]) == ("O", "B-PER", "I-PER", "B-LOC")
    bio = ("B-PER", "I-PER", "I-PER", "O", "B-LOC", "B-ORG", "I-ORG")
    bilou = to_bilou(bio)
    assert bilou == ("B-PER", "I-PER", "L-PER", "O", "U-LOC", "B-ORG", "L-ORG")
    assert from_bilou(bilou) == bio


def test_wojood_flattening_keeps_longest_mapped_spans() -> None:
    lines = [
        "مجلس B-ORG",
        "الأمن I-ORG",
        "ضد I-ORG",
        "الأسد I-ORG B-PERS",
        "في O",
        "نابلس B-GPE",
        "سكرتير B-OCC",
        "اللجنة I-OCC B-ORG",
        "القومية I-OCC I-ORG",
        "1948 B-DATE",
    ]
    (s,) = parse_wojood(lines)
    assert s.tags == (
        "B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "O", "B-ORG", "I-ORG", "O",
    )  # fmt: skip


# -- scoring ---------------------------------------------------------------------------------
def test_spans_follow_conlleval() -> None:
    assert spans_of(["B-PER", "I-PER", "O", "I-LOC", "I-ORG", "B-ORG"]) == [
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "ORG"),
        (5, 6, "ORG"),
    ]


def test_score_arithmetic() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "I-ORG", "O"]]
    pred = [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "O", "O"]]
    s = score(gold, pred)
    d = s.to_dict()
    assert d["overall"]["correct"] == 1
    assert d["overall"]["gold"] == 3
    assert d["overall"]["predicted"] == 3
    assert d["per_type"]["PER"]["f1"] == 1.0
    assert d["per_type"]["LOC"]["recall"] == 0.0
    assert d["per_type"]["ORG"]["precision"] == 0.0
    assert s.prf()[2] == pytest.approx(1 / 3)
    assert s.prf(["PER", "LOC"]) == pytest.approx((1.0, 1 / 2, 2 / 3))
    with pytest.raises(ValueError):
        score([["O"]], [["O", "O"]])


def test_evaluate_conll_writes_one_prediction_per_token(tmp_path: Path) -> None:
    from marsad.ner.evaluate import evaluate_conll, main

    conll = tmp_path / "gold.txt"
    conll.write_text(
        "وقال O\nالرئيس O\nالفرنسي O\nإيمانويل B-PERS\nماكرون I-PERS\nفي O\n"
        "\u200f O\nباريس B-LOC\n. O\n\nزار O\nالوفد O\nتونس B-LOC\n. O\n",
        encoding="utf-8",
    )
    preds = tmp_path / "pred.txt"
    s = evaluate_conll(conll, predictions=preds)
    blocks = [b.splitlines() for b in preds.read_text("utf-8").strip().split("\n\n")]
    assert [len(b) for b in blocks] == [9, 4]
    rows = [line.split(" ") for b in blocks for line in b]
    assert rows[3][:2] == ["إيمانويل", "B-PER"]
    assert rows[6][2] == "O"  # a token of invisible marks only
    gold = [[r[1] for r in (x.split(" ") for x in b)] for b in blocks]
    pred = [[r[2] for r in (x.split(" ") for x in b)] for b in blocks]
    assert score(gold, pred).to_dict() == s.to_dict()
    assert s.gold["PER"] == 1 and s.gold["LOC"] == 2
    assert main(["--conll", str(conll), "--json"]) == 0


# -- features --------------------------------------------------------------------------------
def test_features_strip_proclitics_and_are_deterministic() -> None:
    f = Featurizer()
    wf = f.word_features("وطهران")
    assert wf["w"] == "وطهران"
    assert wf["h"] == "طهران"
    assert wf["pc"] == "و"
    a = f.sentence(["زار", "الوزير", "وطهران", "."])
    b = Featurizer().sentence(["زار", "الوزير", "وطهران", "."])
    assert a == b
    assert "-1w=الوزير" in a[2]
    assert "EOS" in a[3]
    assert "BOS" in a[0]


def test_features_ignore_names_registered_in_the_shared_lexicon() -> None:
    from marsad.segment import default_lexicon

    word = "وكفرسلامة"
    before = Featurizer().word_features(word)
    shared = default_lexicon()
    saved = dict(shared._counts)
    try:
        shared.add(["كفرسلامة"], count=5000)
        assert Featurizer().word_features(word) == before
    finally:
        shared._counts.clear()
        shared._counts.update(saved)


def test_clusters_roundtrip(tmp_path: Path) -> None:
    from marsad.ner.clusters import Clusters

    c = Clusters({"تونس": (3, 17), "#": (1, 2), "باريس": (3, 18)})
    c.save(tmp_path / "c.tsv.gz", header="a header\nsecond line")
    back = Clusters.load(tmp_path / "c.tsv.gz")
    assert back.table == c.table
    assert back.get("تونس") == (3, 17)
    assert back.get("لندن") is None


# -- training end to end on a tiny synthetic corpus ------------------------------------------
_PEOPLE = ["سامر", "كريم", "نادر", "وليد", "هشام", "عادل"]
_PLACES = ["طرابلس", "صفاقس", "حلب", "الموصل", "وهران", "أغادير"]
_ORGS = ["شركة", "جمعية", "نقابة"]


def _tiny_corpus(root: Path) -> None:
    sents = []
    for i, p in enumerate(_PEOPLE):
        place = _PLACES[i]
        org = _ORGS[i % 3]
        sents.append(
            [("قال", "O"), (p, "B-PERS"), ("الحداد", "I-PERS"), ("في", "O"), (place, "B-LOC"),
             ("إن", "O"), (org, "B-ORG"), ("النور", "I-ORG"), ("تعمل", "O"), (".", "O")]
        )  # fmt: skip
    (root / "anercorp").mkdir(parents=True)
    (root / "aqmar").mkdir()
    for name, part in (("train.txt", sents[:4] * 3), ("dev.txt", sents[4:])):
        with open(root / "anercorp" / name, "w", encoding="utf-8") as fh:
            for s in part:
                fh.write("".join(f"{w} {t}\n" for w, t in s) + "\n")
    for k in range(2):
        with open(root / "aqmar" / f"article{k}.txt", "w", encoding="utf-8") as fh:
            fh.write(f"زار O\n{_PEOPLE[k]} B-PER\n{_PLACES[k]} B-LOC\n. O\n\n")
    news = root / "news"
    news.mkdir()
    body = " ".join(f"زار {p} مدينة {c} ." for p in _PEOPLE for c in _PLACES)
    (news / "a.txt").write_text(f"<DOC><TITLE>خبر</TITLE><TEXT>{body}</TEXT></DOC>", "utf-8")


def test_training_end_to_end(tmp_path: Path) -> None:
    from marsad.ner.train import main

    data = tmp_path / "data"
    _tiny_corpus(data)
    out = tmp_path / "model"
    report = tmp_path / "report.json"
    args = ["--seed", "0", "--out", str(out), "--data", str(data), "--news", str(data / "news")]
    args += ["--iterations", "30", "--aqmar-dev", "1", "--family", "all", "--report", str(report)]
    assert main([*args, "--final"]) == 0
    for name in ("model.crfsuite.gz", "clusters.tsv.gz", "meta.json"):
        assert (out / name).is_file()
    rep = json.loads(report.read_text("utf-8"))
    assert set(rep) >= {"crf", "perceptron"}
    assert rep["crf"]["anercorp_dev"]["sentences"] == 2
    meta = json.loads((out / "meta.json").read_text("utf-8"))
    assert meta["final"] is True
    tagger = NerTagger(out)
    tags = tagger.tag(["قال", "سامر", "الحداد", "في", "طرابلس", "."])
    assert tags[1:3] == ["B-PER", "I-PER"]
    assert tags[4] == "B-LOC"
    # the same seed and data give the same model, byte for byte
    out2 = tmp_path / "model2"
    assert main([*args, "--final", "--out", str(out2)]) == 0
    for name in ("model.crfsuite.gz", "clusters.tsv.gz"):
        assert gzip.decompress((out / name).read_bytes()) == gzip.decompress(
            (out2 / name).read_bytes()
        )


# -- the shipped model -----------------------------------------------------------------------
def test_shipped_model_loads_once_and_tags() -> None:
    t = default_tagger()
    assert default_tagger() is t
    assert t.meta["version"].startswith("ner-")
    assert t.tag([]) == []
    tags = t.tag(["وقال", "الرئيس", "الفرنسي", "إيمانويل", "ماكرون", "في", "باريس", "."])
    assert tags[3:5] == ["B-PER", "I-PER"]
    assert tags[6] == "B-LOC"
    assert tags[0] == tags[1] == tags[5] == tags[7] == "O"


def _analyze(text: str, entities: tuple[Entity, ...] = ()) -> Document:
    doc = make_segment()(Document(text=text))
    return make_ner()(doc.replace(entities=entities))


# Names a knowledge base of well-known entities would not hold: a village, a local official,
# a small company.
_TEXT = (
    "وقال سامي العتيبي، رئيس بلدية قرية كفر الديك، إن الأهالي طالبوا بإصلاح الطريق. "
    "وأكد العتيبي أن شركة النسيم للمقاولات ستبدأ الأشغال الأسبوع المقبل."
)


def test_component_finds_unknown_names_with_span_conventions() -> None:
    doc = _analyze(_TEXT)
    assert doc.entities, "no entity found"
    for e in doc.entities:
        assert e.kb_id is None and e.wikidata is None
        assert e.confidence is not None and 0.0 < e.confidence <= 1.0
        for m in e.mentions:
            assert doc.text[m.start : m.end] == m.text
            assert not m.text.startswith(("و", "ب", "ل")) or normalize_key(m.text) in {
                normalize_key(x) for x in ("لبنان",)
            }
            assert m.text == m.text.strip(" .،")
    people = [e for e in doc.entities if e.type == "PERSON"]
    assert any("سامي العتيبي" in e.name_ar for e in people)
    # the later bare surname joins the full name
    full = next(e for e in people if "سامي العتيبي" in e.name_ar)
    assert [m.text for m in full.mentions] == ["سامي العتيبي", "العتيبي"]
    assert [e.id for e in doc.entities] == [f"E{i}" for i in range(1, len(doc.entities) + 1)]


def test_component_types_places() -> None:
    doc = _analyze("وصرح المتحدث مراد الكيلاني لوكالة الأنباء بأن الاجتماع عقد في مدينة عين سلامة.")
    found = {(e.type, e.name_ar) for e in doc.entities}
    assert ("PERSON", "مراد الكيلاني") in found
    assert ("GPE", "عين سلامة") in found


def test_leading_proclitic_is_outside_the_span() -> None:
    doc = _analyze("التقى الوزير بسامي العتيبي ولسامي العتيبي رأي آخر.")
    spans = [m.text for e in doc.entities for m in e.mentions]
    assert "سامي العتيبي" in spans
    assert not any(s.startswith(("ب", "ول")) for s in spans)


def test_existing_entities_are_kept_and_never_overlapped() -> None:
    seg = make_segment()(Document(text=_TEXT))
    start = _TEXT.index("سامي العتيبي")
    existing = (
        Entity("E1", "PERSON", "سامي العتيبي", (seg.span(start, start + len("سامي العتيبي")),)),
        Entity("E7", "ORG", "x", (seg.span(0, 4),)),
    )
    doc = make_ner()(seg.replace(entities=existing))
    assert doc.entities[:2] == existing
    taken = [(m.start, m.end) for e in existing for m in e.mentions]
    new = doc.entities[2:]
    for e in new:
        for m in e.mentions:
            assert all(m.end <= s or m.start >= t for s, t in taken)
    assert [e.id for e in new] == [f"E{i}" for i in range(8, 8 + len(new))]


def test_output_is_deterministic() -> None:
    a = _analyze(_TEXT)
    b = _analyze(_TEXT)
    assert [e.to_dict() for e in a.entities] == [e.to_dict() for e in b.entities]


def test_empty_and_punctuation_only_documents() -> None:
    assert _analyze("...").entities == ()
    doc = make_segment()(Document(text="   "))
    assert recognize(doc, default_tagger()) == ()


@pytest.mark.parametrize(
    ("words", "typ"),
    [
        ("طرابلس", "GPE"),
        ("كوريا الجنوبية", "GPE"),
        ("آسيا الوسطى", "LOC"),
        ("الضاحية الجنوبية", "LOC"),
        ("نهر الليطاني", "LOC"),
        ("مطار قرطاج", "FAC"),
        ("المطار الدولي", "FAC"),
    ],
)
def test_place_type(words: str, typ: str) -> None:
    assert place_type([normalize_key(w) for w in words.split()]) == typ


# -- the shared example ----------------------------------------------------------------------
def test_shared_example_persons() -> None:
    art = SHARED / "examples" / "articles" / "ashgabat-2024-10-11.txt"
    gold_path = SHARED / "examples" / "gold" / "ashgabat-2024-10-11.json"
    if not art.is_file() or not gold_path.is_file():
        pytest.skip("../shared/examples is absent")
    text = art.read_text(encoding="utf-8")
    doc = _analyze(text)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    gold_people = {
        (m["start"], m["end"]) for e in gold["entities"] if e["type"] == "PERSON"
        for m in e["mentions"]
    }  # fmt: skip
    found = {(m.start, m.end) for e in doc.entities if e.type == "PERSON" for m in e.mentions}
    # the model alone, without the knowledge base, finds most person mentions exactly
    assert len(found & gold_people) >= 0.5 * len(gold_people)
    assert len(found & gold_people) >= 0.6 * len(found)


def test_person_span_stops_before_an_honorific_and_a_kashida_dash() -> None:
    doc = _analyze("وقال الشيخ سالم بن حمد الكعبي ــ رحمه الله ــ إن الأرض لأهلها.")
    spans = [(e.type, m.text) for e in doc.entities for m in e.mentions]
    assert ("PERSON", "سالم بن حمد الكعبي") in spans
    assert not any("رحمه" in t or "ـ" in t for _, t in spans)


def test_person_part_drops_short_single_words_and_formulas() -> None:
    from marsad.ner.recognize import _person_part

    doc = make_segment()(Document(text="أم رحمه الله سالم الكعبي حفظه الله"))
    toks = doc.tokens
    assert tuple(_person_part(toks[:1])) == ()  # أم: under three letters
    assert tuple(_person_part(toks[1:3])) == ()  # رحمه الله: a formula, no name
    assert [t.text for t in _person_part(toks[3:])] == ["سالم", "الكعبي"]


def test_person_part_drops_kinship_lead_and_open_particle() -> None:
    from marsad.ner.recognize import _person_part

    doc = make_segment()(Document(text="أرملة سالم الكعبي نجل الراحل فريد الطاهر فيصل بن"))
    toks = doc.tokens
    assert [t.text for t in _person_part(toks[:3])] == ["سالم", "الكعبي"]
    assert [t.text for t in _person_part(toks[3:7])] == ["فريد", "الطاهر"]
    assert [t.text for t in _person_part(toks[7:])] == ["فيصل"]
    assert tuple(_person_part(toks[:1])) == ()  # a kinship noun alone is no name


def test_a_name_ended_on_a_particle_takes_the_next_word() -> None:
    from marsad.ner.recognize import _close_name

    toks = make_segment()(Document(text="استضاف فيصل بن فهد الوفد ثم قال فيصل بن .")).tokens
    assert [t.text for t in _close_name(toks, 1, 3)] == ["فيصل", "بن", "فهد"]
    assert [t.text for t in _close_name(toks, 1, 4)] == ["فيصل", "بن", "فهد"]  # already closed
    assert [t.text for t in _close_name(toks, 7, 9)] == ["فيصل", "بن"]  # no word follows


def test_surname_only_person_joins_the_one_longer_name() -> None:
    from marsad.ner.recognize import _Group, _merge_surnames

    doc = make_segment()(
        Document(text="قال بن علوش ثم وصل أحمد بن علوش وفريد الطاهر والطاهر وسمير الطاهر")
    )

    def group(name: str, key: str, after: int = 0) -> _Group:
        start = doc.text.index(name, after)
        return _Group("PERSON", key, [doc.span(start, start + len(name))], 0.9)

    short = group("بن علوش", "بن علوش")
    full = group("أحمد بن علوش", "احمد بن علوش")
    out = _merge_surnames([short, full])
    assert out == [full]
    assert [m.text for m in full.mentions] == ["بن علوش", "أحمد بن علوش"]
    # two longer names end with the same surname: which one is meant is unknown, no merge
    a = group("فريد الطاهر", "فريد الطاهر")
    b = group("الطاهر", "الطاهر", doc.text.index("والطاهر"))
    c = group("سمير الطاهر", "سمير الطاهر")
    assert _merge_surnames([a, b, c]) == [a, b, c]


def test_name_part_for_any_type() -> None:
    from marsad.ner.recognize import _name_part

    toks = make_segment()(Document(text="حفظه الله بو EU شركة النسيم")).tokens
    assert tuple(_name_part(toks[:2])) == ()  # a formula
    assert tuple(_name_part(toks[2:3])) == ()  # one Arabic word of two letters
    assert [t.text for t in _name_part(toks[3:4])] == ["EU"]  # Latin letters are kept
    assert [t.text for t in _name_part(toks[4:])] == ["شركة", "النسيم"]


def test_person_part_drops_a_leading_nisba() -> None:
    from marsad.ner.recognize import _person_part, kb_adjectives

    adj = kb_adjectives()
    text = "الروماني فلورين بولوني الجزائري الكبير تركي الشبانة"
    toks = make_segment()(Document(text=text)).tokens
    assert [t.text for t in _person_part(toks[:3], adj)] == ["فلورين", "بولوني"]
    assert tuple(_person_part(toks[3:5], adj)) == ()  # two adjectives, no name
    # without the article تركي is the given name Turki
    assert [t.text for t in _person_part(toks[5:], adj)] == ["تركي", "الشبانة"]
    assert len(_person_part(toks[:3])) == 3  # without the adjectives nothing is dropped


def test_a_person_name_at_the_end_of_an_org_span_is_cut_off() -> None:
    from marsad.ner.recognize import _Group, _split_people

    text = "قال محافظ البنك المركزي سالم الكعبي إن سالم الكعبي يرفض ذلك والبنك المركزي الوطني"
    doc = make_segment()(Document(text=text))

    def span(name: str, after: int = 0) -> Span:
        start = text.index(name, after)
        return doc.span(start, start + len(name))

    org = _Group("ORG", "البنك المركزي سالم الكعبي", [span("البنك المركزي سالم الكعبي")], 0.8)
    other = _Group("ORG", "البنك المركزي الوطني", [span("البنك المركزي الوطني")], 0.8)
    person = _Group("PERSON", "سالم الكعبي", [span("سالم الكعبي", text.index("إن"))], 0.9)
    _split_people(doc, [org, other, person])
    assert [m.text for m in org.mentions] == ["البنك المركزي"]
    assert [m.text for m in person.mentions] == ["سالم الكعبي", "سالم الكعبي"]
    assert [m.text for m in other.mentions] == ["البنك المركزي الوطني"]  # no person in it


def test_bare_kb_surname_goes_to_the_earlier_full_name_of_another_person() -> None:
    from marsad.pipeline import Pipeline

    nlp = Pipeline(["segment", "entities", "ner"])
    doc = nlp.analyze("التقى مارتن شولتز وزير الخارجية في بروكسل. وقال شولتز إن الاتحاد موحد.")
    assert all(e.kb_id != "person/olaf-scholz" for e in doc.entities)
    martin = [e for e in doc.entities if "شولتز" in e.name_ar]
    assert len(martin) == 1 and [m.text for m in martin[0].mentions] == ["مارتن شولتز", "شولتز"]
    # without another full name, the bare surname keeps its KB link
    doc = nlp.analyze("وقال المستشار شولتز إن الحكومة مستعدة.")
    assert "person/olaf-scholz" in {e.kb_id for e in doc.entities}


class _FixedTagger:
    """Returns the same spans for every sentence (the model is not under test here)."""

    def __init__(self, spans: list[tuple[int, int, str, float]]) -> None:
        self.meta = {"version": "fixed"}
        self.spans = spans

    def entities_batch(self, sentences: list[list[str]]) -> list[list[tuple[int, int, str, float]]]:
        return [[x for x in self.spans if x[1] <= len(s)] for s in sentences]


@pytest.mark.parametrize(("conf", "replaced"), [(0.95, True), (0.4, False)])
def test_a_longer_confident_model_span_replaces_the_gazetteer_mention_it_holds(
    conf: float, replaced: bool
) -> None:
    from marsad.components.entities import make_entities

    text = "تخرج من جامعة القاهرة عام 1990"
    doc = make_entities()(make_segment()(Document(text=text)))
    cairo = [e for e in doc.entities if e.mentions and e.mentions[0].text == "القاهرة"]
    assert len(cairo) == 1 and cairo[0].type == "GPE"
    words = [t.text for t in doc.tokens]
    s = words.index("جامعة")
    got = recognize(doc, _FixedTagger([(s, s + 2, "ORG", conf)]))  # type: ignore[arg-type]
    names = {(e.type, m.text) for e in got for m in e.mentions}
    if replaced:
        assert ("ORG", "جامعة القاهرة") in names
        assert ("GPE", "القاهرة") not in names
    else:
        assert ("GPE", "القاهرة") in names
        assert all(m.text != "جامعة القاهرة" for e in got for m in e.mentions)
    for e in got:
        assert e.mentions
        for m in e.mentions:
            assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("words", "kept"),
    [
        ("الميليشيات", False),  # "the militias"
        ("المأمون", True),  # al-Ma'mun
        ("وانغمسوا", False),  # "and they plunged"
        ("تايسون", True),  # Tyson
        ("الحسين", True),
        ("سامر الحداد", True),
    ],
)
def test_a_plural_noun_or_verb_alone_is_no_person(words: str, kept: bool) -> None:
    text = f"وقال {words} أمس"
    doc = make_segment()(Document(text=text))
    n = len(words.split())
    got = recognize(doc, _FixedTagger([(1, 1 + n, "PER", 0.99)]))  # type: ignore[arg-type]
    people = [m.text for e in got if e.type == "PERSON" for m in e.mentions]
    assert (people != []) == kept, people
