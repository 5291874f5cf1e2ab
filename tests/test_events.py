"""Events: triggers per family, inflections and clitics, arguments (VSO/SVO, prepositions,
nisbas, light verbs, genitives), modality, time and location, precision (negative cases),
the ontology data, the component and the shared example.

Documents are segmented for real; entities are hand-made records (``doc.replace``) so that
these tests exercise the event coder alone.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest

from marsad.events import (
    KBNisba,
    Options,
    build_lexicon,
    default_lexicon,
    event_rows,
    find_events,
)
from marsad.model import PLOVER_TYPES, Document, Entity, Event, Quote, Span, TimeExpr
from marsad.pipeline import Pipeline, registry

SEG = Pipeline(["segment"])

# names used in the sentences below, with their types (only those present become entities)
NAMES: dict[str, str] = {
    "فلاديمير بوتين": "PERSON",
    "بوتين": "PERSON",
    "مسعود بيزشكيان": "PERSON",
    "بيزشكيان": "PERSON",
    "ماكرون": "PERSON",
    "أردوغان": "PERSON",
    "زيلينسكي": "PERSON",
    "نتنياهو": "PERSON",
    "بلينكن": "PERSON",
    "لافروف": "PERSON",
    "عبد الفتاح السيسي": "PERSON",
    "السيسي": "PERSON",
    "هنية": "PERSON",
    "أحمد": "PERSON",
    "حماس": "ORG",
    "حزب الله": "ORG",
    "الأمم المتحدة": "ORG",
    "الاتحاد الأوروبي": "ORG",
    "الجيش اللبناني": "ORG",
    "التحالف الدولي": "ORG",
    "داعش": "ORG",
    "نيويورك تايمز": "ORG",
    "رويترز": "ORG",
    "روسيا": "GPE",
    "إيران": "GPE",
    "إسرائيل": "GPE",
    "مصر": "GPE",
    "فرنسا": "GPE",
    "تركيا": "GPE",
    "أوكرانيا": "GPE",
    "الجزائر": "GPE",
    "قطر": "GPE",
    "السعودية": "GPE",
    "الصين": "GPE",
    "الولايات المتحدة": "GPE",
    "واشنطن": "GPE",
    "موسكو": "GPE",
    "طهران": "GPE",
    "القاهرة": "GPE",
    "أنقرة": "GPE",
    "الدوحة": "GPE",
    "باريس": "GPE",
    "بيروت": "GPE",
    "غزة": "GPE",
    "كييف": "GPE",
    "الرباط": "GPE",
    "بغداد": "GPE",
    "جنيف": "GPE",
}


def mk(text: str, published: str | None = "2024-10-11", **fields: object) -> Document:
    """A segmented document whose entities are the NAMES found in it (longest first)."""
    doc = SEG.analyze(text, published=published)
    taken: list[tuple[int, int]] = []
    found: dict[str, list[Span]] = {}
    for name in sorted(NAMES, key=len, reverse=True):
        s = 0
        while (k := text.find(name, s)) >= 0:
            e = k + len(name)
            s = e
            if any(a < e and k < b for a, b in taken):
                continue
            w = k
            while w > 0 and text[w - 1].isalpha():
                w -= 1
            if text[w:k] not in ("", "و", "ب", "ل", "ف", "ك", "وب", "ول"):
                continue
            if e < len(text) and text[e].isalpha():
                continue
            taken.append((k, e))
            found.setdefault(name, []).append(Span(k, e, name))
    ents = tuple(
        Entity(f"E{i}", NAMES[n], n, tuple(sorted(ms, key=lambda m: m.start)))
        for i, (n, ms) in enumerate(sorted(found.items(), key=lambda x: x[1][0].start), 1)
    )
    return doc.replace(entities=ents, **fields)


def events(text: str, **kw: object) -> tuple[Document, list[Event]]:
    opts = kw.pop("options", None)
    doc = mk(text, **kw)  # type: ignore[arg-type]
    return doc, find_events(doc, options=opts)  # type: ignore[arg-type]


def names(doc: Document, ids: tuple[str, ...]) -> set[str]:
    out = set()
    for i in ids:
        e = doc.entity(i)
        assert e is not None
        out.add(e.name_ar)
    return out


def only(text: str, label: str, **kw: object) -> tuple[Document, Event]:
    doc, evs = events(text, **kw)
    hits = [e for e in evs if e.label == label]
    assert len(hits) == 1, f"{text!r}: {[(e.label, e.trigger.text) for e in evs]}"
    return doc, hits[0]


# -- trigger families: label, PLOVER type, source and target ---------------------------------
FAMILIES = [
    ("التقى بوتين مع أردوغان في أنقرة.", "MEET", "CONSULT", {"بوتين"}, {"أردوغان"}),
    ("اجتمع ماكرون مع زيلينسكي في باريس.", "MEET", "CONSULT", {"ماكرون"}, {"زيلينسكي"}),
    ("استقبل السيسي نتنياهو في القاهرة.", "HOST", "CONSULT", {"السيسي"}, {"نتنياهو"}),
    ("زار أردوغان قطر الأسبوع الماضي.", "VISIT", "CONSULT", {"أردوغان"}, {"قطر"}),
    ("وصل لافروف إلى الدوحة في زيارة رسمية.", "VISIT", "CONSULT", {"لافروف"}, {"الدوحة"}),
    ("أجرى بلينكن محادثات مع لافروف في جنيف.", "NEGOTIATE", "CONSULT", {"بلينكن"}, {"لافروف"}),
    ("أشاد بوتين بموقف الصين.", "PRAISE", "SUPPORT", {"بوتين"}, {"الصين"}),
    ("رحبت قطر بقرار الأمم المتحدة.", "ENDORSE", "SUPPORT", {"قطر"}, {"الأمم المتحدة"}),
    ("أدانت مصر هجوم إسرائيل على غزة.", "CRITICIZE/CONDEMN", "ACCUSE", {"مصر"}, {"إسرائيل"}),
    (
        "ندد الاتحاد الأوروبي بسياسات إيران.",
        "CRITICIZE/CONDEMN",
        "ACCUSE",
        {"الاتحاد الأوروبي"},
        {"إيران"},
    ),
    ("انتقد ماكرون أردوغان بشدة.", "CRITICIZE/CONDEMN", "ACCUSE", {"ماكرون"}, {"أردوغان"}),
    ("اتهم بلينكن طهران بإرسال صواريخ إلى موسكو.", "ACCUSE", "ACCUSE", {"بلينكن"}, {"طهران"}),
    ("هدد نتنياهو حزب الله برد قاس.", "WARN/THREATEN", "THREATEN", {"نتنياهو"}, {"حزب الله"}),
    ("توعدت إيران إسرائيل بالانتقام.", "WARN/THREATEN", "THREATEN", {"إيران"}, {"إسرائيل"}),
    (
        "حذرت روسيا الولايات المتحدة من التصعيد.",
        "WARN/THREATEN",
        "THREATEN",
        {"روسيا"},
        {"الولايات المتحدة"},
    ),
    ("تعهد نتنياهو بالرد على إيران.", "WARN/THREATEN", "THREATEN", {"نتنياهو"}, {"إيران"}),
    ("وجه بوتين دعوة إلى بيزشكيان لحضور القمة.", "INVITE", "REQUEST", {"بوتين"}, {"بيزشكيان"}),
    ("دعا أردوغان بوتين إلى زيارة أنقرة.", "INVITE", "REQUEST", {"أردوغان"}, {"بوتين"}),
    ("دعت فرنسا إلى وقف إطلاق النار في غزة.", "REQUEST", "REQUEST", {"فرنسا"}, set()),
    ("طالبت الجزائر فرنسا بالاعتذار.", "DEMAND", "REQUEST", {"الجزائر"}, {"فرنسا"}),
    (
        "وقعت مصر والسعودية اتفاقية للتعاون الاقتصادي.",
        "AGREE/SIGN",
        "AGREE",
        {"مصر", "السعودية"},
        set(),
    ),
    ("أبرمت قطر صفقة مع فرنسا.", "AGREE/SIGN", "AGREE", {"قطر"}, {"فرنسا"}),
    ("زودت إيران روسيا بطائرات مسيرة.", "SUPPLY/TRANSFER", "AID", {"إيران"}, {"روسيا"}),
    (
        "أرسلت الولايات المتحدة أسلحة إلى أوكرانيا.",
        "SUPPLY/TRANSFER",
        "AID",
        {"الولايات المتحدة"},
        {"أوكرانيا"},
    ),
    ("تسلمت روسيا صواريخ من إيران.", "RECEIVE", "AID", {"إيران"}, {"روسيا"}),
    ("قدمت قطر مساعدات إنسانية إلى غزة.", "AID", "AID", {"قطر"}, {"غزة"}),
    ("هاجمت حماس إسرائيل صباح اليوم.", "ATTACK", "ASSAULT", {"حماس"}, {"إسرائيل"}),
    ("قصفت روسيا كييف بالصواريخ.", "SHELL", "ASSAULT", {"روسيا"}, {"كييف"}),
    ("استهدفت إسرائيل بيروت بغارة جوية.", "ATTACK", "ASSAULT", {"إسرائيل"}, {"بيروت"}),
    ("شنت إسرائيل غارات على غزة.", "AIRSTRIKE", "ASSAULT", {"إسرائيل"}, {"غزة"}),
    ("أطلقت إيران صواريخ على إسرائيل.", "SHELL", "ASSAULT", {"إيران"}, {"إسرائيل"}),
    ("اغتالت إسرائيل هنية في طهران.", "KILL/ASSASSINATE", "ASSAULT", {"إسرائيل"}, {"هنية"}),
    (
        "فرضت الولايات المتحدة عقوبات على إيران.",
        "SANCTION",
        "SANCTION",
        {"الولايات المتحدة"},
        {"إيران"},
    ),
    ("قطعت الجزائر علاقاتها مع المغرب.", "SEVER", "SANCTION", {"الجزائر"}, set()),
    ("نفت إيران تزويد روسيا بالأسلحة.", "DENY", "REJECT", {"إيران"}, set()),
    ("رفضت مصر المقترح الإسرائيلي.", "REJECT", "REJECT", {"مصر"}, set()),
    ("انسحب الجيش اللبناني من مواقعه.", "WITHDRAW", "RETREAT", {"الجيش اللبناني"}, set()),
    ("تظاهر آلاف في الرباط احتجاجا على الغلاء.", "PROTEST", "PROTEST", set(), set()),
    ("اعتقلت الشرطة أحمد في بغداد.", "ARREST", "COERCE", set(), {"أحمد"}),
    ("تعاونت مصر وقطر في الوساطة.", "COOPERATE", "COOPERATE", {"مصر", "قطر"}, set()),
]


@pytest.mark.parametrize(("text", "label", "ptype", "src", "tgt"), FAMILIES)
def test_trigger_families(text: str, label: str, ptype: str, src: set[str], tgt: set[str]) -> None:
    doc, ev = only(text, label)
    assert ev.type == ptype
    assert ev.type in PLOVER_TYPES
    assert src <= names(doc, ev.source), (text, names(doc, ev.source))
    assert tgt <= names(doc, ev.target), (text, names(doc, ev.target))
    assert not (names(doc, ev.source) & names(doc, ev.target))
    assert doc.text[ev.trigger.start : ev.trigger.end] == ev.trigger.text
    assert ev.cameo is not None


# -- inflections and clitics -------------------------------------------------------------------
INFLECTIONS = [
    ("التقت فرنسا مع مصر.", "MEET", "التقت"),
    ("التقيا في جنيف بوتين وماكرون.", "MEET", "التقيا"),
    ("التقوا مع بوتين أمس.", "MEET", "التقوا"),
    ("يلتقي بوتين مع أردوغان غدا.", "MEET", "يلتقي"),
    ("وسيلتقي ماكرون مع زيلينسكي.", "MEET", "سيلتقي"),
    ("فالتقى بوتين أردوغان.", "MEET", "التقى"),
    ("التقاه بوتين في موسكو.", "MEET", "التقاه"),
    ("وأدانت مصر القرار.", "CRITICIZE/CONDEMN", "أدانت"),
    ("أدانوا الاتحاد الأوروبي بشدة.", "CRITICIZE/CONDEMN", "أدانوا"),
    ("تدين قطر الهجمات.", "CRITICIZE/CONDEMN", "تدين"),
    ("ويزور أردوغان الدوحة.", "VISIT", "يزور"),
    ("وسيزور ماكرون الجزائر.", "VISIT", "سيزور"),
    ("وخلال زيارته إلى موسكو، التقى بيزشكيان بوتين.", "MEET", "التقى"),
    ("بدأت زيارتها إلى القاهرة مصر.", "VISIT", "زيارتها"),
    ("شنت روسيا هجوما على كييف.", "ATTACK", "هجوما"),
    ("نفذت حماس هجماتها على إسرائيل.", "ATTACK", "هجماتها"),
    ("واتهمت إيران الولايات المتحدة بالتصعيد.", "ACCUSE", "اتهمت"),
    ("يتهمون حماس بخرق الهدنة.", "ACCUSE", "يتهمون"),
    ("ونددت قطر بالغارات.", "CRITICIZE/CONDEMN", "نددت"),
    ("تظاهروا أمام السفارة في باريس.", "PROTEST", "تظاهروا"),
    ("يتظاهرون كل جمعة في الجزائر.", "PROTEST", "يتظاهرون"),
    ("نظم العمال إضرابا عاما في الرباط.", "STRIKE", "إضرابا"),
]


@pytest.mark.parametrize(("text", "label", "trigger"), INFLECTIONS)
def test_inflections_and_clitics(text: str, label: str, trigger: str) -> None:
    _doc, evs = events(text)
    hits = [e for e in evs if e.label == label]
    assert hits, (text, [(e.label, e.trigger.text) for e in evs])
    assert hits[0].trigger.text == trigger


def test_trigger_span_drops_proclitics_only() -> None:
    _doc, ev = only("ولم تصدر أي تعليقات، وأدانتها قطر.", "CRITICIZE/CONDEMN")
    assert ev.trigger.text == "أدانتها"
    _doc, ev = only("نفذت حماس هجماتها على إسرائيل.", "ATTACK")
    assert ev.trigger.text == "هجماتها"


# -- arguments ------------------------------------------------------------------------------------
def test_vso_subject_then_object() -> None:
    doc, ev = only("استقبل الرئيس المصري عبد الفتاح السيسي ماكرون في القاهرة.", "HOST")
    assert names(doc, ev.source) == {"عبد الفتاح السيسي"}
    assert names(doc, ev.target) == {"ماكرون"}
    assert names(doc, (ev.location,)) == {"القاهرة"}  # type: ignore[arg-type]


def test_svo_subject_before_verb() -> None:
    doc, ev = only("وقالت واشنطن إن روسيا تسلمت صواريخ من إيران.", "RECEIVE")
    assert names(doc, ev.source) == {"إيران"}
    assert names(doc, ev.target) == {"روسيا"}


def test_compound_subject() -> None:
    doc, ev = only("موسكو وطهران تتعاونان في المجال العسكري.", "COOPERATE")
    assert names(doc, ev.source) == {"موسكو", "طهران"}


def test_compound_target_after_preposition() -> None:
    doc, ev = only("التقى لافروف ببوتين وبيزشكيان في موسكو.", "MEET")
    assert names(doc, ev.source) == {"لافروف"}
    assert {"بوتين", "بيزشكيان"} <= names(doc, ev.target)


def test_title_before_name_is_not_a_nisba_actor() -> None:
    doc, ev = only("التقى الرئيس الروسي فلاديمير بوتين مع الرئيس الإيراني مسعود بيزشكيان.", "MEET")
    assert names(doc, ev.source) == {"فلاديمير بوتين"}
    assert names(doc, ev.target) == {"مسعود بيزشكيان"}


@pytest.mark.parametrize(
    ("text", "label", "src", "tgt"),
    [
        ("قصفت طائرات إسرائيلية غزة.", "SHELL", {"إسرائيل"}, {"غزة"}),
        ("أسفرت غارة إسرائيلية على بيروت عن دمار كبير.", "AIRSTRIKE", {"إسرائيل"}, {"بيروت"}),
        ("أدانت قطر الهجمات الروسية على أوكرانيا.", "CRITICIZE/CONDEMN", {"قطر"}, {"روسيا"}),
        ("وصلت شحنات أسلحة إيرانية إلى روسيا.", "SUPPLY/TRANSFER", {"إيران"}, {"روسيا"}),
    ],
)
def test_nisba_actors(text: str, label: str, src: set[str], tgt: set[str]) -> None:
    doc = mk(text)
    ents = list(doc.entities)
    # the country a nisba stands for must be an entity of the document for an id to exist
    for country in src | tgt:
        if not any(e.name_ar == country for e in ents):
            ents.append(Entity(f"E{len(ents) + 1}", "GPE", country, ()))
    doc = doc.replace(entities=tuple(ents))
    evs = [e for e in find_events(doc) if e.label == label]
    assert evs, [(e.label, e.trigger.text) for e in find_events(doc)]
    assert names(doc, evs[0].source) == src
    assert tgt <= names(doc, evs[0].target)


def test_nisba_resolver_fallback_on_capital() -> None:
    doc = mk("فرضت عقوبات روسية جديدة على أوكرانيا، كما قالت موسكو.")
    res = KBNisba.load()
    eid = res("روسية", doc)
    assert eid is not None and doc.entity(eid).name_ar == "موسكو"  # type: ignore[union-attr]
    assert res("الدولية", doc) is None


def test_unresolved_nisba_still_fills_the_subject_slot() -> None:
    doc, ev = only("قصفت طائرات إسرائيلية غزة.", "SHELL")  # Israel not an entity here
    assert ev.source == ()
    assert names(doc, ev.target) == {"غزة"}


def test_masdar_with_genitive_agent_and_lam_target() -> None:
    doc, ev = only("وقالت حماس إنه رد على اغتيال إسرائيل لهنية.", "KILL/ASSASSINATE")
    assert names(doc, ev.source) == {"إسرائيل"}
    assert names(doc, ev.target) == {"هنية"}


def test_masdar_genitive_victim() -> None:
    doc, ev = only("أعلنت حماس مقتل هنية في طهران.", "KILL")
    assert names(doc, ev.target) == {"هنية"}
    assert names(doc, (ev.location,)) == {"طهران"}  # type: ignore[arg-type]


def test_light_verb_gives_the_noun_its_actor() -> None:
    doc, ev = only("شنت إسرائيل هجوما على حزب الله في بيروت.", "ATTACK")
    assert names(doc, ev.source) == {"إسرائيل"}
    assert names(doc, ev.target) == {"حزب الله"}


def test_light_verb_with_preposition_makes_genitive_the_object() -> None:
    doc, ev = only("وافقت إيران على إمداد روسيا بالطائرات المسيرة.", "SUPPLY/TRANSFER")
    assert names(doc, ev.source) == {"إيران"}
    assert names(doc, ev.target) == {"روسيا"}
    assert ev.cameo == "072"  # military aid: a weapon object


def test_relative_clause_actor() -> None:
    doc, ev = only("رفضت روسيا العقوبات التي فرضها الاتحاد الأوروبي.", "REJECT")
    assert names(doc, ev.source) == {"روسيا"}
    assert names(doc, ev.target) == {"الاتحاد الأوروبي"}


def test_participle_takes_main_clause_actor() -> None:
    doc, evs = events("أدان بيزشكيان الغارات على غزة، محذرا من أن الوضع خطير.")
    warn = [e for e in evs if e.label == "WARN/THREATEN"]
    assert warn and names(doc, warn[0].source) == {"بيزشكيان"}


def test_dropped_subject_inherits_from_previous_event() -> None:
    doc, evs = events("التقى بوتين مع أردوغان في أنقرة. وأشاد بالعلاقات مع تركيا.")
    praise = [e for e in evs if e.label == "PRAISE"]
    assert praise and names(doc, praise[0].source) == {"بوتين"}


def test_dropped_subject_inherits_quote_speaker() -> None:
    text = "وقال لافروف إن الوضع خطير. وحذر من التصعيد."
    doc = mk(text)
    q = Quote(text.index("الوضع"), text.index("خطير") + 4, "الوضع خطير", speaker="E1")
    doc = doc.replace(quotes=(q,))
    warn = [e for e in find_events(doc) if e.label == "WARN/THREATEN"]
    assert warn and names(doc, warn[0].source) == {"لافروف"}


def test_retaliation_targets_the_earlier_attacker() -> None:
    doc = mk("تخشى المنطقة انتقاما إسرائيليا محتملا للهجوم الإيراني على إسرائيل.")
    ents = (*doc.entities, Entity("E99", "GPE", "إيران", ()))
    doc = doc.replace(entities=ents)
    evs = [e for e in find_events(doc) if e.type == "ASSAULT"]
    assert len(evs) == 1
    assert names(doc, evs[0].source) == {"إسرائيل"}
    assert names(doc, evs[0].target) == {"إيران"}
    assert evs[0].modality == "hypothetical"


def test_weapons_are_not_actors() -> None:
    text = "أبرمت قطر صفقة لشراء مقاتلات رافال."
    doc = mk(text)
    k = text.index("رافال")
    doc = doc.replace(
        entities=(*doc.entities, Entity("E9", "WEAPON", "رافال", (Span(k, k + 5, "رافال"),)))
    )
    ev = next(e for e in find_events(doc) if e.label == "AGREE/SIGN")
    assert "E9" not in ev.target and "E9" not in ev.source


# -- modality -------------------------------------------------------------------------------------
MODALITIES = [
    ("التقى بوتين مع أردوغان.", "MEET", "asserted"),
    ("ولم يلتق بوتين مع زيلينسكي.", "MEET", "denied"),
    ("لن تزور فرنسا الجزائر.", "VISIT", "denied"),
    ("لا تدين قطر الهجمات.", "CRITICIZE/CONDEMN", "denied"),
    ("أكدت القاهرة عدم توقيع اتفاق مع إسرائيل.", "AGREE/SIGN", "denied"),
    ("سيزور أردوغان الدوحة.", "VISIT", "planned"),
    ("سوف يلتقي بوتين مع بيزشكيان.", "MEET", "planned"),
    ("من المقرر أن يلتقي ماكرون مع زيلينسكي.", "MEET", "planned"),
    ("يعتزم بلينكن زيارة القاهرة.", "VISIT", "planned"),
    ("تناولت المحادثات الزيارة المقبلة لبوتين إلى تركيا.", "VISIT", "planned"),
    ("إذا هاجمت إسرائيل إيران فسيكون الرد قاسيا.", "ATTACK", "hypothetical"),
    ("لو زار ماكرون الجزائر لتغير الموقف.", "VISIT", "hypothetical"),
    ("في حال فرضت الولايات المتحدة عقوبات على الصين سترد بكين.", "SANCTION", "hypothetical"),
    ("قد تقصف روسيا كييف مجددا.", "SHELL", "hypothetical"),
    ("يخشى الجميع هجوما إسرائيليا محتملا على إيران.", "ATTACK", "hypothetical"),
    ("وبحسب رويترز، التقى لافروف مع بلينكن في جنيف.", "MEET", "reported"),
    ("ووفقا لمسؤولين، زار أردوغان قطر سرا.", "VISIT", "reported"),
    ("وظهرت تقارير حول تسليم شحنات أسلحة روسية إلى إيران.", "SUPPLY/TRANSFER", "reported"),
]


@pytest.mark.parametrize(("text", "label", "modality"), MODALITIES)
def test_modality(text: str, label: str, modality: str) -> None:
    doc = mk(text)
    if "روسية" in text:
        doc = doc.replace(entities=(*doc.entities, Entity("E98", "GPE", "روسيا", ())))
    evs = [e for e in find_events(doc) if e.label == label]
    assert evs, (text, [(e.label, e.trigger.text) for e in find_events(doc)])
    assert evs[0].modality == modality


def test_reported_inside_quote_links_the_quote() -> None:
    text = "وقالت طهران إن روسيا تسلمت صواريخ من إيران."
    doc = mk(text)
    s = text.index("روسيا")
    q = Quote(s, len(text) - 1, text[s:-1], speaker="E1", direct=False)
    other = Quote(0, 5, text[0:5], speaker=None)
    doc = doc.replace(quotes=(other, q))
    ev = next(e for e in find_events(doc) if e.label == "RECEIVE")
    assert ev.modality == "reported"
    assert ev.quote == 1


def test_direct_quote_needs_full_arguments() -> None:
    text = "وقال بوتين: «إننا نتعاون بشكل نشط»."
    doc = mk(text)
    s = text.index("إننا")
    doc = doc.replace(quotes=(Quote(s, text.index("»"), text[s : text.index("»")], speaker="E1"),))
    assert [e for e in find_events(doc) if e.label == "COOPERATE"] == []


def test_threatened_events_are_nested_and_optional() -> None:
    text = "هددت إيران بمهاجمة إسرائيل."
    doc, evs = events(text)
    assert [e.label for e in evs] == ["WARN/THREATEN"]
    doc, evs = events(text, options=Options(nested=True))
    attack = [e for e in evs if e.type == "ASSAULT"]
    assert attack and attack[0].modality == "threatened"
    assert names(doc, attack[0].target) == {"إسرائيل"}


def test_denial_nested_event_optional() -> None:
    _doc, evs = events("نفت إيران إرسال أسلحة إلى روسيا.", options=Options(nested=True))
    deny = [e for e in evs if e.label == "DENY"]
    supply = [e for e in evs if e.label == "SUPPLY/TRANSFER"]
    assert deny and supply and supply[0].modality == "denied"


def test_future_time_makes_present_tense_planned() -> None:
    text = "يزور ماكرون الجزائر يوم 20 أكتوبر."
    doc = mk(text)
    k = text.index("20")
    doc = doc.replace(times=(TimeExpr(k, k + 8, text[k : k + 8], "2024-10-20"),))
    ev = next(e for e in find_events(doc) if e.label == "VISIT")
    assert ev.modality == "planned"
    assert ev.time == "2024-10-20"


# -- time and location ---------------------------------------------------------------------------
def test_time_nearest_resolved_expression() -> None:
    text = "زار بوتين إيران في يوليو 2022 بعد أشهر من الغزو."
    doc = mk(text)
    k = text.index("يوليو")
    d = text.index("أشهر")
    doc = doc.replace(
        times=(
            TimeExpr(k, k + 10, text[k : k + 10], "2022-07"),
            TimeExpr(d, d + 4, "أشهر", "P3M", kind="duration"),
        )
    )
    ev = next(e for e in find_events(doc) if e.label == "VISIT")
    assert ev.time == "2022-07"


def test_publication_date_for_lead_past_events_only() -> None:
    _doc, evs = events("أدانت مصر الغارات على غزة.")
    assert evs[0].time == "2024-10-11"
    _doc, evs = events("ستدين مصر الغارات على غزة.")
    assert evs[0].time is None  # planned: no date from publication
    _doc, evs = events("أدانت مصر الغارات على غزة.", published=None)
    assert evs[0].time is None


def test_no_location_for_verbal_events() -> None:
    _doc, ev = only("أدان بيزشكيان العمليات الإسرائيلية في غزة.", "CRITICIZE/CONDEMN")
    assert ev.location is None


# -- precision: negatives ----------------------------------------------------------------------
NEGATIVES = [
    "ضرب الوزير مثلا بالتجربة الماليزية.",
    "ونقلت صحيفة نيويورك تايمز عن مسؤولين قولهم إن الوضع هادئ.",
    "عقدت قمة البريكس في كازان.",
    "أسقطت الدفاعات الجوية طائرة مسيرة فوق البحر.",
    "توقع البنك الدولي نمو الاقتصاد المصري.",
    "قال طالب جامعي إن الامتحانات صعبة.",
    "وصلت الأسعار إلى مستويات قياسية.",
    "أصيب الرئيس بفيروس كورونا.",
    "تعمل الحكومة بحذر على الملف.",
    "تدفع إيران ثمن سياساتها.",
    "وجهت له ضربة قاضية في الجولة الأخيرة.",
    "يمثل المستقبل تحديا كبيرا للمنطقة.",
    "ذهب الطالب إلى المدرسة مع أخيه.",
    "يبحث العلماء عن علاج جديد.",
    "وقعت حادثة سير على الطريق السريع.",
    "نقل المريض إلى المستشفى.",
    "تسليم الجوائز في حفل كبير.",
    "قدم لاعبو المنتخب هجوما قويا في الشوط الثاني من المباراة.",
    "هاجم المدرب لاعبيه بعد الخسارة في الدوري.",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_event(text: str) -> None:
    _doc, evs = events(text)
    assert evs == [], [(e.label, e.trigger.text) for e in evs]


def test_ceasefire_is_not_shooting() -> None:
    _doc, evs = events("طالبت قطر بوقف إطلاق النار في غزة.")
    assert all(e.type != "ASSAULT" for e in evs)


def test_naql_reporting_vs_transfer() -> None:
    doc, evs = events("ونقلت رويترز عن مسؤولين أن روسيا بدأت نقل أسلحة إلى إيران.")
    supply = [e for e in evs if e.label == "SUPPLY/TRANSFER"]
    assert len(supply) == 1 and supply[0].trigger.text == "نقل"
    assert names(doc, supply[0].source) == {"روسيا"}
    assert names(doc, supply[0].target) == {"إيران"}


def test_anaphoric_definite_noun_is_not_a_new_event() -> None:
    _doc, evs = events("وتعهد نتنياهو بالرد على الهجوم.")
    assert [e.label for e in evs] == ["WARN/THREATEN"]


def test_circumstantial_noun_is_background() -> None:
    _doc, evs = events("وصل لافروف إلى طهران في زيارة رسمية.")
    assert [e.label for e in evs] == ["VISIT"]


def test_nested_complement_is_not_a_separate_event() -> None:
    doc, evs = events("اتهم بلينكن طهران بإرسال صواريخ إلى موسكو.")
    assert [e.label for e in evs] == ["ACCUSE"]
    assert names(doc, evs[0].target) == {"طهران"}


def test_light_verb_and_noun_are_one_event() -> None:
    _doc, evs = events("فرضت الولايات المتحدة عقوبات جديدة على إيران.")
    assert len([e for e in evs if e.type == "SANCTION"]) == 1


def test_one_event_per_trigger_and_no_repeat_in_sentence() -> None:
    _doc, evs = events("تظاهر المحتجون في الرباط وتظاهروا مجددا.")
    assert len({e.trigger.start for e in evs}) == len(evs)
    assert len([e for e in evs if e.type == "PROTEST"]) == 1


def test_preposition_alone_is_no_event() -> None:
    _doc, evs = events("مع إيران وعلى إسرائيل وإلى روسيا.")
    assert evs == []


def test_empty_and_unsegmented_documents() -> None:
    assert find_events(Document(text="")) == []
    assert find_events(Document(text="التقى بوتين أردوغان")) == []  # no tokens yet


# -- protest and assault sentences (no entities needed) ---------------------------------------
@pytest.mark.parametrize(
    ("text", "ptype"),
    [
        ("قتل ثلاثة جنود في هجوم مسلح على نقطة تفتيش.", "ASSAULT"),
        ("انفجرت سيارة مفخخة في سوق شعبي.", "ASSAULT"),
        ("اندلعت اشتباكات عنيفة بين الجيش ومسلحين.", "ASSAULT"),
        ("أسفر الهجوم عن مقتل 12 شخصا.", "ASSAULT"),
        ("تعرضت قافلة عسكرية لكمين شمال البلاد.", "ASSAULT"),
        ("استشهد شاب برصاص قوات الاحتلال.", "ASSAULT"),
        ("اختطف مسلحون ثلاثة عمال أجانب.", "ASSAULT"),
        ("سقط صاروخ على مبنى سكني.", "ASSAULT"),
        ("خرج مئات المحتجين في مسيرة حاشدة وسط المدينة.", "PROTEST"),
        ("اعتصم عشرات الأطباء أمام وزارة الصحة.", "PROTEST"),
        ("شهدت مدن عدة احتجاجات غاضبة على انقطاع الكهرباء.", "PROTEST"),
        ("نفذ المعلمون وقفة احتجاجية أمام مقر الحكومة.", "PROTEST"),
        ("رفع المتظاهرون لافتات تندد بالفساد.", "PROTEST"),
        ("تجمع مئات الطلاب في ساحة الجامعة للتنديد بالقرار.", "PROTEST"),
        ("اندلعت أعمال شغب في ضواحي المدينة.", "PROTEST"),
    ],
)
def test_assault_and_protest_sentences(text: str, ptype: str) -> None:
    _doc, evs = events(text)
    types = {e.type for e in evs}
    assert ptype in types, (text, [(e.label, e.trigger.text) for e in evs])
    other = {"ASSAULT", "PROTEST"} - {ptype}
    assert not (types & other)


# -- ontology data ---------------------------------------------------------------------------------
def test_plover_types_match_the_model() -> None:
    lex = default_lexicon()
    assert sorted(lex.plover) == sorted(PLOVER_TYPES)


def test_every_label_maps_to_a_valid_type_mode_and_cameo() -> None:
    lex = default_lexicon()
    for lab in lex.labels.values():
        assert lab.type in PLOVER_TYPES
        assert lab.mode is None or lab.mode in lex.plover[lab.type]["modes"]
        assert lab.cameo in lex.cameo, lab.name
    for forms in (*lex.verbs.values(), *lex.nouns.values()):
        for f in forms:
            assert f.entry.cameo in lex.cameo, f.entry.lemma


def test_cameo_codes_of_each_type_are_unique_and_defect_free() -> None:
    lex = default_lexicon()
    seen: dict[str, str] = {}
    for t, d in lex.plover.items():
        for code in d["cameo"]:
            assert code.isdigit() and 2 <= len(code) <= 4
            assert code not in seen, (code, t, seen.get(code))
            seen[code] = t
    assert "106" in seen and "1056" not in seen["106"]
    assert all("Ò" not in g and "matyerial" not in g for g in lex.cameo.values())


def test_lexicon_rejects_unknown_type_or_mode() -> None:
    plover = {"types": {"ASSAULT": {"modes": ["aerial"]}}, "cameo": {}}
    with pytest.raises(ValueError):
        build_lexicon({"labels": {"X": {"type": "NOPE"}}}, plover)
    with pytest.raises(ValueError):
        build_lexicon({"labels": {"X": {"type": "ASSAULT", "mode": "nope"}}}, plover)


# -- component, export, example -------------------------------------------------------------------
def test_component_registered_and_requirements() -> None:
    info = registry()["events"]
    assert set(info.requires) == {"sentences", "tokens", "entities", "times", "quotes"}
    assert info.assigns == ("events",)


def test_component_in_a_pipeline() -> None:
    reg = registry()
    names_ = [n for n in ("segment", "entities", "times", "quantities", "quotes") if n in reg]
    if not {"entities", "times", "quotes"} <= set(names_):
        pytest.skip("entities/times/quotes components not available")
    p = Pipeline([*names_, "events"])
    doc = p.analyze(
        "التقى الرئيس الروسي فلاديمير بوتين مع أردوغان في أنقرة.", published="2024-10-11"
    )
    assert [e.type for e in doc.events] == ["CONSULT"]
    assert not [w for w in doc.warnings if w.code == "W002"]
    d = doc.to_dict()
    assert d["events"][0]["label"] == "MEET"
    back = Document.from_dict(json.loads(json.dumps(d)))
    assert back.events[0].confidence == doc.events[0].confidence


def test_event_rows_export() -> None:
    doc = mk("فرضت الولايات المتحدة عقوبات على إيران في بغداد.")
    doc = doc.replace(events=tuple(find_events(doc)), id="a1")
    rows = event_rows(doc)
    assert rows and rows[0]["type"] == "SANCTION" and rows[0]["article"] == "a1"
    assert rows[0]["source_ar"] == "الولايات المتحدة"
    assert rows[0]["cameo"] == "163"
    assert rows[0]["start"] < rows[0]["end"]


def test_confidence_grows_with_arguments() -> None:
    _doc, evs = events("اعتقلت الشرطة أحمد. اعتقلت الشرطة عشرات.")
    assert len(evs) == 2
    assert evs[0].confidence is not None and evs[1].confidence is not None
    assert evs[0].confidence > evs[1].confidence


def _scorer(shared: Path) -> object:
    spec = importlib.util.spec_from_file_location("score", shared / "tools" / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.shared
def test_shared_example_event_f1(shared: Path) -> None:
    reg = registry()
    names_ = [n for n in ("segment", "entities", "times", "quantities", "quotes") if n in reg]
    if not {"entities", "times", "quotes"} <= set(names_):
        pytest.skip("entities/times/quotes components not available")
    p = Pipeline([*names_, "events"])
    art = shared / "examples" / "articles" / "ashgabat-2024-10-11.txt"
    gold = json.loads((shared / "examples" / "gold" / "ashgabat-2024-10-11.json").read_text())
    gold["_text"] = art.read_text(encoding="utf-8")
    doc = p.analyze(gold["_text"], published=dt.date(2024, 10, 11), id="ashgabat-2024-10-11")
    sc = _scorer(shared)
    t = sc.Tally()  # type: ignore[attr-defined]
    sc.score_doc(gold, doc.to_dict(), t)  # type: ignore[attr-defined]
    f1 = sc.f1(t["event_tp"], t["event_pred"], t["event_gold"])[2]  # type: ignore[attr-defined]
    args = sc.f1(t["event_args_tp"], t["event_pred"], t["event_gold"])[2]  # type: ignore[attr-defined]
    assert f1 >= 0.6 and args >= 0.45, (f1, args)


def test_a_persons_attack_is_verbal() -> None:
    doc, evs = events("هاجم ماكرون أردوغان بشدة في خطابه.")
    assert [(e.label, e.type) for e in evs] == [("CRITICIZE/CONDEMN", "ACCUSE")]
    assert names(doc, evs[0].source) == {"ماكرون"}
    _doc, evs = events("هاجمت حماس إسرائيل فجر اليوم.")
    assert [e.type for e in evs] == ["ASSAULT"]


def test_victim_subject_does_not_inherit_an_attacker() -> None:
    _doc, evs = events("قصفت روسيا كييف. وقتل عشرة أشخاص في القصف.")
    kill = [e for e in evs if e.label == "KILL"]
    assert kill and kill[0].source == ()


def test_background_means_merge_into_one_assault() -> None:
    _doc, evs = events("أعلنت الوزارة عن مقتل قيادي خلال ضربة جوية.")
    assert len([e for e in evs if e.type == "ASSAULT"]) == 1


def test_unnamed_subjects_leave_the_named_object_as_target() -> None:
    doc = mk("وقال إن خطرا يهدد مصر.")
    warn = [e for e in find_events(doc) if e.label == "WARN/THREATEN"]
    assert warn and warn[0].source == () and names(doc, warn[0].target) == {"مصر"}
    doc = mk("كما دعت الحركة مصر إلى الحوار.")
    req = [e for e in find_events(doc) if e.type == "REQUEST"]
    assert req and req[0].source == ()
    assert names(doc, req[0].target) == {"مصر"}


def test_arrival_needs_a_named_actor() -> None:
    _doc, evs = events("وصلت الأسعار إلى مستويات قياسية في مصر.")
    assert evs == []
    _doc, evs = events("تصل مدة الاحتجاز إلى أربعة أيام في فرنسا.")
    assert [e for e in evs if e.label == "VISIT"] == []


def test_place_after_protest_noun_is_its_location() -> None:
    doc, evs = events("اندلعت احتجاجات باريس ضد الحكومة.")
    prot = [e for e in evs if e.type == "PROTEST"]
    assert prot and prot[0].source == () and names(doc, (prot[0].location,)) == {"باريس"}  # type: ignore[arg-type]


def test_nisba_after_unrelated_word_is_not_the_actor() -> None:
    doc = mk("نفذت الشرطة المداهمة حسب الإذاعة الفرنسية.")
    doc = doc.replace(entities=(*doc.entities, Entity("E9", "GPE", "فرنسا", ())))
    for ev in find_events(doc):
        assert "E9" not in ev.source


def test_bi_with_a_place_is_a_location() -> None:
    doc, ev = only("التقى بوتين أردوغان بأنقرة.", "MEET")
    assert names(doc, ev.target) == {"أردوغان"}
    assert names(doc, (ev.location,)) == {"أنقرة"}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "أطلقت الشرطة الرصاص المطاطي على المتظاهرين في وسط العاصمة.",
        "أصيب عشرات المتظاهرين في اشتباكات مع الشرطة.",
        "قتل متظاهر برصاص قوات الأمن خلال احتجاجات.",
        "أحرق محتجون إطارات مطاطية وأغلقوا الطرق.",
    ],
)
def test_violence_at_a_protest_is_part_of_the_protest(text: str) -> None:
    _doc, evs = events(text)
    assert [e.type for e in evs] == ["PROTEST"], [(e.label, e.trigger.text) for e in evs]


def test_violence_without_protesters_stays_assault() -> None:
    _doc, evs = events("أحرق مسلحون عشرات المنازل في القرية.")
    assert [(e.type, e.mode) for e in evs] == [("ASSAULT", "destroy")]


def test_event_rows_carry_actor_country_and_sector_from_the_kb() -> None:
    if "entities" not in registry():
        pytest.skip("entities component (knowledge base) not available")
    doc = Pipeline().analyze("شنت إسرائيل غارات على حزب الله في بيروت.", published="2024-10-11")
    rows = event_rows(doc)
    assert len(rows) == 1
    r = rows[0]
    assert (r["type"], r["mode"], r["cameo"]) == ("ASSAULT", "aerial", "195")
    assert r["source_country"] == "country/IL" and r["source_sector"] == "government"
    assert r["target_sector"] == "rebel"
    assert r["location"] == "بيروت" and r["location_lat"] is not None


def test_coordinated_transitive_verb_keeps_the_subject() -> None:
    doc, evs = events("نفت حماس أي علاقة بالهجوم، واتهمت إسرائيل بالسعي إلى التصعيد.")
    acc = [e for e in evs if e.label == "ACCUSE"]
    assert acc and names(doc, acc[0].source) == {"حماس"}
    assert names(doc, acc[0].target) == {"إسرائيل"}


def test_relative_clause_repeating_an_event_noun_is_not_a_new_event() -> None:
    _doc, evs = events("قتل ثلاثة أشخاص في الغارات التي استهدفت بيروت.")
    assert [e.label for e in evs] == ["KILL"]


def test_fronted_place_is_the_location() -> None:
    doc, ev = only("وفي القاهرة، استقبل السيسي ماكرون.", "HOST")
    assert names(doc, (ev.location,)) == {"القاهرة"}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "احتفت الجامعة بتخرج ثلاثين طالباً بإتمام البرنامج.",
        "لقي طيار مصرعه وأصيب آخر في تحطم مروحية خلال استعراض جوي.",
        "أصيب خمسة أشخاص في حادث سير على الطريق الدولي.",
        "يصاب كثيرون بالجلطة بسبب التدخين.",
        "تمت مباشرة الحادثة وتسليم موقع الحادث للمرور.",
    ],
)
def test_more_non_events(text: str) -> None:
    _doc, evs = events(text)
    assert evs == [], [(e.label, e.trigger.text) for e in evs]


def test_delivery_of_weapons_is_supply() -> None:
    _doc, evs = events("تم تسليم طائرات مقاتلة إلى مصر.")
    assert [e.label for e in evs] == ["SUPPLY/TRANSFER"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("لقي ثلاثة جنود مصرعهم في هجوم على نقطة عسكرية.", "KILL"),
        ("سقط عشرات القتلى والجرحى في قصف على السوق.", "KILL"),
        ("انفجرت عبوة ناسفة بدورية للجيش.", "BOMB"),
        ("ارتكبت الميليشيات مجزرة في القرية.", "KILL"),
        ("دخل المعتقلون في إضراب عن الطعام.", "HUNGER STRIKE"),
        ("سمع دوي إطلاق نار كثيف في المدينة.", "SHOOT"),
    ],
)
def test_more_violence_and_protest_vocabulary(text: str, label: str) -> None:
    _doc, evs = events(text)
    assert label in [e.label for e in evs], [(e.label, e.trigger.text) for e in evs]


def test_demonstrative_or_crowd_subject_is_not_inherited() -> None:
    _doc, evs = events("التقى بوتين مع أردوغان في أنقرة. وتظاهر هؤلاء أمام السفارة.")
    prot = [e for e in evs if e.type == "PROTEST"]
    assert prot and prot[0].source == ()


def test_event_rows_attach_nearby_quantities() -> None:
    from marsad.model import Quantity

    text = "أطلقت إيران 180 صاروخا على إسرائيل."
    doc = mk(text)
    k = text.index("180")
    doc = doc.replace(quantities=(Quantity(k, k + 10, text[k : k + 10], 180, "missile"),))
    doc = doc.replace(events=tuple(find_events(doc)))
    rows = event_rows(doc)
    assert rows and rows[0]["quantities"] == "180 missile"


# -- who did the violence: agent phrases, collectives, strikes, places --------------------------
def test_agent_phrase_names_the_killer() -> None:
    doc, ev = only("قتل ثلاثة مدنيين برصاص الجيش اللبناني قرب بيروت.", "KILL")
    assert names(doc, ev.source) == {"الجيش اللبناني"}
    assert not names(doc, ev.target) & {"الجيش اللبناني", "بيروت"}


def test_agent_phrase_on_a_masdar() -> None:
    doc, ev = only("مقتل جندي بنيران التحالف الدولي في غزة.", "KILL")
    assert names(doc, ev.source) == {"التحالف الدولي"}
    assert ev.target == ()


def test_collective_owner_is_the_actor() -> None:
    doc, ev = only("قتلت طائرات التحالف الدولي عشرين مسلحا من داعش.", "KILL")
    assert names(doc, ev.source) == {"التحالف الدولي"}
    assert "التحالف الدولي" not in names(doc, ev.target)


def test_definite_collective_is_not_a_genitive() -> None:
    doc, ev = only("اعتقلت الشرطة أحمد في بغداد.", "ARREST")
    assert names(doc, ev.target) == {"أحمد"}
    assert ev.source == ()


def test_casualties_of_a_strike_take_its_actor() -> None:
    doc, ev = only("قتل عشرة مسلحين في غارة لطيران التحالف الدولي.", "KILL")
    assert names(doc, ev.source) == {"التحالف الدولي"}
    assert ev.target == ()


def test_place_in_a_prepositional_phrase_is_no_subject() -> None:
    doc, ev = only("نفذت القوات عملية في مدينة بغداد استهدفت مواقع لداعش.", "ATTACK")
    assert "بغداد" not in names(doc, ev.source)


def test_place_in_apposition_keeps_its_preposition() -> None:
    _doc, ev = only("انفجرت سيارة مفخخة في سوق بالعاصمة العراقية بغداد.", "BOMB")
    assert ev.source == ()


def test_bi_place_is_where_not_who() -> None:
    _doc, ev = only("مقتل عشرين شخصا في انفجار ببغداد.", "KILL")
    assert ev.source == () and ev.target == ()


# -- ASSAULT vs PROTEST: varied styles, typed right and never as the other type ------------------
ASSAULT_SENTENCES = [
    "شنت طائرات حربية غارات على مواقع للمسلحين في ريف حلب.",
    "قصفت المدفعية أحياء سكنية في المدينة صباح اليوم.",
    "انفجرت سيارة مفخخة قرب مركز للشرطة في بغداد.",
    "اغتال مسلحون مجهولون قائدا عسكريا أمام منزله.",
    "اندلعت اشتباكات عنيفة بين الجيش والمتمردين في الجنوب.",
    "قتل خمسة جنود في هجوم على نقطة تفتيش.",
    "أطلق الحوثيون صاروخا باليستيا على مدينة جازان.",
    "استهدفت طائرة مسيرة سيارة تقل قياديين في التنظيم.",
    "فجر انتحاري نفسه داخل مسجد خلال صلاة الجمعة.",
    "سقطت قذائف هاون على حي الميدان وأصابت عددا من المارة.",
    "أعلن الجيش مقتل عشرين مسلحا في عملية عسكرية شمال البلاد.",
    "تعرضت قافلة عسكرية لكمين مسلح على الطريق الدولي.",
    "دمرت الغارات الجوية جسرا رئيسيا يربط المدينتين.",
    "هاجم مسلحون حافلة تقل عمالا في الصحراء.",
    "أسفر القصف الصاروخي عن سقوط عشرات القتلى والجرحى.",
    "لقي ثلاثة مدنيين مصرعهم جراء قصف مدفعي على القرية.",
    "اجتاحت القوات البرية البلدة بعد حصار دام أسابيع.",
    "قتل شرطي برصاص قناص في وسط العاصمة.",
    "نفذت المقاتلات ضربات جوية على مخازن أسلحة.",
    "اختطف مسلحون صحفيا أجنبيا في شمال البلاد.",
]

PROTEST_SENTENCES = [
    "تظاهر آلاف الطلاب أمام مقر البرلمان للمطالبة بإصلاح التعليم.",
    "نظم عمال المصنع وقفة احتجاجية أمام مقر الولاية.",
    "دخل المعلمون في إضراب مفتوح عن العمل احتجاجا على تدني الأجور.",
    "خرجت مسيرة حاشدة في شوارع العاصمة تضامنا مع الأسرى.",
    "اعتصم العشرات من العاطلين عن العمل أمام مقر المعتمدية.",
    "شهدت المدينة مظاهرات غاضبة ضد غلاء الأسعار.",
    "أضرب الأطباء في المستشفيات العمومية ليومين.",
    "احتشد المحتجون في الساحة الرئيسية رافعين لافتات تندد بالفساد.",
    "اندلعت أعمال شغب في الأحياء الشعبية ليلة أمس.",
    "يواصل المعتقلون إضرابا عن الطعام منذ أسبوعين.",
    "احتج سكان القرية على انقطاع المياه بغلق الطريق.",
    "نفذت النقابة إضرابا عاما شل حركة النقل.",
    "تجمع مئات المواطنين أمام السفارة للتنديد بالقرار.",
    "طالب المتظاهرون برحيل الحكومة ومحاسبة الفاسدين.",
    "خرج آلاف المواطنين في مظاهرة سلمية وسط المدينة.",
    "أعلن سائقو سيارات الأجرة الدخول في إضراب عن العمل.",
    "نظمت الأحزاب المعارضة مسيرة شعبية نحو القصر الرئاسي.",
    "تواصلت الاحتجاجات في عدة مدن لليوم الثالث على التوالي.",
    "رفع المحتجون شعارات تطالب بالتشغيل والتنمية.",
    "شارك الآلاف في اعتصام مفتوح أمام مقر الحكومة.",
]


def _types(text: str) -> set[str]:
    return {e.type for e in find_events(mk(text))}


@pytest.mark.parametrize("text", ASSAULT_SENTENCES)
def test_assault_sentences(text: str) -> None:
    types = _types(text)
    assert "ASSAULT" in types and "PROTEST" not in types, types


@pytest.mark.parametrize("text", PROTEST_SENTENCES)
def test_protest_sentences(text: str) -> None:
    types = _types(text)
    assert "PROTEST" in types and "ASSAULT" not in types, types


def test_participant_noun_is_an_actor_not_a_nested_event() -> None:
    _doc, evs = events("وطالب المحتجون بإطلاق سراح المعتقلين.")
    assert [e.type for e in evs] == ["PROTEST"]


def test_continuation_verb_reports_an_ongoing_protest() -> None:
    _doc, evs = events("تواصلت الاحتجاجات في عدة مدن لليوم الثالث.")
    assert [e.type for e in evs] == ["PROTEST"]
    _doc, evs = events("استمر الاجتماع ساعتين.")
    assert evs == []  # an anaphoric meeting stays background


def test_strike_verb_with_a_profession() -> None:
    _doc, ev = only("أضرب الأطباء في المستشفيات العمومية ليومين.", "STRIKE")
    assert ev.type == "PROTEST"
    _doc, evs = events("أضرب زيد عمرا.")
    assert evs == []


def test_bi_after_a_victim_is_membership_not_agency() -> None:
    doc, ev = only("قتل قيادي بحماس في غارة إسرائيلية على غزة.", "KILL")
    assert "حماس" not in names(doc, ev.source)


def test_direction_word_makes_a_place_no_target() -> None:
    doc, ev = only("قتل 14 جنديا في هجوم على حاجز للجيش جنوب بغداد.", "KILL")
    assert "بغداد" not in names(doc, ev.target) | names(doc, ev.source)


def test_nisab_is_not_an_injury() -> None:
    _doc, evs = events("لم يكتمل النصاب القانوني للجلسة في نصاب المجلس.")
    assert evs == []


def test_intransitive_light_verb_takes_no_earlier_actor() -> None:
    _doc, evs = events("وقال أردوغان إن المنطقة التي وقعت فيها الغارة آمنة.")
    strikes = [e for e in evs if e.label == "AIRSTRIKE"]
    assert all(e.source == () for e in strikes)


def test_inherited_person_actor_does_not_make_an_attack_verbal() -> None:
    doc, evs = events("وصل أردوغان إلى بغداد. وهاجمت مقاتلات مواقع في الشمال.")
    attacks = [e for e in evs if e.trigger.text == "هاجمت"]
    assert attacks and all(e.type == "ASSAULT" for e in attacks), [
        (e.type, names(doc, e.source)) for e in evs
    ]


def _linked(text: str, name: str, kb_id: str) -> Document:
    """A document with one GPE `name` linked to `kb_id`."""
    doc = SEG.analyze(text, published="2024-10-11")
    k = text.index(name)
    ent = Entity("E1", "GPE", name, (Span(k, k + len(name), name),), kb_id=kb_id)
    return doc.replace(entities=(ent,))


def test_town_after_an_attack_noun_is_its_location() -> None:
    doc = _linked("وقع هجوم حلب مساء الاثنين.", "حلب", "city/170063")
    evs = [e for e in find_events(doc) if e.type == "ASSAULT"]
    assert evs and all(e.source == () for e in evs)
    assert any(e.location == "E1" for e in evs)


def test_state_after_an_attack_noun_stays_its_actor() -> None:
    doc = _linked("وقع هجوم روسيا مساء الاثنين.", "روسيا", "country/RU")
    evs = [e for e in find_events(doc) if e.type == "ASSAULT"]
    assert evs and all(e.source == ("E1",) for e in evs)


def test_a_town_is_no_attacker_but_a_capital_is() -> None:
    doc = _linked("في مدينة حلب استهدفت طائرات مواقع للمسلحين.", "حلب", "city/170063")
    evs = [e for e in find_events(doc) if e.type == "ASSAULT"]
    assert evs and all(e.source == () for e in evs)
    doc = _linked("قصفت موسكو مواقع للمسلحين.", "موسكو", "city/524901")
    evs = [e for e in find_events(doc) if e.type == "ASSAULT"]
    assert evs and evs[0].source == ("E1",)


def test_casualty_noun_and_its_strike_are_one_event() -> None:
    doc, evs = events("مقتل قيادي في حماس بغارة لطيران التحالف الدولي.")
    assert len(evs) == 1 and evs[0].type == "ASSAULT", [(e.label, e.trigger.text) for e in evs]
    assert names(doc, evs[0].source) == {"التحالف الدولي"}


def test_direction_after_a_preposition_keeps_its_role() -> None:
    doc, ev = only("شنت إسرائيل غارة على شمال غرب غزة.", "AIRSTRIKE")
    assert names(doc, ev.source) == {"إسرائيل"}
    assert names(doc, ev.target) == {"غزة"}


def test_thamana_is_praise_but_thaman_is_a_price() -> None:
    doc, ev = only("ثمنت حماس دور قطر في الوساطة.", "PRAISE")
    assert names(doc, ev.source) == {"حماس"} and names(doc, ev.target) == {"قطر"}
    _doc, evs = events("دفعت إيران ثمن سياساتها غاليا.")
    assert evs == []


def test_death_sentence_is_not_an_execution() -> None:
    _doc, evs = events("وقضت المحكمة بإعدام ثلاثة متهمين.")
    assert not [e for e in evs if e.type == "ASSAULT"]
    _doc, ev = only("أعدمت إيران ثلاثة معارضين.", "KILL")
    assert ev.type == "ASSAULT"


def test_drunk_driver_is_an_accident() -> None:
    _doc, evs = events("سائق مخمور يدهس 28 شخصا في مهرجان.")
    assert evs == []


def test_svo_collective_with_nisba_is_the_killer() -> None:
    doc, evs = events("تقول إسرائيل إن هدفها الأمن. والطيران الإسرائيلي يقتل ثلاثة مسلحين.")
    kills = [e for e in evs if e.label == "KILL"]
    assert kills and names(doc, kills[0].source) == {"إسرائيل"}, [
        (e.label, names(doc, e.source), names(doc, e.target)) for e in evs
    ]
    assert "إسرائيل" not in names(doc, kills[0].target)


def test_lone_person_after_arrest_verb_is_the_arrested() -> None:
    doc, ev = only("واعتقل أحمد في بغداد الشهر الماضي.", "ARREST")
    assert names(doc, ev.target) == {"أحمد"} and ev.source == ()
    doc, ev = only("اعتقلت الشرطة المصرية أحمد في القاهرة.", "ARREST")
    assert names(doc, ev.target) == {"أحمد"}


def test_members_of_a_group_are_victims_not_killers() -> None:
    doc, ev = only("قتل عناصر حماس في غارة ليلية.", "KILL")
    assert "حماس" not in names(doc, ev.source)
    doc, evs = events("قتل خمسة جنود أتراك وأصيب ثمانية آخرون في الهجوم.")
    assert all("تركيا" not in names(doc, e.source) for e in evs)


def test_fighters_before_an_attack_verb_are_its_subject() -> None:
    doc, ev = only("وقالت الوكالة إن مقاتلين من حماس هاجموا مركزا للشرطة في غزة.", "ATTACK")
    assert "غزة" not in names(doc, ev.source)


def test_object_pronoun_makes_an_unvowelled_kill_active() -> None:
    doc, ev = only("وتعود الجثث إلى جنود قتلهم عناصر حماس في المنطقة.", "KILL")
    assert names(doc, ev.source) == {"حماس"}
    doc, ev = only("قتل عناصر حماس في المنطقة.", "KILL")
    assert "حماس" not in names(doc, ev.source)


def test_suicide_bomber_storming_is_a_bombing_not_a_raid() -> None:
    _doc, evs = events("وأفاد الجيش بأن انتحاريا اقتحم بشاحنة مفخخة مركزا للشرطة.")
    assert [e.type for e in evs] == ["ASSAULT"], [(e.label, e.trigger.text) for e in evs]
    _doc, ev = only("اقتحمت الشرطة منزل المتهم.", "RAID")
    assert ev.type == "COERCE"


def test_attack_on_a_stadium_is_still_an_attack() -> None:
    _doc, evs = events("استهدف هجوم انتحاري ملعبا في بغداد.")
    assert [e.type for e in evs] == ["ASSAULT"]
