from __future__ import annotations

import pytest

from marsad.normalize import normalize, normalize_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنة الله"),  # alef forms
        ("مُحَمَّدٌ", "محمد"),  # harakat
        ("الســـلام", "السلام"),  # tatweel
        ("٢٠٢٤ و۱۴۰۳", "2024 و1403"),  # Arabic-Indic and extended digits
        ("١٫٧ و١٬٠٠٠", "1.7 و1,000"),  # Arabic decimal and thousands separators
        ("نعم، لا؛ ماذا؟", "نعم, لا; ماذا?"),  # Arabic comma, semicolon, question mark
        ("\u200fبوتين\u200e \u202bطهران\u202c", "بوتين طهران"),  # bidi controls
        ("بيز\u200cشكيان\u200b", "بيزشكيان"),  # zero-width characters
        ("ایران کرمان", "ايران كرمان"),  # Persian ی and ک
        ("\ufefb", "لا"),  # presentation form: lam-alef ligature
        ("\ufe91\ufef4\ufeae\ufeed\ufe95", "بيروت"),  # presentation forms
        ("\u0627\u0654\u0643\u062f", "اكد"),  # alef + combining hamza above composes, then folds
        ("قال\u00a0إن", "قال ان"),  # no-break space
        ("ء", "ء"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_folding_only_on_request() -> None:
    assert normalize("مصطفى الجمعة").text == "مصطفى الجمعة"
    assert normalize("مصطفى الجمعة", fold=True).text == "مصطفي الجمعه"
    assert normalize_key("  إيــران   الإسلامية ") == "ايران الاسلاميه"


def test_offsets_map_back_to_original() -> None:
    raw = "قال الرَّئِيسُ\u200f ٢٠٢٤"
    n = normalize(raw)
    i = n.text.index("الرئيس")
    s, e = n.to_original(i, i + len("الرئيس"))
    assert raw[s:e] == "الرَّئِيسُ"
    j = n.text.index("2024")
    s, e = n.to_original(j, j + 4)
    assert raw[s:e] == "٢٠٢٤"


def test_ligature_expansion_maps_to_one_original_char() -> None:
    raw = "\ufdf2 و\ufefb"  # ﷲ expands to several letters
    n = normalize(raw)
    assert n.text.endswith("ولا")
    k = n.text.index("لا")
    assert n.to_original(k, k + 2) == (len(raw) - 1, len(raw))
    assert n.to_original(0, 1)[0] == 0


def test_from_original_and_empty_span() -> None:
    raw = "ب\u0640\u0640ت"
    n = normalize(raw)
    assert n.text == "بت"
    assert n.from_original(3) == 1
    assert n.to_original(2, 2) == (4, 4)
    with pytest.raises(ValueError):
        n.to_original(1, 5)
