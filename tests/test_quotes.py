"""Quotes, speakers, reporting verbs and sourcing chains on hand-written Arabic reports.

Documents are segmented with the real pipeline; entities are hand-made records (the names
and ids below), so these tests check the quote logic whatever the entity recogniser finds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.errors import Code
from marsad.model import Document, Entity, Quote, Span
from marsad.pipeline import Pipeline, registry
from marsad.quotes import find_marked, load_lexicon, quotes_document, verb_forms
from strategies import arabic_text

# id → (type, surface forms)
ENTITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "E1": ("PERSON", ("فلاديمير بوتين", "بوتين")),
    "E2": ("PERSON", ("مسعود بيزشكيان", "بيزشكيان")),
    "E3": ("ORG", ("ريا نوفوستي",)),
    "E4": ("ORG", ("رويترز",)),
    "E5": ("ORG", ("الجزيرة",)),
    "E6": ("GPE", ("طهران",)),
    "E7": ("GPE", ("روسيا",)),
    "E8": ("ORG", ("وزارة الخارجية",)),
    "E9": ("ORG", ("نيويورك تايمز",)),
    "E10": ("ORG", ("تسنيم",)),
    "E11": ("PERSON", ("سيرغي لافروف", "لافروف")),
    "E12": ("GPE", ("إيران",)),
    "E13": ("ORG", ("الجيش الإسرائيلي",)),
    "E14": ("PERSON", ("بنيامين نتنياهو", "نتنياهو")),
    "E15": ("ORG", ("داعش",)),
    "E16": ("GPE", ("لبنان",)),
    "E17": ("PERSON", ("كمال الدراجي", "الدراجي")),
    "E18": ("ORG", ("صحيفة الفجر",)),
    "E19": ("ORG", ("تويتر",)),
}


@pytest.fixture(scope="module")
def seg() -> Pipeline:
    return Pipeline(["segment"])


def _entities(text: str) -> tuple[Entity, ...]:
    out = []
    for eid, (typ, forms) in ENTITIES.items():
        spans: list[Span] = []
        for form in forms:
            pos = text.find(form)
            while pos >= 0:
                end = pos + len(form)
                before = (text[:pos].split(" ")[-1] if pos else "").strip('"«“ـ')
                whole = (end == len(text) or not text[end].isalpha()) and len(before) <= 2
                if whole and not any(s.start <= pos < s.end for s in spans):
                    spans.append(Span(pos, pos + len(form), form))
                pos = text.find(form, pos + 1)
        if spans:
            spans.sort(key=lambda s: s.start)
            out.append(Entity(eid, typ, forms[0], tuple(spans)))
    return tuple(out)


def analyse(seg: Pipeline, text: str, *, entities: bool = True) -> Document:
    doc = seg.analyze(text)
    if entities:
        doc = doc.replace(entities=_entities(text))
    out = quotes_document(doc)
    for q in out.quotes:
        assert text[q.start : q.end] == q.text
    return out


def one(seg: Pipeline, text: str) -> Quote:
    doc = analyse(seg, text)
    assert len(doc.quotes) == 1, [q.text for q in doc.quotes]
    return doc.quotes[0]


# -- direct quotes ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("قال بوتين: «العلاقات مع إيران ممتازة».", "العلاقات مع إيران ممتازة"),
        ("قال بوتين: “العلاقات مع إيران ممتازة”.", "العلاقات مع إيران ممتازة"),
        ('قال بوتين: "العلاقات مع إيران ممتازة".', "العلاقات مع إيران ممتازة"),
        ("قال بوتين: ‘العلاقات مع إيران ممتازة’.", "العلاقات مع إيران ممتازة"),
        ("قال بوتين: ''العلاقات مع إيران ممتازة''.", "العلاقات مع إيران ممتازة"),
        ('قال بوتين: ""العلاقات مع إيران ممتازة"".', "العلاقات مع إيران ممتازة"),
        ("قال بوتين: ”العلاقات مع إيران ممتازة“.", "العلاقات مع إيران ممتازة"),  # reversed
        ("قال بوتين: « العلاقات مع إيران ممتازة ».", "العلاقات مع إيران ممتازة"),  # blanks
        ("قال بوتين: «العلاقات مع إيران ممتازة.»", "العلاقات مع إيران ممتازة"),
    ],
)
def test_direct_quote_in_every_kind_of_marks(seg: Pipeline, text: str, words: str) -> None:
    q = one(seg, text)
    assert (q.text, q.direct, q.speaker, q.cue) == (words, True, "E1", "قال")
    assert text[q.start - 1] not in " " or text[q.start] != " "


def test_cue_after_the_quote(seg: Pipeline) -> None:
    q = one(seg, "«العلاقات مع إيران ممتازة للغاية»، قال بوتين للصحفيين.")
    assert (q.text, q.speaker, q.cue, q.direct) == (
        "العلاقات مع إيران ممتازة للغاية",
        "E1",
        "قال",
        True,
    )


def test_cue_after_the_quote_with_a_title(seg: Pipeline) -> None:
    q = one(seg, "“لن نسمح بذلك أبدا”، أضاف الرئيس الروسي فلاديمير بوتين.")
    assert (q.speaker, q.cue) == ("E1", "أضاف")


def test_quote_across_paragraphs(seg: Pipeline) -> None:
    text = (
        "وقال بوتين: «العلاقات مع إيران قوية.\n\nوسنواصل التعاون في كل المجالات».\n\nوانتهى اللقاء."
    )
    doc = analyse(seg, text)
    assert len(doc.quotes) == 1 and not doc.warnings
    q = doc.quotes[0]
    assert q.text.startswith("العلاقات") and q.text.endswith("المجالات")
    assert "\n\n" in q.text and q.speaker == "E1"


def test_quote_reopened_in_each_paragraph(seg: Pipeline) -> None:
    text = "وقال بوتين: «العلاقات مع إيران قوية.\n\n«وسنواصل التعاون في كل المجالات».\n\nانتهى."
    doc = analyse(seg, text)
    assert len(doc.quotes) == 1 and not doc.warnings
    assert doc.quotes[0].text.endswith("المجالات")


def test_sentences_inside_one_quote(seg: Pipeline) -> None:
    q = one(seg, "قال بوتين: «هذا مهم. نحن مستعدون. وسنرى النتائج قريبا».")
    assert q.text == "هذا مهم. نحن مستعدون. وسنرى النتائج قريبا" and q.speaker == "E1"


def test_unclosed_mark_warns_and_quotes_to_paragraph_end(seg: Pipeline) -> None:
    text = "قال بوتين: «العلاقات مع إيران ممتازة ومستقرة\n\nوانتهى اللقاء في المساء."
    doc = analyse(seg, text)
    assert [w.code for w in doc.warnings] == [Code.W003.value]
    assert [q.text for q in doc.quotes] == ["العلاقات مع إيران ممتازة ومستقرة"]


def test_stray_closing_mark_warns_without_quote(seg: Pipeline) -> None:
    doc = analyse(seg, "التقى بوتين بيزشكيان» في عشق أباد.")
    assert [w.code for w in doc.warnings] == [Code.W003.value]
    assert doc.quotes == ()


def test_nested_marks_warn_and_keep_the_outer_quote(seg: Pipeline) -> None:
    doc = analyse(seg, "قال بوتين: «أبلغته أن “الباب مفتوح” دائما للحوار».")
    assert [w.code for w in doc.warnings] == [Code.W003.value]
    assert [q.text for q in doc.quotes] == ["أبلغته أن “الباب مفتوح” دائما للحوار"]


def test_scare_quotes_are_not_quotes(seg: Pipeline) -> None:
    doc = analyse(seg, "أعلن تنظيم «داعش» مسؤوليته عن الهجوم في المدينة.")
    assert doc.quotes == ()


def test_short_quote_after_bi_annaha(seg: Pipeline) -> None:
    q = one(seg, "أشاد بوتين بالعلاقات مع إيران ووصفها بأنها «صادقة واستراتيجية».")
    assert (q.text, q.speaker, q.cue, q.stance) == ("صادقة واستراتيجية", "E1", "وصفها", "describe")


def test_long_quote_without_cue_continues_the_speaker(seg: Pipeline) -> None:
    text = (
        "قال بوتين إن المحادثات كانت مثمرة.\n\n"
        "«سنواصل العمل معا من أجل السلام والاستقرار في المنطقة»."
    )
    doc = analyse(seg, text)
    assert [q.speaker for q in doc.quotes] == ["E1", "E1"]
    assert doc.quotes[1].direct and doc.quotes[1].cue is None


def test_marks_around_a_name_inside_an_indirect_clause_do_not_replace_it(seg: Pipeline) -> None:
    q = one(seg, "قال الجيش الإسرائيلي إنه استهدف مواقع لتنظيم «داعش» قرب الحدود.")
    assert not q.direct and q.text == "استهدف مواقع لتنظيم «داعش» قرب الحدود"


# -- indirect quotes -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("verb", "stance"),
    [
        ("قال بوتين إن", "describe"),
        ("أكد بوتين أن", "affirm"),
        ("أوضح بوتين أن", "describe"),
        ("أشار بوتين إلى أن", "describe"),
        ("نفى بوتين أن", "deny"),
        ("حذر بوتين من أن", "warn"),
        ("اعتبر بوتين أن", "describe"),
        ("أعلن بوتين أن", "describe"),
        ("شدد بوتين على أن", "affirm"),
        ("لفت بوتين إلى أن", "describe"),
        ("تعهد بوتين بأن", "promise"),
        ("طالب بوتين بأن", "demand"),
        ("اتهم بوتين الغرب بأن", "accuse"),
        ("كشف بوتين أن", "describe"),
        ("يقول بوتين إن", "describe"),
        ("صرح بوتين بأن", "describe"),
        ("وتابع بوتين أن", "describe"),
        ("ذكر بوتين أن", "describe"),
        ("أفاد بوتين بأن", "describe"),
        ("دعا بوتين إلى أن", "demand"),
    ],
)
def test_indirect_quote_after_reporting_verb(seg: Pipeline, verb: str, stance: str) -> None:
    q = one(seg, f"{verb} العلاقات مع طهران تتطور بسرعة.")
    assert q.text == "العلاقات مع طهران تتطور بسرعة"
    assert (q.direct, q.speaker, q.stance) == (False, "E1", stance)


def test_cue_is_written_without_proclitics(seg: Pipeline) -> None:
    q = one(seg, "وقال بوتين إن العلاقات ممتازة.")
    assert q.cue == "قال"
    q = one(seg, "فأكد بوتين أن العلاقات ممتازة.")
    assert q.cue == "أكد"


def test_feminine_subject(seg: Pipeline) -> None:
    q = one(seg, "وقالت وزارة الخارجية إنها تدعم الحل السياسي.")
    assert (q.text, q.speaker, q.cue) == ("تدعم الحل السياسي", "E8", "قالت")


def test_indirect_quote_is_the_clause_after_a_pronoun_complementizer(seg: Pipeline) -> None:
    q = one(seg, "فيما قالت طهران إنه رد على الهجوم.")
    assert (q.text, q.speaker) == ("رد على الهجوم", "E6")


def test_mixed_form_reports_the_direct_fragment(seg: Pipeline) -> None:
    q = one(seg, "وقال بوتين إن «العلاقات مع إيران أولوية بالنسبة لنا».")
    assert (q.text, q.direct, q.cue) == ("العلاقات مع إيران أولوية بالنسبة لنا", True, "قال")


def test_mixed_form_with_a_short_fragment(seg: Pipeline) -> None:
    q = one(seg, "حذرت روسيا من ضربة للمنشآت، قائلة إن ذلك سيكون بمثابة «استفزاز خطير».")
    assert (q.text, q.direct, q.speaker, q.cue) == ("استفزاز خطير", True, "E7", "قائلة")


def test_short_marked_subject_of_the_clause_is_a_name(seg: Pipeline) -> None:
    q = one(seg, 'وقال بوتين إن "صقر 1" طائرة متطورة تصل إلى مسافات بعيدة.')
    assert not q.direct and q.text.startswith('"صقر 1"')


def test_short_fragment_before_a_comma_is_a_quote(seg: Pipeline) -> None:
    q = one(seg, 'وقالت الشرطة إنها "تتعامل مع حادث أمني"، من دون ذكر مزيد من التفاصيل.')
    assert q.direct and q.text == "تتعامل مع حادث أمني"


def test_relay_with_unrecognised_speaker(seg: Pipeline) -> None:
    q = one(seg, "ونقلت وكالة رويترز عن رئيس الوزراء ستيفان لوفين قوله إن بلاده تعرضت لهجوم.")
    assert (q.speaker, q.speaker_text, q.via) == (None, "رئيس الوزراء ستيفان لوفين", "E4")


def test_comma_after_the_verb(seg: Pipeline) -> None:
    doc = analyse(
        seg,
        "قال بوتين إن الحوار مستمر. وأضاف، خلدون قواص، المستشار الإعلامي: «أنا استقبلتها بنفسي».",
    )
    assert [(q.speaker, q.speaker_text) for q in doc.quotes] == [("E1", None), (None, "خلدون قواص")]


def test_definite_subject_not_recognised(seg: Pipeline) -> None:
    doc = analyse(seg, "وصل الوفد إلى طهران. وقالت الشرطة إنها اعتقلت رجلا.")
    assert [(q.speaker, q.speaker_text) for q in doc.quotes] == [(None, "الشرطة")]


def test_name_that_looks_like_a_verb(seg: Pipeline) -> None:
    text = "وقال وزير العدل الطيب لوح إنه يتم إعداد القانون."
    doc = seg.analyze(text)
    pos = text.index("الطيب لوح")
    doc = doc.replace(entities=(Entity("E9", "PERSON", "الطيب لوح", (doc.span(pos, pos + 9),)),))
    out = quotes_document(doc)
    assert [(q.cue, q.speaker) for q in out.quotes] == [("قال", "E9")]


def test_two_attributions_in_one_sentence(seg: Pipeline) -> None:
    doc = analyse(seg, "قال بوتين إن المحادثات مثمرة، مضيفا أن الاتفاق قريب.")
    assert [q.text for q in doc.quotes] == ["المحادثات مثمرة", "الاتفاق قريب"]
    assert [q.cue for q in doc.quotes] == ["قال", "مضيفا"]
    assert [q.speaker for q in doc.quotes] == ["E1", "E1"]


def test_trailing_sourcing_phrase_is_outside_the_clause(seg: Pipeline) -> None:
    q = one(seg, "قال بوتين إن العلاقات ممتازة، بحسب وكالة رويترز.")
    assert (q.text, q.speaker, q.via) == ("العلاقات ممتازة", "E1", "E4")


def test_clause_runs_to_the_end_of_the_sentence_only(seg: Pipeline) -> None:
    doc = analyse(seg, "قال بوتين إن العلاقات ممتازة. وغادر الوفد المدينة مساء.")
    assert [q.text for q in doc.quotes] == ["العلاقات ممتازة"]


def test_embedded_report_stays_in_the_outer_clause(seg: Pipeline) -> None:
    q = one(seg, "وأعلن بوتين أن التحقيقات كشفت أن المهاجمين تسللوا من الخارج.")
    assert q.text == "التحقيقات كشفت أن المهاجمين تسللوا من الخارج" and q.cue == "أعلن"


@pytest.mark.parametrize(
    "text",
    [
        "وهو ما يؤكد أن الحلول السياسية أجدى من الحرب.",  # impersonal
        "وهل تتوقع أن تنجح المفاوضات هذا العام؟",  # a question
        "وقدم الوفد إضافة أن تكون المحادثات علنية.",  # إضافة is not أضاف + ه
        "ويعتبر أن يكون القرار نهائيا أمرا مستبعدا.",  # impersonal passive
    ],
)
def test_not_reports(seg: Pipeline, text: str) -> None:
    assert analyse(seg, text).quotes == ()


def test_nested_ascii_quotes_around_a_name(seg: Pipeline) -> None:
    text = 'وقال بوتين "إن أعضاء منظمة "أوبك" متفقون على الخطة".'
    doc = analyse(seg, text)
    assert [q.text for q in doc.quotes] == ['إن أعضاء منظمة "أوبك" متفقون على الخطة']
    assert [w.code for w in doc.warnings] == [Code.W003.value]


def test_guillemet_reused_as_closer(seg: Pipeline) -> None:
    text = "برنامج «حافز 2 « وبرنامج «حافز المطور» قائمان"
    marked, problems = find_marked(text)
    assert [text[m.start : m.end] for m in marked] == ["حافز 2", "حافز المطور"]
    assert not problems


# -- speakers --------------------------------------------------------------------------------
def test_vso_subject_with_title(seg: Pipeline) -> None:
    q = one(seg, "قال الرئيس الروسي فلاديمير بوتين إن بلاده مستعدة للحوار.")
    assert q.speaker == "E1"


def test_svo_subject(seg: Pipeline) -> None:
    q = one(seg, "الرئيس بوتين قال إن بلاده مستعدة للحوار.")
    assert q.speaker == "E1"


def test_svo_subject_with_relative_clause(seg: Pipeline) -> None:
    q = one(seg, "وكان بوتين، الذي التقى نظيره في عشق أباد، قد أكد أن بلاده مستعدة للحوار.")
    assert q.speaker == "E1"


def test_addressee_is_not_the_speaker(seg: Pipeline) -> None:
    q = one(seg, "وقال بوتين لبيزشكيان إن العلاقات ممتازة.")
    assert q.speaker == "E1"


def test_pp_name_before_the_cue_is_not_the_subject(seg: Pipeline) -> None:
    doc = analyse(seg, "قال بوتين إن المحادثات مثمرة. وفي طهران، قال إن الاتفاق قريب.")
    assert [q.speaker for q in doc.quotes] == ["E1", "E1"]


def test_participle_takes_the_main_clause_subject(seg: Pipeline) -> None:
    q = one(seg, "وأدان بيزشكيان الهجمات على لبنان، محذرا من أن «الوضع في المنطقة حرج».")
    assert (q.speaker, q.cue, q.stance, q.text) == ("E2", "محذرا", "warn", "الوضع في المنطقة حرج")


def test_participle_with_colon(seg: Pipeline) -> None:
    q = one(seg, "وأدلى بيزشكيان بتصريحات مماثلة، قائلاً: «مواقفنا أقرب من أي وقت مضى».")
    assert (q.speaker, q.cue) == ("E2", "قائلاً")


def test_participle_after_a_report_in_the_same_sentence(seg: Pipeline) -> None:
    doc = analyse(seg, "وفي طهران، قال كرم إن الاتفاق مهم، مشيرا إلى أن لبنان سيستفيد منه.")
    assert [(q.speaker, q.speaker_text) for q in doc.quotes] == [(None, "كرم")] * 2


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("وقال كامبل لرويترز إن هذا هو الأمر المنطقي.", "كامبل"),
        ("وقال محمد عبدالحافظ ناصف، رئيس الهيئة العامة، إن المواقع تستعد.", "محمد عبدالحافظ ناصف"),
        ("وأوضحت هاجر إبراهيم بأن المشكلة في التباعد.", "هاجر إبراهيم"),
        ("وتابع سلال في مؤتمر صحفي إن الحكومة ستقيم الإجراءات.", "سلال"),
    ],
)
def test_unrecognised_name_after_the_verb(seg: Pipeline, text: str, name: str) -> None:
    q = one(seg, text)
    assert (q.speaker, q.speaker_text) == (None, name)


def test_object_of_a_transitive_cue_is_not_a_name(seg: Pipeline) -> None:
    doc = analyse(
        seg, "قال بوتين إن المحادثات مثمرة. وأكد التزام بلاده بالاتفاق، مشيرا إلى أن الحوار مستمر."
    )
    assert [q.speaker for q in doc.quotes] == ["E1", "E1"]


def test_continuation_inherits_the_previous_speaker(seg: Pipeline) -> None:
    doc = analyse(seg, "قال بوتين إن المحادثات مثمرة. وأضاف أن الاتفاق بات قريبا.")
    assert [(q.speaker, q.cue) for q in doc.quotes] == [("E1", "قال"), ("E1", "أضاف")]


def test_continuation_inherits_speaker_and_via(seg: Pipeline) -> None:
    text = (
        "وقال بوتين، بحسب ما أوردته وكالة الأنباء الروسية ريا نوفوستي، إن «العلاقات أولوية». "
        "كما وصف مواقف إيران وروسيا بأنها «متقاربة للغاية».\n\n"
        "وتابع أن «موسكو وطهران تتعاونان بشكل نشط»."
    )
    doc = analyse(seg, text)
    assert [(q.speaker, q.via) for q in doc.quotes] == [("E1", "E3")] * 3
    assert [q.cue for q in doc.quotes] == ["قال", "وصف", "تابع"]


def test_continuation_of_an_unnamed_source(seg: Pipeline) -> None:
    doc = analyse(seg, "وقال مصدر مطلع إن المفاوضات متعثرة. وأضاف أن الوفد سيغادر.")
    assert [q.speaker_text for q in doc.quotes] == ["مصدر مطلع", "مصدر مطلع"]
    assert all(q.speaker is None for q in doc.quotes)


def test_new_speaker_ends_the_continuation(seg: Pipeline) -> None:
    doc = analyse(
        seg, "قال بوتين إن المحادثات مثمرة. وقال بيزشكيان إن الاتفاق قريب. وأضاف أنه متفائل."
    )
    assert [q.speaker for q in doc.quotes] == ["E1", "E2", "E2"]


def test_bare_title_resolves_to_the_person_named_with_it(seg: Pipeline) -> None:
    text = (
        "التقى الرئيس الإيراني مسعود بيزشكيان وفدا روسيا. "
        "وقال الرئيس الإيراني إن بلاده ترحب بالتعاون."
    )
    doc = analyse(seg, text)
    assert [q.speaker for q in doc.quotes] == ["E2"]


def test_unknown_title_keeps_its_words(seg: Pipeline) -> None:
    q = one(seg, "وقال وزير الدفاع الفرنسي إن بلاده سترسل مساعدات.")
    assert q.speaker is None and q.speaker_text == "وزير الدفاع الفرنسي"


def test_spokesman_named_in_the_description(seg: Pipeline) -> None:
    q = one(seg, "وقال المتحدث باسم وزارة الخارجية سيرغي لافروف إن الحوار مستمر.")
    assert q.speaker == "E11"


def test_spokesman_speaks_for_the_body(seg: Pipeline) -> None:
    q = one(seg, "وقال المتحدث باسم الجيش الإسرائيلي إن العملية انتهت.")
    assert q.speaker == "E13"


def test_unnamed_subject_before_the_verb(seg: Pipeline) -> None:
    q = one(seg, "وكان خبراء اقتصاديون قد توقعوا في استطلاع أن ترتفع المبيعات.")
    assert (q.speaker, q.speaker_text) == (None, "خبراء اقتصاديون")


def test_description_stops_before_the_preposition_of_the_verb(seg: Pipeline) -> None:
    q = one(seg, "وتشير التقارير إلى أن المسؤولين ناقشوا المسألة.")
    assert q.speaker_text == "التقارير"


def test_group_speaker_keeps_the_description(seg: Pipeline) -> None:
    q = one(seg, "وقال مسؤولون إيرانيون إن المحادثات ستستأنف قريبا.")
    assert q.speaker is None and q.speaker_text == "مسؤولون إيرانيون"


@pytest.mark.parametrize(
    ("subject", "description"),
    [
        ("مصدر مطلع", "مصدر مطلع"),
        ("مسؤول أمني رفض الكشف عن اسمه", "مسؤول أمني رفض الكشف عن اسمه"),
        ("مصادر دبلوماسية", "مصادر دبلوماسية"),
        ("شهود عيان", "شهود عيان"),
        ("مسؤول إيراني كبير، طلب عدم نشر اسمه،", "مسؤول إيراني كبير، طلب عدم نشر اسمه"),
    ],
)
def test_unnamed_sources(seg: Pipeline, subject: str, description: str) -> None:
    q = one(seg, f"وقال {subject} إن الاجتماع تأجل إلى الأسبوع المقبل.")
    assert q.speaker is None and q.speaker_text == description
    assert q.text == "الاجتماع تأجل إلى الأسبوع المقبل"


def test_reports_speak_for_nobody(seg: Pipeline) -> None:
    q = one(seg, "وذكرت مصادر أن الاجتماع تأجل.")
    assert q.speaker is None and q.speaker_text == "مصادر"


def test_named_speaker_without_entity_keeps_its_words(seg: Pipeline) -> None:
    doc = analyse(seg, "وقال غروسي إن الوكالة لم تجد أي دليل.", entities=False)
    assert [(q.speaker, q.speaker_text) for q in doc.quotes] == [(None, "غروسي")]


# -- via -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "via"),
    [
        ("بحسب ما أوردته وكالة الأنباء الروسية ريا نوفوستي", "E3"),
        ("بحسب وكالة رويترز", "E4"),
        ("حسب قناة الجزيرة", "E5"),
        ("وفقا لوكالة رويترز", "E4"),
        ("نقلا عن وكالة ريا نوفوستي", "E3"),
        ("حسبما نقلت وكالة تسنيم", "E10"),
        ("في تصريحات لقناة الجزيرة", "E5"),
        ("في مقابلة مع وكالة رويترز", "E4"),
        ("لوكالة رويترز", "E4"),
    ],
)
def test_via(seg: Pipeline, phrase: str, via: str) -> None:
    q = one(seg, f"وقال بوتين، {phrase}، إن العلاقات مع إيران ممتازة.")
    assert (q.speaker, q.via, q.text) == ("E1", via, "العلاقات مع إيران ممتازة")


def test_via_is_the_outlet_spoken_to(seg: Pipeline) -> None:
    q = one(seg, "وقال أحد الشهود لرويترز عبر الهاتف إن الانفجار كان هائلا.")
    assert (q.speaker, q.speaker_text, q.via) == (None, "أحد الشهود", "E4")


def test_names_in_marks_are_not_quotes(seg: Pipeline) -> None:
    doc = analyse(seg, "وأكد بوتين أن الاتفاق مع “وزارة الخارجية” نهائي.")
    assert [(q.text, q.direct) for q in doc.quotes] == [
        ("الاتفاق مع “وزارة الخارجية” نهائي", False)
    ]


def test_outlet_name_in_marks(seg: Pipeline) -> None:
    q = one(seg, 'ونقلت وكالة "رويترز" عن مصدر مطلع قوله إن الوفد غادر.')
    assert (q.speaker, q.speaker_text, q.via) == (None, "مصدر مطلع", "E4")
    q = one(seg, 'وقال مصدر أمني لـ"الجزيرة" إن الوفد غادر.')
    assert (q.speaker_text, q.via, q.text) == ("مصدر أمني", "E5", "الوفد غادر")


def test_outlet_named_in_brackets(seg: Pipeline) -> None:
    q = one(seg, "وذكرت وكالة الأنباء الرسمية (تسنيم) أن الوفد غادر.")
    assert (q.speaker, q.via) == ("E10", None)


def test_statement_relayed_by_an_outlet(seg: Pipeline) -> None:
    q = one(seg, "وقال بوتين، في تصريحات نقلتها وكالة رويترز، إن العلاقات ممتازة.")
    assert (q.speaker, q.via) == ("E1", "E4")


def test_via_after_a_direct_quote(seg: Pipeline) -> None:
    q = one(seg, "وقال بيزشكيان: «مواقفنا متقاربة جدا»، بحسب قناة الجزيرة القطرية.")
    assert (q.speaker, q.via) == ("E2", "E5")


def test_a_statement_is_not_a_via(seg: Pipeline) -> None:
    q = one(seg, "وقال نتنياهو في بيان: «لقد ارتكبت إيران خطأ كبيرا».")
    assert (q.speaker, q.via) == ("E14", None)


def test_relay_with_named_speaker(seg: Pipeline) -> None:
    q = one(seg, "ونقلت وكالة رويترز عن بوتين قوله إن العلاقات ممتازة.")
    assert (q.speaker, q.via, q.cue) == ("E1", "E4", "قوله")


def test_relay_with_unnamed_speaker(seg: Pipeline) -> None:
    q = one(seg, "ونقلت صحيفة نيويورك تايمز عن مسؤولين إيرانيين قولهم إن روسيا بدأت نقل المعدات.")
    assert (q.speaker, q.speaker_text, q.via) == (None, "مسؤولين إيرانيين", "E9")
    assert q.text == "روسيا بدأت نقل المعدات"


def test_outlet_speaking_for_itself_is_the_speaker(seg: Pipeline) -> None:
    q = one(seg, "وذكرت صحيفة نيويورك تايمز أن روسيا بدأت نقل المعدات.")
    assert (q.speaker, q.via) == ("E9", None)
    q = one(seg, "وأفادت وكالة تسنيم بأن الوفد وصل إلى موسكو.")
    assert (q.speaker, q.via) == ("E10", None)


def test_according_to_an_outlet_with_no_other_speaker(seg: Pipeline) -> None:
    q = one(seg, "«الوفد سيصل غدا إلى العاصمة لبدء المحادثات»، بحسب وكالة رويترز.")
    assert (q.speaker, q.via) == ("E4", None)


def test_two_links(seg: Pipeline) -> None:
    q = one(seg, "وقال بوتين لوكالة ريا نوفوستي، بحسب ما نقلته قناة الجزيرة، إن العلاقات ممتازة.")
    assert (q.speaker, q.via, q.via_chain) == ("E1", "E5", ("E5", "E3"))
    assert q.to_dict()["via_chain"] == ["E5", "E3"]


def test_via_never_equals_the_speaker(seg: Pipeline) -> None:
    q = one(seg, "وقالت وكالة رويترز إن الوفد وصل، بحسب رويترز.")
    assert q.speaker == "E4" and q.via is None


# -- negatives -------------------------------------------------------------------------------
def test_no_quote_without_cue_or_marks_more(seg: Pipeline) -> None:
    for text in (
        "وأكد بوتين دعمه رغم الخلاف، مع أن الطرفين لم يتفقا.",
        "وطالب بوتين بتمديد الهدنة شريطة أن تلتزم الأطراف بها.",
    ):
        assert analyse(seg, text).quotes == ()


def test_a_name_that_reads_like_bi_anna_is_not_a_complementizer(seg: Pipeline) -> None:
    text = "وطالبت وزارة الخارجية الأمين العام بان كي مون بالتحرك."
    doc = seg.analyze(text)
    pos = text.index("بان كي مون")
    ban = Entity("E20", "PERSON", "بان كي مون", (doc.span(pos, pos + 10),))
    assert quotes_document(doc.replace(entities=(*_entities(text), ban))).quotes == ()


def test_an_organisation_in_marks_is_the_subject(seg: Pipeline) -> None:
    doc = analyse(seg, "بدوره أكد «الجيش الإسرائيلي» تدمير المواقع في لبنان.")
    assert doc.quotes == ()


@pytest.mark.parametrize(
    "text",
    [
        "التقى بوتين بيزشكيان في طهران يوم الجمعة.",
        "وأظهرت المقارنة بين البلدين أن الاقتصاد نما بسرعة.",
        "تجري المحادثات بين روسيا وإيران منذ أن بدأ العام.",
        "وعبر الوزير عن أمله في أن تنجح المفاوضات.",
        "انتقل الوفد عبر الحدود بعد أن انتهت المحادثات.",
        "أعلن الجيش انسحابه بعد أن انتهت العملية العسكرية.",
        "وصل الوفد إلى طهران، إلا أن المحادثات لم تبدأ.",
        "يجب أن تبدأ المفاوضات قريبا في العاصمة.",
        "شاهد الجمهور فيلم «الرسالة» في القاعة.",
    ],
)
def test_no_quote_without_cue_or_marks(seg: Pipeline, text: str) -> None:
    assert analyse(seg, text).quotes == ()


def test_bayna_and_abra_are_not_reporting_verbs() -> None:
    cues = load_lexicon().cues
    assert "بين" not in cues and "عبر" not in cues
    assert "بينت" in cues  # the feminine verb form is unambiguous


def test_lexicon_forms_are_generated() -> None:
    forms = dict(verb_forms({"perfect": "أكد", "imperfect": "يؤكد", "participle": "مؤكدا"}))
    for f in ("أكد", "أكدت", "أكدوا", "يؤكد", "تؤكد", "يؤكدون", "مؤكدا", "مؤكدة", "مؤكدين"):
        assert f in forms
    assert forms["مؤكدة"] == "participle" and forms["تؤكد"] == "verb"


def test_quote_records_serialise(seg: Pipeline) -> None:
    doc = analyse(seg, "قال مصدر مطلع إن الاجتماع تأجل.")
    d = doc.to_dict()["quotes"][0]
    assert d["speaker"] is None and d["speaker_text"] == "مصدر مطلع" and d["stance"] == "describe"
    back = Document.from_dict(doc.to_dict())
    assert back.quotes == doc.quotes


def test_component_is_registered() -> None:
    info = registry()["quotes"]
    assert set(info.requires) == {"sentences", "tokens", "entities"}
    assert info.assigns == ("quotes",)


# -- robustness ------------------------------------------------------------------------------
_MARK = st.sampled_from(["«", "»", "“", "”", '"', "‘", "’", "''", "‹", "›", "„"])
_WORD = st.sampled_from(
    ["قال", "بوتين", "إن", "أن", "العلاقات", "ممتازة", "وأضاف", "بحسب", "،", "."]
)


@given(st.lists(st.one_of(_MARK, _WORD, st.just("\n\n")), max_size=30))
def test_marks_never_crash_and_spans_match(parts: list[str]) -> None:
    text = " ".join(parts)
    marked, problems = find_marked(text)
    for m in marked:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start] not in " \n" and text[m.end - 1] not in " \n"
        assert m.open_at < m.start
    assert all(isinstance(p, str) for p in problems)


@given(arabic_text())
def test_random_text_never_crashes(text: str) -> None:
    if not text.strip():
        return
    seg = Pipeline(["segment"])
    doc = seg.analyze(text)
    doc = doc.replace(entities=_entities(text))
    out = quotes_document(doc)
    for q in out.quotes:
        assert text[q.start : q.end] == q.text
    assert all(w.code == Code.W003.value for w in out.warnings if w.step == "quotes")


# -- the shared example ----------------------------------------------------------------------
def test_shared_example_with_its_gold_entities(shared: Path) -> None:
    gold = json.loads(
        (shared / "examples" / "gold" / "ashgabat-2024-10-11.json").read_text(encoding="utf-8")
    )
    text = (shared / "examples" / "articles" / "ashgabat-2024-10-11.txt").read_text(
        encoding="utf-8"
    )
    doc = Pipeline(["segment"]).analyze(text)
    ents = tuple(
        Entity(
            e["id"],
            e["type"],
            e["name_ar"],
            tuple(Span(m["start"], m["end"], m["text"]) for m in e["mentions"]),
        )
        for e in gold["entities"]
    )
    out = quotes_document(doc.replace(entities=ents))
    found = {(q.start, q.end): q for q in out.quotes}
    direct = [g for g in gold["quotes"] if g["direct"]]
    hits = [g for g in direct if (g["start"], g["end"]) in found]
    assert len(hits) >= len(direct) - 1, "direct quotes should match the gold spans exactly"
    same_speaker = [g for g in hits if found[(g["start"], g["end"])].speaker == g["speaker"]]
    assert len(same_speaker) >= len(hits) - 1
    assert len(out.quotes) <= len(gold["quotes"]) + 2


# -- with the real pipeline (knowledge-base entities) ----------------------------------------
@pytest.fixture(scope="module")
def full() -> Pipeline:
    return Pipeline()


def _name(doc: Document, eid: str | None) -> str | None:
    e = doc.entity(eid) if eid else None
    return e.name_en if e else None


def test_pipeline_speaker_and_via(full: Pipeline) -> None:
    doc = full.analyze(
        "وقال الرئيس الروسي فلاديمير بوتين، بحسب وكالة رويترز، إن «العلاقات مع إيران ممتازة».",
        published="2024-10-11",
    )
    assert [q.text for q in doc.quotes] == ["العلاقات مع إيران ممتازة"]
    q = doc.quotes[0]
    assert _name(doc, q.speaker) == "Vladimir Putin" and _name(doc, q.via) == "Reuters"


def test_pipeline_title_resolved_by_the_knowledge_base(full: Pipeline) -> None:
    doc = full.analyze(
        "التقى الرئيس الإيراني مسعود بيزشكيان وفدا روسيا. وقال الرئيس الإيراني إن بلاده ترحب "
        "بالتعاون.",
        published="2024-10-11",
    )
    assert len(doc.quotes) == 1
    assert _name(doc, doc.quotes[0].speaker) == "Masoud Pezeshkian"


def test_pipeline_runs_quotes_by_default(full: Pipeline) -> None:
    assert "quotes" in full.names
    doc = full.analyze("قال مصدر مطلع إن الاجتماع تأجل.")
    assert [(q.speaker, q.speaker_text) for q in doc.quotes] == [(None, "مصدر مطلع")]


# -- subjects found on unseen articles ------------------------------------------------------
def test_title_with_a_complement_then_the_name(seg: Pipeline) -> None:
    q = one(seg, "وقال رئيس كتلة الحزب الوطني، كمال الدراجي إن الانتخابات ستجري في موعدها.")
    assert q.speaker == "E17"


def test_long_title_then_the_name(seg: Pipeline) -> None:
    q = one(
        seg,
        "وأوضح مدير عام إدارة العلاقات العامة والمتحدث الإعلامي بأمانة المنطقة كمال الدراجي"
        " أن الطريق سيغلق.",
    )
    assert q.speaker == "E17"


def test_head_noun_and_nisba_before_a_name(seg: Pipeline) -> None:
    q = one(seg, "أعلن الملياردير الروسي كمال الدراجي أنه سيتبرع بنصف ثروته.")
    assert q.speaker == "E17"


def test_title_and_unrecognised_name_keep_the_whole_phrase(seg: Pipeline) -> None:
    q = one(seg, "وقال وزير الصحة التونسي منير الحبيبي إن الوضع مستقر.")
    assert (q.speaker, q.speaker_text) == (None, "وزير الصحة التونسي منير الحبيبي")


def test_title_of_a_transitive_cue_does_not_run_into_its_object(seg: Pipeline) -> None:
    q = one(seg, "وأكد وزير الخارجية دعم بلاده للمبادرة وأن الحوار سيستمر.")
    assert (q.speaker, q.speaker_text) == (None, "وزير الخارجية")


def test_a_person_after_a_preposition_is_not_the_subject(seg: Pipeline) -> None:
    q = one(seg, "وقال وزير الداخلية في لقاء مع كمال الدراجي إن الأمن مستتب.")
    assert q.speaker != "E17"


def test_head_noun_and_name_in_marks(seg: Pipeline) -> None:
    q = one(seg, 'قالت منظمة "عين الرقيب" إن البرلمان منعها من البث المباشر.')
    assert (q.speaker, q.speaker_text) == (None, 'منظمة "عين الرقيب"')


def test_unrecognised_newspaper_speaks_for_itself_and_continues(seg: Pipeline) -> None:
    doc = analyse(
        seg,
        'أوردت جريدة "الفجر" الجزائرية أن الحكومة ستستقيل الأسبوع المقبل. '
        "وأضافت أن رئيس الوزراء أبلغ البرلمان بقراره.",
    )
    assert [q.speaker_text for q in doc.quotes] == ['جريدة "الفجر" الجزائرية'] * 2
    assert [q.speaker for q in doc.quotes] == [None, None]


def test_outlet_citing_someone_is_the_via(seg: Pipeline) -> None:
    q = one(seg, "وأوردت صحيفة الفجر نقلا عن رئيس الحزب، كمال الدراجي إن الحكومة ستستقيل.")
    assert (q.speaker, q.via) == ("E17", "E18")


def test_unrecognised_outlet_citing_someone(seg: Pipeline) -> None:
    q = one(seg, "وأوردت نفس الصحيفة نقلا عن كمال الدراجي أن الحكومة ستستقيل.")
    assert q.speaker == "E17"


def test_statement_issued_by_a_body_speaks_for_it(seg: Pipeline) -> None:
    q = one(seg, "وقال بيان صادر عن وزارة الخارجية إن السفير استدعي للتشاور.")
    assert q.speaker == "E8"


def test_statement_of_an_unrecognised_body_keeps_its_words(seg: Pipeline) -> None:
    q = one(seg, "ووصف بيان الرئاسة الحكم بأنه جائر.")
    assert (q.speaker, q.speaker_text) == (None, "بيان الرئاسة")


def test_the_statement_continues_its_issuer(seg: Pipeline) -> None:
    doc = analyse(
        seg,
        "وقالت وزارة الخارجية في بيان إن الحوار مستمر. وأضاف البيان أن الوفد سيعود غدا.",
    )
    assert [q.speaker for q in doc.quotes] == ["E8", "E8"]


def test_description_ends_at_a_comma(seg: Pipeline) -> None:
    q = one(seg, "وشدد مسؤول في الوزارة، ولكنه أشار إلى أن الحدود ستبقى مفتوحة.")
    assert q.speaker_text == "مسؤول في الوزارة"


def test_description_takes_a_person_after_the_comma(seg: Pipeline) -> None:
    q = one(seg, "وقال متحدث باسم الحزب، كمال الدراجي، إن الحزب سيشارك.")
    assert q.speaker == "E17"


def test_wahid_is_not_an_unnamed_source(seg: Pipeline) -> None:
    doc = analyse(
        seg,
        "وقال بوتين إن العرض سيقدم مرة واحدة يوميا، وأشار إلى أن التذاكر نفدت.",
    )
    assert [q.speaker for q in doc.quotes] == ["E1", "E1"]


def test_written_words_in_marks(seg: Pipeline) -> None:
    q = one(seg, 'وكتب لافروف على تويتر "إن الغرب يتحمل مسؤولية هذا التصعيد الخطير".')
    assert (q.speaker, q.cue, q.direct) == ("E11", "كتب", True)


def _with_people(seg: Pipeline, text: str, names: list[str]) -> Document:
    doc = seg.analyze(text)
    ents = []
    for n, name in enumerate(names):
        pos = text.index(name)
        ents.append(Entity(f"P{n}", "PERSON", name, (Span(pos, pos + len(name), name),)))
    return quotes_document(doc.replace(entities=tuple(ents)))


def test_short_name_links_to_the_person_named_before(seg: Pipeline) -> None:
    text = "التقى الوزير منصف مرزوق الوفد. وقال مرزوق إن اللقاء كان مثمرا."
    doc = _with_people(seg, text, ["منصف مرزوق"])
    assert [(q.speaker, q.speaker_text) for q in doc.quotes] == [("P0", None)]


def test_short_name_shared_by_two_people_stays_unlinked(seg: Pipeline) -> None:
    text = "التقى منصف مرزوق وسامي مرزوق الوفد. وقال مرزوق إن اللقاء كان مثمرا."
    doc = _with_people(seg, text, ["منصف مرزوق", "سامي مرزوق"])
    assert [(q.speaker, q.speaker_text) for q in doc.quotes] == [(None, "مرزوق")]


def test_text_view_shows_speaker_via_cue_and_stance(seg: Pipeline) -> None:
    from marsad.render import to_html, to_text

    text = (
        "حذر بوتين، بحسب وكالة ريا نوفوستي، من أن التصعيد خطير. "
        'وقال مصدر مطلع: "الوضع هادئ في العاصمة منذ الصباح الباكر".'
    )
    doc = analyse(seg, text)
    names_en = {"E1": "Vladimir Putin", "E3": "RIA Novosti"}
    doc = doc.replace(
        entities=tuple(
            Entity(e.id, e.type, e.name_ar, e.mentions, name_en=names_en.get(e.id))
            for e in doc.entities
        )
    )
    out = to_text(doc)
    section = out.split("-- quotes\n", 1)[1]
    assert "indirect, stance warn, cue حذر" in section
    assert "speaker: فلاديمير بوتين = Vladimir Putin; via: ريا نوفوستي = RIA Novosti" in section
    assert "direct, stance describe, cue قال" in section
    assert "speaker: «مصدر مطلع» (unlinked); via: -" in section
    page = to_html(doc)
    assert "indirect quote by فلاديمير بوتين (Vladimir Putin) via RIA Novosti; cue حذر" in page


def test_counterpart_after_a_complete_title_is_not_the_speaker(seg: Pipeline) -> None:
    text = (
        "التقى وزير الخارجية الروسي سيرغي لافروف الوفد. "
        "ودعا وزير الخارجية الروسي نظيره الإيراني مسعود بيزشكيان إلى أن يزور موسكو."
    )
    doc = analyse(seg, text)
    assert [q.speaker for q in doc.quotes] == ["E11"]


def test_preposition_before_words_in_marks_is_not_a_head_noun(seg: Pipeline) -> None:
    doc = analyse(seg, 'وكان بوتين قد التقى الوفد. ووصفت بـ"الخطيرة" أن الوضع يتدهور.')
    assert all(q.speaker_text != 'بـ"الخطيرة"' for q in doc.quotes)


def test_outlet_spoken_to_in_marks_is_not_the_speaker(seg: Pipeline) -> None:
    doc = analyse(seg, 'وقال بوتين إن الاجتماع مفيد. وقال لقناة "الغد" الروسية أن الحوار مستمر.')
    assert [(q.speaker, q.speaker_text) for q in doc.quotes] == [("E1", None)] * 2


def test_complementizer_inside_a_name_in_marks(seg: Pipeline) -> None:
    q = one(seg, 'قالت شبكة "سي.إن.إن" الإخبارية، نقلا عن ثلاثة مسؤولين، إن الهجوم كان مدبرا.')
    assert q.text == "الهجوم كان مدبرا"


def test_description_with_a_nisba_and_a_person_after_the_comma(seg: Pipeline) -> None:
    q = one(seg, 'ويؤكد أحد أصدقائه، المغربي كمال الدراجي، "إنه طباخ ماهر".')
    assert q.speaker == "E17"


def test_feminine_complement_is_not_a_possessive(seg: Pipeline) -> None:
    q = one(seg, "وقال نائب الأمين العام للجامعة السفير كمال الدراجي إن القمة ستعقد في موعدها.")
    assert q.speaker == "E17"


def test_hyphenated_place_in_the_title(seg: Pipeline) -> None:
    q = one(seg, "وقال رئيس حكومة ولاية بادن-فورتمبرغ الألمانية كمال الدراجي إن الولاية آمنة.")
    assert q.speaker == "E17"


def test_definite_noun_and_nisbas_before_the_clause(seg: Pipeline) -> None:
    q = one(seg, "وأعلن المرصد الفلكي الوطني، أن شهر رمضان سيكون ثلاثين يوما.")
    assert (q.speaker, q.speaker_text) == (None, "المرصد الفلكي الوطني")


def test_description_that_named_a_person_before(seg: Pipeline) -> None:
    text = (
        "قال المحلل السياسي اللبناني ومدير مركز الدراسات كمال الدراجي إن الأزمة ستطول. "
        "وذكرت تقارير أن الوساطة فشلت. وأضاف المحلل السياسي أن الحل سياسي."
    )
    doc = analyse(seg, text)
    assert [q.speaker for q in doc.quotes][-1] == "E17"


def test_spokesperson_of_a_person_is_not_that_person(seg: Pipeline) -> None:
    q = one(seg, "وقالت الناطقة باسم بوتين، في رسالة إلكترونية، إن الزيارة تأجلت.")
    assert q.speaker != "E1" and q.speaker_text is not None


def test_place_after_a_noun_is_not_the_subject(seg: Pipeline) -> None:
    q = one(seg, "وتشهد محافظة طهران هدوءا حذرا، مشيرة إلى أن الأسواق فتحت أبوابها.")
    assert q.speaker != "E6"


def test_body_with_a_complement_in_lam(seg: Pipeline) -> None:
    q = one(seg, "واعتبر المرصد السوري لحقوق الإنسان، في تقرير له، أن القرار خطير.")
    assert (q.speaker, q.speaker_text) == (None, "المرصد السوري لحقوق الإنسان")


def test_body_in_a_title_is_not_the_speaker_named_after_it(seg: Pipeline) -> None:
    q = one(seg, "وأكد وكيل وزارة الخارجية السفير كمال الدراجي، أن التصريحات مرفوضة.")
    assert q.speaker == "E17"


def test_name_in_marks_after_a_preposition_is_not_the_subject(seg: Pipeline) -> None:
    q = one(seg, 'وفي تسجيل بث على "تويتر"، خاطب بوتين الإيرانيين قائلا إن العلاقات ممتازة.')
    assert q.speaker == "E1"
