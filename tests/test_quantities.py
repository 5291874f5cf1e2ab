"""The quantities component: numerals with counted nouns, units, currencies and hedges."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given

from marsad.model import Quantity
from marsad.pipeline import Pipeline
from marsad.quantities import find_quantities
from marsad.times import find_times
from strategies import arabic_text
from test_times import timeish_text


def qs(text: str, with_times: bool = True) -> list[Quantity]:
    blocked = []
    if with_times:
        blocked = [(t.start, t.end) for t in find_times(text, dt.date(2024, 10, 11))[0]]
    out = find_quantities(text, blocked)
    for q in out:
        assert text[q.start : q.end] == q.text
    return out


def by_text(text: str) -> dict[str, Quantity]:
    return {q.text: q for q in qs(text)}


# (sentence, span, value, unit, approximate)
CASES: list[tuple[str, str, float | int | None, str | None, bool]] = [
    # digits + counted nouns, hedges outside the span
    ("أطلق الحرس الثوري نحو 180 صاروخا باليستيا.", "180 صاروخا", 180, "missile", True),
    ("قتل 25 شخصا في الهجوم.", "25 شخصا", 25, "person", False),
    ("أصيب أكثر من 100 شخص بجروح.", "100 شخص", 100, "person", True),
    ("قتل 20 شخصا على الأقل في الغارة.", "20 شخصا", 20, "person", True),
    ("قتل ما لا يقل عن 12 طفلا.", "12 طفلا", 12, "child", True),
    ("تجمع حوالي 50 متظاهرا أمام البرلمان.", "50 متظاهرا", 50, "protester", True),
    ("شارك قرابة 300 جندي في المناورات.", "300 جندي", 300, "soldier", True),
    ("أسقطت الدفاعات 40 طائرة مسيرة.", "40 طائرة", 40, "drone", False),
    ("أطلقت 7 قذائف على البلدة.", "7 قذائف", 7, "shell", False),
    ("دمرت 15 دبابة في المعارك.", "15 دبابة", 15, "tank", False),
    ("نفذت الطائرات 30 غارة على المدينة.", "30 غارة", 30, "airstrike", False),
    ("أفرج عن 90 أسيرا فلسطينيا.", "90 أسيرا", 90, "prisoner", False),
    ("وصل 12 لاجئا إلى الجزيرة.", "12 لاجئا", 12, "refugee", False),
    ("سقط 3 قتلى و5 جرحى.", "3 قتلى", 3, "person", False),
    ("سقط 3 قتلى و5 جرحى في الحادث.", "5 جرحى", 5, "person", False),
    ("تضررت 200 منزل جراء الفيضانات.", "200 منزل", 200, "house", False),
    # Arabic-Indic digits and separators
    ("أطلق ١٨٠ صاروخا.", "١٨٠ صاروخا", 180, "missile", False),
    ("بلغت الخسائر ١٬٥٠٠ دولار.", "١٬٥٠٠ دولار", 1500, "USD", False),
    ("ارتفع المؤشر ٣٫٥ بالمئة.", "٣٫٥ بالمئة", 3.5, "percent", False),
    ("بلغ العجز 1,700 مليون دينار.", "1,700 مليون دينار", 1700000000, None, False),
    # scales and money
    ("وقعت صفقة بقيمة 1.7 مليار دولار.", "1.7 مليار دولار", 1700000000, "USD", False),
    ("خصصت 3 ملايين دولار للمشروع.", "3 ملايين دولار", 3000000, "USD", False),
    ("بلغت الكلفة 3 ملايين و500 ألف دولار.", "3 ملايين و500 ألف دولار", 3500000, "USD", False),
    ("قدمت ملياري دولار مساعدات.", "ملياري دولار", 2000000000, "USD", False),
    (
        "سدد النادي مليونين و 800 ألف ريال سعودي.",
        "مليونين و 800 ألف ريال سعودي",
        2800000,
        "SAR",
        False,
    ),
    ("سجلت نحو مليون و700 ألف صفقة.", "مليون و700 ألف صفقة", 1700000, "deal", True),
    ("بلغت قيمة الصفقة 7 ملايين ونصف يورو.", "7 ملايين ونصف يورو", 7500000, "EUR", False),
    ("حضر ألف و500 شخص الحفل.", "ألف و500 شخص", 1500, "person", False),
    ("يقدم الصندوق مايقارب 5 مليارات دولار سنويا.", "5 مليارات دولار", 5000000000, "USD", True),
    ("بلغت الصفقة 25 مليون أورو.", "25 مليون أورو", 25000000, "EUR", False),
    ("رصدت مليون يورو للبرنامج.", "مليون يورو", 1000000, "EUR", False),
    ("بلغت الميزانية 500 ألف دينار تونسي.", "500 ألف دينار تونسي", 500000, "TND", False),
    ("بلغت الغرامة 10 آلاف ريال سعودي.", "10 آلاف ريال سعودي", 10000, "SAR", False),
    ("يبلغ الراتب 5000 جنيه مصري.", "5000 جنيه مصري", 5000, "EGP", False),
    (
        "خسر الريال الإيراني قيمته عند 600 ألف ريال إيراني للدولار.",
        "600 ألف ريال إيراني",
        600000,
        "IRR",
        False,
    ),
    ("انخفضت الليرة إلى 30 ليرة تركية للدولار.", "30 ليرة تركية", 30, "TRY", False),
    ("اشترى العقار بـ 2 مليون درهم إماراتي.", "2 مليون درهم إماراتي", 2000000, "AED", False),
    ("بلغ سعر البرميل 80 دولارا.", "80 دولارا", 80, "USD", False),
    ("تبلغ القيمة 250 مليون جنيه إسترليني.", "250 مليون جنيه إسترليني", 250000000, "GBP", False),
    ("يكلف المشروع 1.5 مليار دولار أمريكي.", "1.5 مليار دولار أمريكي", 1500000000, "USD", False),
    # number words
    ("أطلقت ثلاثة صواريخ على المدينة.", "ثلاثة صواريخ", 3, "missile", False),
    ("قتل عشرون شخصا في الانفجار.", "عشرون شخصا", 20, "person", False),
    ("أطلق عشرين صاروخا.", "عشرين صاروخا", 20, "missile", False),
    ("اعتقل مئة شخص.", "مئة شخص", 100, "person", False),
    ("اعتقل مائة شخص.", "مائة شخص", 100, "person", False),
    ("وصل ألف جندي إلى الحدود.", "ألف جندي", 1000, "soldier", False),
    ("نزح خمسة آلاف شخص.", "خمسة آلاف شخص", 5000, "person", False),
    ("قتل ثلاثة وعشرون مدنيا.", "ثلاثة وعشرون مدنيا", 23, "person", False),
    ("أصيب خمسة عشر جنديا.", "خمسة عشر جنديا", 15, "soldier", False),
    ("بلغ عدد السكان نصف مليون نسمة.", "نصف مليون نسمة", 500000, "person", False),
    ("كان اثنين من المسؤولين في طهران.", "اثنين", 2, "person", False),
    ("قتل ثلاثة من الجنود في الكمين.", "ثلاثة", 3, "soldier", False),
    ("أعرب اثنان منهم عن رغبتهم.", "اثنان", 2, None, False),
    # duals
    ("أطلق الحوثيون صاروخين على السفينة.", "صاروخين", 2, "missile", False),
    ("أسقطت طائرتين مسيرتين.", "طائرتين", 2, "aircraft", False),
    ("قتل جنديين في الاشتباك.", "جنديين", 2, "soldier", False),
    # percentages
    ("ارتفعت الأسعار 15% خلال الشهر.", "15%", 15, "percent", False),
    ("ارتفعت الأسعار بنسبة 15 في المئة.", "15 في المئة", 15, "percent", False),
    ("تراجعت البطالة إلى 12 بالمائة.", "12 بالمائة", 12, "percent", False),
    ("بلغت نسبة المشاركة ٤٥٪ في الانتخابات.", "٤٥٪", 45, "percent", False),
    ("نما الاقتصاد بنحو 2.5 في المائة.", "2.5 في المائة", 2.5, "percent", True),
    # units
    ("تقع البلدة على بعد 20 كيلومترا من الحدود.", "20 كيلومترا", 20, "km", False),
    ("صادرت السلطات 50 طنا من القمح.", "50 طنا", 50, "t", False),
    ("ينتج الحقل مليون برميل يوميا.", "مليون برميل", 1000000, "barrel", False),
    ("ضبطت 3 كلغ من المخدرات.", "3 كلغ", 3, "kg", False),
    ("تبلغ المساحة 500 هكتار.", "500 هكتار", 500, "ha", False),
    ("تبلغ قدرة المحطة 1200 ميغاواط.", "1200 ميغاواط", 1200, "MW", False),
    # vague quantifiers
    ("وافقت إيران على إمداد روسيا بمئات الطائرات بدون طيار.", "مئات الطائرات", None, "drone", True),
    ("تبادل المسؤولون عدة زيارات.", "عدة زيارات", None, "visit", True),
    ("سقط عشرات القتلى في القصف.", "عشرات القتلى", None, "person", True),
    ("خرج آلاف المتظاهرين إلى الشوارع.", "آلاف المتظاهرين", None, "protester", True),
    ("أنفقت الحكومة ملايين الدولارات.", "ملايين الدولارات", None, "USD", True),
    ("وصل بضعة جنود إلى القرية.", "بضعة جنود", None, "soldier", True),
    ("تظاهر عشرات الآلاف من المواطنين.", "عشرات الآلاف", None, "person", True),
    # unknown counted noun: unit null, noun kept in the span
    ("اعتقلت الشرطة 12 فلسطينيا.", "12 فلسطينيا", 12, None, False),
    ("حصل الحزب على 8 أحزاب حليفة.", "8 أحزاب", 8, None, False),
    # ranges: the lower bound, approximate
    ("قتل بين 20 و30 شخصا.", "20 و30 شخصا", 20, "person", True),
    ("يتراوح المدى بين 12 و27 كيلومترا.", "12 و27 كيلومترا", 12, "km", True),
]


@pytest.mark.parametrize(
    ("text", "span", "value", "unit", "approx"), CASES, ids=[c[1] for c in CASES]
)
def test_quantity(
    text: str, span: str, value: float | None, unit: str | None, approx: bool
) -> None:
    got = by_text(text)
    assert span in got, f"{span!r} not in {list(got)}"
    q = got[span]
    if value is None:
        assert q.value is None
    else:
        assert q.value is not None and abs(float(q.value) - value) < 1e-6
    assert q.unit == unit
    assert q.approximate is approx


def test_plain_numbers_and_units_as_values() -> None:
    q = by_text("وقعت صفقة بقيمة 1.7 مليار دولار.")["1.7 مليار دولار"]
    assert q.value == 1700000000 and isinstance(q.value, int)
    assert q.to_dict()["unit"] == "USD"


def test_ambiguous_currency_takes_the_documents_code() -> None:
    got = by_text("رصدت الحكومة 5 ملايين دينار تونسي للمشروع، ثم أضافت مليوني دينار.")
    assert got["5 ملايين دينار تونسي"].unit == "TND"
    assert got["مليوني دينار"].unit == "TND"
    alone = by_text("أضافت الحكومة مليوني دينار.")
    assert alone["مليوني دينار"].unit is None


# never quantities
NEGATIVE: list[tuple[str, str]] = [
    ("فاز الفريق للمرة الثالثة على التوالي.", "الثالثة"),
    ("هذا هو الهجوم الثاني من نوعه.", "الثاني"),
    ("أطلق الصاروخ الأول على المدينة.", "الأول"),
    ("استمرت الهدنة أسبوعين.", "أسبوعين"),
    ("استمرت الهدنة ثلاثة أيام.", "ثلاثة"),
    ("منح الجيش مهلة 48 ساعة.", "48"),
    ("اشترت إيران مقاتلات سوخوي SU-35.", "35"),
    ("وطائرات هليكوبتر من طراز Mi-28.", "28"),
    ("طائرات تدريب من طراز Yak-130 الروسية.", "130"),
    ("مقاتلات من طراز سوخوي سو-35 الروسية.", "35"),
    ("وقعت الاتفاقية عام 2022 في جنيف.", "2022"),
    ("بموجب القرار 2231 لمجلس الأمن.", "2231"),
    ("أعلنت الوزارة في 10/9/2024 عن الإجراءات.", "10/9/2024"),
    ("وصل الساعة 10:30 إلى المطار.", "10:30"),
    ("وقع الحادث في 23 أكتوبر 2023.", "23"),
    ("نصت المادة 12 من الدستور على ذلك.", "12"),
    ("حضر الدورة الـ15 للمهرجان.", "15"),
    ("قال أحد المسؤولين إن الوضع خطير.", "أحد"),
    ("انتهت المباراة بنتيجة 2 - 0 لصالح الترجي.", "0"),
    ("طالب بإلغاء الفصلين 227 و239 من المجلة الجزائية.", "239"),
    ("أطفال دون الخامسة عشرة وهم يحملون السلاح.", "عشرة"),
    ("التقى الرئيسان في آن واحد.", "واحد"),
    ("استمر النزاع عقدين.", "عقدين"),
    ("صدر في 2019 تقرير.", "2019"),
    ("اتصل على الرقم 71234567.", "71234567"),
]


@pytest.mark.parametrize(("text", "word"), NEGATIVE, ids=[n[1] for n in NEGATIVE])
def test_not_a_quantity(text: str, word: str) -> None:
    s = text.index(word)
    e = s + len(word)
    hits = [q for q in qs(text) if q.start < e and s < q.end]
    assert hits == [], hits


def test_durations_are_not_quantities_even_without_times() -> None:
    assert qs("استمرت الهدنة ثلاثة أيام وقضى 5 سنوات في السجن.", with_times=False) == []


def test_component_in_pipeline() -> None:
    pipe = Pipeline(["segment", "times", "quantities"])
    doc = pipe.analyze(
        "أطلق الحرس نحو 180 صاروخا خلال أسبوعين، بقيمة 1.7 مليار دولار.",
        published="2024-10-11",
    )
    assert [(q.text, q.value, q.unit, q.approximate) for q in doc.quantities] == [
        ("180 صاروخا", 180, "missile", True),
        ("1.7 مليار دولار", 1700000000, "USD", False),
    ]
    assert [t.value for t in doc.times] == ["P2W"]
    d = doc.to_dict()
    assert type(doc).from_dict(json.loads(json.dumps(d))).to_dict() == d


@given(timeish_text())
def test_quantities_never_crash_on_number_words(text: str) -> None:
    for with_times in (True, False):
        for q in qs(text, with_times=with_times):
            assert text[q.start : q.end] == q.text


@given(arabic_text())
def test_quantities_never_crash_and_spans_match(text: str) -> None:
    for with_times in (True, False):
        for q in qs(text, with_times=with_times):
            assert 0 <= q.start < q.end <= len(text)
            assert text[q.start : q.end] == q.text


def test_shared_example(shared: object) -> None:
    """On the annotated example: every gold quantity found with its value."""
    from pathlib import Path

    base = Path(str(shared)) / "examples"
    gold = json.loads((base / "gold" / "ashgabat-2024-10-11.json").read_text(encoding="utf-8"))
    text = (base / "articles" / "ashgabat-2024-10-11.txt").read_text(encoding="utf-8")
    out = qs(text)
    ok = 0
    for g in gold["quantities"]:
        hit = [q for q in out if q.start < g["end"] and g["start"] < q.end]
        ok += any(
            (q.value is None and g["value"] is None)
            or (
                q.value is not None
                and g["value"] is not None
                and abs(float(q.value) - float(g["value"])) < 1e-6
            )
            for q in hit
        )
    assert ok / len(gold["quantities"]) >= 0.8


def test_currency_codes_are_iso_4217(shared: object) -> None:
    """Every currency code in quantities.yaml is an ISO 4217 code of the CLDR table."""
    from pathlib import Path

    from marsad._data import load_yaml

    tsv = Path(str(shared)) / "data" / "kb" / "currencies_ar.tsv"
    if not tsv.exists():
        pytest.skip("currency table absent from ../shared")
    iso = {line.split("\t")[0] for line in tsv.read_text(encoding="utf-8").splitlines()[1:]}
    iso |= {"FRF"}  # the French franc, withdrawn but still quoted in historical figures
    d = load_yaml("quantities.yaml")
    codes: set[str] = set()
    for spec in d["currencies"].values():
        if spec.get("default"):
            codes.add(spec["default"])
        codes |= set((spec.get("qualifiers") or {}).values())
    codes |= set(d["currency_signs"].values())
    assert codes - iso == set()
