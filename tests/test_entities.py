"""Entity recognition and linking from the knowledge base, on sentences written for the tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from marsad.entities import Reference, corefer_surnames
from marsad.model import Document, Entity, Span
from marsad.pipeline import Pipeline
from marsad.segment import default_lexicon

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "../shared"


@pytest.fixture(scope="module")
def nlp() -> Pipeline:
    return Pipeline(["segment", "entities"])


def analyze(nlp: Pipeline, text: str, published: str | None = "2024-10-11") -> Document:
    return nlp.analyze(text, published=published)


def mentions(doc: Document) -> list[tuple[str, str | None]]:
    """``(mention text, kb id)`` in text order."""
    out = [(m.text, e.kb_id, m.start) for e in doc.entities for m in e.mentions]
    return [(t, k) for t, k, _ in sorted(out, key=lambda x: x[2])]


def refs(doc: Document) -> list[Reference]:
    return list(doc.meta["entity_refs"])


# -- spans and clitics -------------------------------------------------------------------------
def test_proclitics_are_outside_the_span(nlp: Pipeline) -> None:
    doc = analyze(nlp, "زار الوفد طهران وبيروت ثم توجه لبغداد وبموسكو فلبنان.")
    assert mentions(doc) == [
        ("طهران", "city/112931"),
        ("بيروت", "city/276781"),
        ("بغداد", "city/98182"),
        ("موسكو", "city/524901"),
        ("لبنان", "country/LB"),
    ]


def test_lam_plus_article_keeps_one_lam(nlp: Pipeline) -> None:
    doc = analyze(nlp, "وجهت الحكومة الاتهام للحرس الثوري الإيراني وللأمم المتحدة.")
    assert mentions(doc) == [
        ("لحرس الثوري الإيراني", "org/irgc"),
        ("لأمم المتحدة", "org/un"),
    ]


def test_article_stays_and_no_punctuation(nlp: Pipeline) -> None:
    doc = analyze(nlp, "قال «الكرملين» إن (حماس) و“البيت الأبيض” لم يردا.")
    assert mentions(doc) == [
        ("الكرملين", "org/kremlin"),
        ("حماس", "org/hamas"),
        ("البيت الأبيض", "org/white-house"),
    ]
    for e in doc.entities:
        for m in e.mentions:
            assert doc.text[m.start : m.end] == m.text


def test_no_match_inside_longer_words(nlp: Pipeline) -> None:
    # كبيرا is not ك + بيرا; الروسية/طهرانية are adjectives; رئيسي alone is an adjective
    doc = analyze(nlp, "كان ذلك خطأ كبيرا في مشروع رئيسي للشركات الروسية والطهرانية.")
    assert doc.entities == ()


def test_common_word_names_need_a_cue(nlp: Pipeline) -> None:
    assert analyze(nlp, "قال مستشار مالي إن السوق مستقرة.").entities == ()
    doc = analyze(nlp, "وقع انفجار في مالي أمس.")
    assert mentions(doc) == [("مالي", "country/ML")]


# -- longest match and nesting -------------------------------------------------------------------
def test_longest_match_first(nlp: Pipeline) -> None:
    doc = analyze(nlp, "أصدرت وزارة الخارجية الروسية بيانا حول الحرس الثوري الإسلامي الإيراني.")
    assert mentions(doc) == [
        ("وزارة الخارجية الروسية", "org/mfa-ru"),
        ("الحرس الثوري الإسلامي الإيراني", "org/irgc"),
    ]


def test_summit_is_an_event_with_its_organisation_inside(nlp: Pipeline) -> None:
    doc = analyze(nlp, "دعا بوتين إلى حضور قمة البريكس في قازان.")
    got = {(m.text, e.type) for e in doc.entities for m in e.mentions}
    assert ("قمة البريكس", "EVENT") in got
    assert ("البريكس", "ORG") in got
    assert ("قازان", "GPE") in got


def test_ministry_pattern_without_kb_entry(nlp: Pipeline) -> None:
    doc = analyze(nlp, "وقالت وزارة الخارجية في بيان. وأضافت وزارة الخارجية أن الوفد غادر.")
    ministries = [e for e in doc.entities if e.name_ar.startswith("وزارة")]
    assert len(ministries) == 1
    assert [m.text for m in ministries[0].mentions] == ["وزارة الخارجية", "وزارة الخارجية"]
    assert ministries[0].type == "ORG" and ministries[0].kb_id is None


def test_latin_weapon_designations(nlp: Pipeline) -> None:
    doc = analyze(nlp, "اشترت الدولة مقاتلات سوخوي SU-35 وطائرات F-35 ومنظومة إس-400.")
    assert mentions(doc) == [
        ("سوخوي SU-35", "weapon/su-35"),
        ("F-35", "weapon/f-35"),
        ("منظومة إس-400", "weapon/s-400"),
    ]


# -- spelling variants -------------------------------------------------------------------------
def test_spelling_variants_are_one_entity(nlp: Pipeline) -> None:
    text = (
        "التقى مسعود بيزشكيان بنظيره. وقال بيزيشكيان إن بزشكيان يرحب. "
        "وكان نتانياهو قد هاجم سيرجي لافروف، ورد سيرغي لافروف."
    )
    doc = analyze(nlp, text)
    by_kb = {e.kb_id: [m.text for m in e.mentions] for e in doc.entities}
    assert by_kb["person/masoud-pezeshkian"] == ["مسعود بيزشكيان", "بيزيشكيان", "بزشكيان"]
    assert by_kb["person/benjamin-netanyahu"] == ["نتانياهو"]
    assert by_kb["person/sergey-lavrov"] == ["سيرجي لافروف", "سيرغي لافروف"]


def test_persian_letters_and_alef_maqsura_fold(nlp: Pipeline) -> None:
    doc = analyze(nlp, "وصل سيرجى لافروف إلى ایران.")
    assert mentions(doc) == [("سيرجى لافروف", "person/sergey-lavrov"), ("ایران", "country/IR")]


def test_skeleton_does_not_match_common_words(nlp: Pipeline) -> None:
    # الأدبية shares letters with الدبيبة but is an ordinary word
    assert analyze(nlp, "اجتمع رؤساء الأندية الأدبية أمس.").entities == ()


# -- entities ------------------------------------------------------------------------------------
def test_entities_numbered_by_first_mention_with_links(nlp: Pipeline) -> None:
    doc = analyze(nlp, "قال بوتين في موسكو إن روسيا وإيران متفقتان. وأكد بوتين ذلك.")
    assert [(e.id, e.name_ar) for e in doc.entities] == [
        ("E1", "فلاديمير بوتين"),
        ("E2", "موسكو"),
        ("E3", "روسيا"),
        ("E4", "إيران"),
    ]
    putin = doc.entities[0]
    assert putin.name_en == "Vladimir Putin" and putin.wikidata == "Q7747"
    assert putin.type == "PERSON" and len(putin.mentions) == 2
    assert doc.entities[2].wikidata == "Q159"


def test_surname_joins_full_name(nlp: Pipeline) -> None:
    doc = analyze(nlp, "التقى لافروف بالرئيس إبراهيم رئيسي. وقال الرئيس رئيسي إن الوضع خطير.")
    raisi = next(e for e in doc.entities if e.kb_id == "person/ebrahim-raisi")
    assert [m.text for m in raisi.mentions] == ["إبراهيم رئيسي", "رئيسي"]


def test_surname_coreference_for_names_from_other_components(nlp: Pipeline) -> None:
    text = "قُتل القائد عباس نيلفوروشان في الغارة. وكان نيلفوروشان مسؤولا كبيرا."
    doc = analyze(nlp, text)
    s = text.index("عباس")
    person = Entity("E9", "PERSON", "عباس نيلفوروشان", (doc.span(s, s + len("عباس نيلفوروشان")),))
    out = corefer_surnames(doc, [person])
    assert [m.text for m in out[0].mentions] == ["عباس نيلفوروشان", "نيلفوروشان"]
    # a separate entity that is only the surname merges into the full name
    s2 = text.index("نيلفوروشان", s + 10)
    bare = Entity("E10", "PERSON", "نيلفوروشان", (Span(s2, s2 + 10, "نيلفوروشان"),))
    merged = corefer_surnames(doc, [person, bare])
    assert len(merged) == 1 and len(merged[0].mentions) == 2


def test_patronymic_is_not_a_surname(nlp: Pipeline) -> None:
    doc = analyze(nlp, "استقبل محمد بن سلمان الوفد. وقال سلمان العودة إن الزيارة مهمة.")
    mbs = next(e for e in doc.entities if e.kb_id == "person/mohammed-bin-salman")
    assert [m.text for m in mbs.mentions] == ["محمد بن سلمان"]


def test_ambiguous_names_use_context(nlp: Pipeline) -> None:
    doc = analyze(nlp, "وصل الوفد إلى طرابلس قادما من بنغازي في ليبيا.")
    tripoli = next(e for e in doc.entities if e.name_ar == "طرابلس")
    assert tripoli.kb_id == "city/2210247"


# -- titles and nisbas ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "published, who",
    [
        ("2023-10-23", "person/ebrahim-raisi"),
        ("2024-06-10", "person/mohammad-mokhber"),
        ("2024-10-11", "person/masoud-pezeshkian"),
    ],
)
def test_title_resolves_by_publication_date(nlp: Pipeline, published: str, who: str) -> None:
    doc = analyze(nlp, "قال الرئيس الإيراني إن بلاده لن تتراجع.", published)
    assert doc.entities == ()  # a title is not a mention
    (ref,) = [r for r in refs(doc) if r.kind == "title"]
    assert ref.text == "الرئيس الإيراني"
    assert (ref.office, ref.of, ref.kb_id) == ("president", "country/IR", who)


def test_title_with_apposed_name_and_then_words(nlp: Pipeline) -> None:
    text = "التقى وزير الخارجية الروسي سيرغي لافروف بالرئيس آنذاك إبراهيم رئيسي."
    doc = analyze(nlp, text, "2024-10-11")
    titles = [r for r in refs(doc) if r.kind == "title"]
    lavrov = next(e for e in doc.entities if e.kb_id == "person/sergey-lavrov")
    raisi = next(e for e in doc.entities if e.kb_id == "person/ebrahim-raisi")
    assert (titles[0].kb_id, titles[0].entity) == ("person/sergey-lavrov", lavrov.id)
    # آنذاك: not today's president but the name that follows
    assert (titles[1].kb_id, titles[1].entity) == ("person/ebrahim-raisi", raisi.id)


def test_title_of_an_organisation(nlp: Pipeline) -> None:
    doc = analyze(nlp, "وقال الأمين العام لحزب الله في خطاب متلفز إن المعركة مستمرة.", "2024-11-20")
    (ref,) = [r for r in refs(doc) if r.kind == "title"]
    assert (ref.office, ref.of, ref.kb_id) == (
        "secretary_general",
        "org/hezbollah",
        "person/naim-qassem",
    )


def test_former_holder(nlp: Pipeline) -> None:
    doc = analyze(nlp, "انتقد الرئيس الأمريكي السابق السياسة الجديدة.", "2025-03-01")
    (ref,) = [r for r in refs(doc) if r.kind == "title"]
    assert ref.kb_id == "person/joe-biden"


def test_title_points_to_entity_when_named_elsewhere(nlp: Pipeline) -> None:
    doc = analyze(nlp, "هاجم نتنياهو خصومه. وقال رئيس الوزراء الإسرائيلي إن الحرب مستمرة.")
    (ref,) = [r for r in refs(doc) if r.kind == "title"]
    bibi = next(e for e in doc.entities if e.kb_id == "person/benjamin-netanyahu")
    assert (ref.kb_id, ref.entity) == ("person/benjamin-netanyahu", bibi.id)


def test_nisba_gives_the_country(nlp: Pipeline) -> None:
    doc = analyze(nlp, "شنت الطائرات الإسرائيلية غارات على إسرائيل؟ لا، على مواقع تابعة للروس.")
    nisbas = [(r.text, r.kb_id) for r in refs(doc) if r.kind == "nisba"]
    assert nisbas == [("الإسرائيلية", "country/IL"), ("لروس", "country/RU")]
    israel = next(e for e in doc.entities if e.kb_id == "country/IL")
    assert next(r for r in refs(doc) if r.kind == "nisba").entity == israel.id


def test_capital_stays_gpe_with_its_country(nlp: Pipeline) -> None:
    doc = analyze(nlp, "وتتعاون موسكو وطهران على الساحة الدولية.")
    assert [(e.type, e.kb_id) for e in doc.entities] == [
        ("GPE", "city/524901"),
        ("GPE", "city/112931"),
    ]


def test_kb_names_are_registered_with_the_segmenter(nlp: Pipeline) -> None:
    from marsad.components.segment import segmentation_lexicon

    assert "بيزشكيان" in segmentation_lexicon()
    assert "نيبينزيا" in segmentation_lexicon()
    # the shared corpus lexicon is not changed by building a pipeline
    assert "نيبينزيا" not in default_lexicon()
    doc = analyze(nlp, "وقال لنيبينزيا إن الأمر انتهى.")
    tok = next(t for t in doc.tokens if t.text == "لنيبينزيا")
    assert doc.text[tok.host_start : tok.end] == "نيبينزيا"


def test_alternatives_are_kept(nlp: Pipeline) -> None:
    doc = analyze(nlp, "وصلت قوات حفظ السلام إلى الكونغو.")
    (congo,) = doc.entities
    assert congo.kb_id in ("country/CD", "country/CG")
    other = {"country/CD", "country/CG"} - {congo.kb_id}
    assert doc.meta["entity_alternatives"] == {congo.id: sorted(other)}


# -- the shared example --------------------------------------------------------------------------
@pytest.mark.shared
@pytest.mark.skipif(not (SHARED / "examples/gold").is_dir(), reason="../shared is absent")
def test_shared_example_scores(nlp: Pipeline, tmp_path: Path) -> None:
    arts = SHARED / "examples/articles"
    for txt in sorted(arts.glob("*.txt")):
        meta = json.loads((arts / f"{txt.stem}.meta.json").read_text("utf-8"))
        doc = nlp.analyze(txt.read_text("utf-8"), published=meta["published"], id=meta["id"])
        (tmp_path / f"{txt.stem}.json").write_text(json.dumps(doc.to_dict(), ensure_ascii=False))
    score = [sys.executable, str(SHARED / "tools/score.py"), str(SHARED / "examples/gold")]
    res = subprocess.run(
        [*score, str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(res.stdout)["rows"]
    assert rows["entity_lenient_F1"] >= 0.85
    assert rows["entity_strict_F1"] >= 0.75
    assert rows["entity_link_acc"] >= 0.85


def test_clitic_split_chosen_by_context(nlp: Pipeline) -> None:
    # وجدة is the Moroccan city Oujda, or و + جدة (Jeddah): the other places decide
    saudi = analyze(nlp, "افتتح مركز جديد في الرياض وجدة.")
    assert mentions(saudi) == [("الرياض", "city/108410"), ("جدة", "city/105343")]
    moroccan = analyze(nlp, "وصل الوفد إلى وجدة قادما من الرباط.")
    assert mentions(moroccan) == [("وجدة", "city/2540483"), ("الرباط", "city/2538475")]


def test_kaf_is_not_split_off_a_bare_name(nlp: Pipeline) -> None:
    assert analyze(nlp, "يقول إريك كاران إن الأمر صعب.").entities == ()


def test_link_name_for_spans_from_other_components() -> None:
    from marsad.entities import link_name
    from marsad.kb import default_kb

    kb = default_kb()
    hit = link_name(kb, "لبيزيشكيان", "PERSON")
    assert hit is not None and hit.id == "person/masoud-pezeshkian"
    hit = link_name(kb, "وطهران", "GPE")
    assert hit is not None and hit.id == "city/112931"
    assert link_name(kb, "طهران", "PERSON") is None  # wrong type
    assert link_name(kb, "عباس نيلفوروشان", "PERSON") is None  # not in the KB


def test_nothing_is_matched_inside_urls(nlp: Pipeline) -> None:
    doc = analyze(nlp, "المصدر: https://example.com/ar/article/طهران-B2 وقال ترامب.")
    assert mentions(doc) == [("ترامب", "person/donald-trump")]


def test_media_name_that_is_a_word_needs_a_media_cue(nlp: Pipeline) -> None:
    assert analyze(nlp, "انتشرت الأسماك في المياه المحيطة بالجزيرة.").entities == ()
    doc = analyze(nlp, "وقال مسؤول لقناة الجزيرة إن الوضع هادئ، بحسب الجزيرة.")
    assert mentions(doc) == [("الجزيرة", "org/al-jazeera"), ("الجزيرة", "org/al-jazeera")]


def test_president_elect_is_the_next_holder(nlp: Pipeline) -> None:
    doc = analyze(nlp, "تعهد الرئيس الأمريكي المنتخب بإنهاء الحرب.", "2024-12-01")
    (ref,) = [r for r in refs(doc) if r.kind == "title"]
    assert ref.text == "الرئيس الأمريكي المنتخب" and ref.kb_id == "person/donald-trump"
    doc = analyze(nlp, "تعهد الرئيس الأمريكي بإنهاء الحرب.", "2024-12-01")
    (ref,) = [r for r in refs(doc) if r.kind == "title"]
    assert ref.kb_id == "person/joe-biden"


def test_title_with_implied_country(nlp: Pipeline) -> None:
    doc = analyze(nlp, "وجه خادم الحرمين الشريفين بتقديم المساعدات.", "2016-01-01")
    (ref,) = [r for r in refs(doc) if r.kind == "title"]
    assert (ref.office, ref.of, ref.kb_id) == ("king", "country/SA", "person/king-salman")
    # without a country or a name the title refers to nobody in particular
    doc = analyze(nlp, "وصل ولي ولي العهد إلى باريس.", "2016-01-01")
    assert [r for r in refs(doc) if r.kind == "title"] == []
    doc = analyze(nlp, "وصل ولي ولي العهد السعودي إلى باريس.", "2016-01-01")
    (ref,) = [r for r in refs(doc) if r.kind == "title"]
    assert ref.kb_id == "person/mohammed-bin-salman"


def test_fathers_name_in_a_patronymic_chain_is_not_a_mention(nlp: Pipeline) -> None:
    doc = analyze(nlp, "افتتح الأمير سلطان بن سلمان بن عبدالعزيز المعرض.")
    assert all(e.kb_id != "person/king-salman" for e in doc.entities)
    doc = analyze(nlp, "أمر الملك سلمان بن عبد العزيز بصرف المكافآت.")
    assert [e.kb_id for e in doc.entities] == ["person/king-salman"]


def test_bare_title_refers_back(nlp: Pipeline) -> None:
    text = "استقبل بوتين ضيفه في الكرملين. وقال الرئيس إن العلاقات ممتازة. ورد رئيس الشركة بالشكر."
    doc = analyze(nlp, text, "2024-10-11")
    titles = [r for r in refs(doc) if r.kind == "title"]
    putin = next(e for e in doc.entities if e.kb_id == "person/vladimir-putin")
    assert [(r.text, r.kb_id, r.entity) for r in titles] == [
        ("الرئيس", "person/vladimir-putin", putin.id)
    ]
    doc = analyze(nlp, "قال الرئيس الإيراني إن بلاده مستعدة. وأضاف الرئيس أن الحوار ممكن.")
    assert [r.kb_id for r in refs(doc) if r.kind == "title"] == ["person/masoud-pezeshkian"] * 2


def test_latin_acronyms_must_be_capitals(nlp: Pipeline) -> None:
    doc = analyze(nlp, "وقالت وكالة (AP) إن حلف NATO يدرس الأمر، كما في عبارة un accord.")
    assert mentions(doc) == [("AP", "org/ap"), ("NATO", "org/nato")]


def test_titles_inside_kb_names_stay_outside_the_mention(nlp: Pipeline) -> None:
    doc = analyze(nlp, "استقبل الملك سلمان الوفد، وحضر الأمير محمد بن سلمان وآية الله علي خامنئي.")
    assert mentions(doc) == [
        ("سلمان", "person/king-salman"),
        ("محمد بن سلمان", "person/mohammed-bin-salman"),
        ("علي خامنئي", "person/ali-khamenei"),
    ]


# -- a surname after another first name ----------------------------------------------------------
def test_surname_after_another_given_name_is_not_linked(nlp: Pipeline) -> None:
    # شولتز is an alias of Olaf Scholz; after the given name مارتن it is someone else
    doc = analyze(nlp, "التقى مارتن شولتز وزير الخارجية في بروكسل.")
    assert all(e.kb_id != "person/olaf-scholz" for e in doc.entities)
    # the same surname after a title, a verb or the person's own first name still links
    for text in (
        "وقال المستشار شولتز إن الحكومة مستعدة.",
        "وأكد شولتز أن برلين تدعم كييف.",
        "التقى أولاف شولتز نظيره أمس.",
    ):
        doc = analyze(nlp, text)
        assert "person/olaf-scholz" in {e.kb_id for e in doc.entities}, text


def test_given_names_come_from_data_and_kb() -> None:
    from marsad.kb import default_kb
    from marsad.normalize import normalize_key

    kb = default_kb()
    assert normalize_key("مارتن") in kb.given_names  # data file
    assert normalize_key("أولاف") in kb.given_names  # أولاف شولتس, also named شولتس
    assert normalize_key("شي") not in kb.given_names  # شي جين بينغ: family name first
    assert normalize_key("بن") not in kb.given_names


def test_a_family_name_first_is_no_given_name(nlp: Pipeline) -> None:
    # شي is Xi Jinping's family name: "استقبل شي أردوغان" is two people
    doc = analyze(nlp, "وصل الرئيس شي جين بينغ إلى المطار. واستقبل شي أردوغان في بكين.")
    assert "person/recep-tayyip-erdogan" in {e.kb_id for e in doc.entities}


def test_a_given_name_before_a_longer_kb_name_keeps_the_link(nlp: Pipeline) -> None:
    # two words of the KB name matched: an extra first name before them (محمد) is part of it
    doc = analyze(nlp, "وقال محمد المنصف المرزوقي إن الانتخابات ستجرى في موعدها.")
    assert "person/moncef-marzouki" in {e.kb_id for e in doc.entities}
