"""Sentences, paragraphs and clitic segmentation on hand-written Arabic."""

from __future__ import annotations

import pytest

from marsad.normalize import normalize, normalize_key
from marsad.segment import Lexicon, Segmenter, paragraphs, raw_tokens, sentences


def _sents(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentences(text)]


def test_full_stop_question_and_exclamation() -> None:
    t = "وصل الوفد إلى القاهرة. هل يلتقي الرئيس؟ نعم! انتهى"
    assert _sents(t) == ["وصل الوفد إلى القاهرة.", "هل يلتقي الرئيس؟", "نعم!", "انتهى"]


def test_closing_quote_stays_in_sentence() -> None:
    t = "وقال إن «العلاقات ممتازة.» وأضاف أن “الوضع حرج”. ثم غادر."
    assert _sents(t) == ["وقال إن «العلاقات ممتازة.»", "وأضاف أن “الوضع حرج”.", "ثم غادر."]


@pytest.mark.parametrize(
    "t",
    [
        "بلغت قيمة الصفقة 1.7 مليار دولار في العام الماضي",  # decimal
        "وقعت الحادثة في 10.9.2024 قرب الحدود",  # numeric date
        "وصرح د. محمد علي للصحفيين بذلك",  # abbreviation
        "اشترت مقاتلات SU-35 ومروحيات Mi-28 هذا العام",  # model names
        "نشر البيان على الموقع https://example.com/news/a.html?id=3 صباحا",  # URL
        "وقال أ. د. خالد إن الأمر مهم",  # chained abbreviations
    ],
)
def test_no_break_inside(t: str) -> None:
    assert _sents(t) == [t]


def test_abbreviation_only_for_standalone_letter() -> None:
    # a word ending in the same letter is not an abbreviation
    t = "قال إنه سيعود غدا. ثم غادر"
    assert _sents(t) == ["قال إنه سيعود غدا.", "ثم غادر"]


def test_semicolon_breaks_only_between_long_clauses() -> None:
    long_ = (
        "أعلنت الحكومة اليوم عن خطة جديدة لدعم الاقتصاد الوطني؛ "
        "وقالت إن الخطة ستبدأ في الشهر المقبل"
    )
    short = "الطقس حار؛ والرياح قوية"
    assert len(_sents(long_)) == 2
    assert _sents(short) == [short]


def test_paragraph_break_ends_sentence_and_paragraph_index() -> None:
    t = "العنوان بلا نقطة\nالفقرة الأولى. جملة ثانية.\n\n"
    sents = sentences(t)
    assert [t[s.start : s.end] for s in sents] == [
        "العنوان بلا نقطة",
        "الفقرة الأولى.",
        "جملة ثانية.",
    ]
    assert [s.paragraph for s in sents] == [0, 1, 1]


def test_blank_line_paragraphs() -> None:
    t = "سطر أول\nيكمل الفقرة.\n\nفقرة ثانية."
    assert [t[s:e] for s, e in paragraphs(t)] == ["سطر أول\nيكمل الفقرة.", "فقرة ثانية."]


def test_tokens_kinds() -> None:
    t = "أطلق ١٨٠ صاروخا و1.7 SU-35؟"
    toks = [(t[s:e], k) for s, e, k in raw_tokens(t)]
    assert toks == [
        ("أطلق", "word"),
        ("١٨٠", "number"),
        ("صاروخا", "word"),
        ("و1.7", "word") if False else ("و", "word"),
        ("1.7", "number"),
        ("SU", "latin"),
        ("-", "punct"),
        ("35", "number"),
        ("؟", "punct"),
    ]


LEX = Lexicon(
    {
        "طهران": 500,
        "وزير": 2000,
        "زير": 3,
        "بيروت": 300,
        "حرس": 80,
        "الحرس": 700,
        "بعض": 900,
        "ليبيا": 600,
        "قال": 3000,
        "وقال": 1500,
        "بيزيشكيان": 50,
        "ايراني": 40,
        "الايراني": 60,
        "التقي": 80,
        "حكومه": 400,
        "كلم": 50,
        "كلمه": 500,
        "يزور": 90,
        "تعقد": 70,
        "سياره": 300,
    }
)


@pytest.mark.parametrize(
    ("word", "pieces"),
    [
        ("وطهران", [("و", "proclitic"), ("طهران", "stem")]),
        ("لبيزيشكيان", [("ل", "proclitic"), ("بيزيشكيان", "stem")]),
        ("للحرس", [("ل", "proclitic"), ("ل", "article"), ("حرس", "stem")]),
        ("بعضهما", [("بعض", "stem"), ("هما", "enclitic")]),
        ("والحرس", [("و", "proclitic"), ("ال", "article"), ("حرس", "stem")]),
        ("وقال", [("و", "proclitic"), ("قال", "stem")]),
        ("حكومته", [("حكومت", "stem"), ("ه", "enclitic")]),
        ("لليبيا", [("ل", "proclitic"), ("ليبيا", "stem")]),
        ("وسيزور", [("و", "proclitic"), ("س", "proclitic"), ("يزور", "stem")]),
        ("ستعقد", [("س", "proclitic"), ("تعقد", "stem")]),
        ("سيارة", [("سيارة", "stem")]),  # not the future particle
        # negative cases: the leading letter belongs to the word
        ("وزير", [("وزير", "stem")]),
        ("بيروت", [("بيروت", "stem")]),
        ("التقى", [("التقى", "stem")]),
        ("كلمة", [("كلمة", "stem")]),
        ("لكن", [("لكن", "stem")]),
        ("الذي", [("الذي", "stem")]),
        ("بوتين", [("بوتين", "stem")]),
    ],
)
def test_clitic_split(word: str, pieces: list[tuple[str, str]]) -> None:
    assert Segmenter(LEX).split(normalize(word).text) == pieces


def test_segments_carry_original_offsets_and_host_span() -> None:
    text = "التقى وزيرُ الخارجية لِبيزيشكيان وقادة للحرس وبعضهما"
    toks = {t.text: t for t in Segmenter(LEX).tokens(text)}
    t = toks["لِبيزيشكيان"]
    assert [s.text for s in t.segments] == ["لِ", "بيزيشكيان"]
    assert text[t.host_start : t.end] == "بيزيشكيان"
    t = toks["للحرس"]
    assert text[t.host_start : t.end] == "لحرس"  # only the preposition's ل goes
    t = toks["وبعضهما"]
    assert [s.role for s in t.segments] == ["proclitic", "stem", "enclitic"]
    assert text[t.host_start : t.host_end] == "بعض"
    assert toks["وزيرُ"].segments[0].role == "stem" and len(toks["وزيرُ"].segments) == 1
    for tok in toks.values():
        assert "".join(s.text for s in tok.segments) == tok.text


def test_document_words_inform_the_split() -> None:
    # a name the lexicon does not know, seen bare elsewhere in the same text
    text = "وصل نيلفوروشان أمس. وقال لنيلفوروشان إن الأمر انتهى"
    toks = Segmenter(Lexicon()).tokens(text)
    t = next(t for t in toks if t.text == "لنيلفوروشان")
    assert text[t.host_start : t.end] == "نيلفوروشان"


def test_shipped_lexicon_handles_common_cases() -> None:
    seg = Segmenter()
    if not len(seg.lexicon):
        pytest.skip("no shipped lexicon")
    assert seg.split(normalize_key("وطهران"))[0] == ("و", "proclitic")
    assert seg.split(normalize_key("وزير")) == [("وزير", "stem")]
    assert seg.split(normalize_key("للحرس"))[1] == ("ل", "article")
