"""Hypothesis strategies for Arabic-aware random text (one place for all tests)."""

from __future__ import annotations

from hypothesis import strategies as st

ARABIC_LETTERS = "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي"
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
TATWEEL = "\u0640"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
PERSIAN_LETTERS = "یکۀگپچژ"
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
PRESENTATION = "\ufefb\ufef5\ufe8d\ufe91\ufee0\ufdf2\ufdfa\ufb50\ufe70\ufe76"
QUOTES = "\"'“”‘’«»‹›„"
PUNCT = ".,!?؟،؛:;()[]-–—…/%٪٫٬"
EMOJI = "😀🇸🇦👍🏽❤️"

WORDS = [
    "التقى",
    "الرئيس",
    "الروسي",
    "فلاديمير",
    "بوتين",
    "وطهران",
    "لبيزيشكيان",
    "للحرس",
    "بعضهما",
    "قال",
    "إن",
    "أكتوبر",
    "تشرين",
    "الأول",
    "2024",
    "1.7",
    "مليار",
    "دولار",
    "د.",
    "SU-35",
    "Mi-28",
    "10.9.2024",
    "https://example.com/a.b?c=1",
    "نحو",
    "180",
    "صاروخا",
    "الجمعة",
    "يوليو/تموز",
    "«",
    "»",
    "“",
    "”",
    "بحسب",
    "وكالة",
    "ريا",
    "نوفوستي",
]

_char = st.sampled_from(
    ARABIC_LETTERS
    + HARAKAT
    + TATWEEL
    + ARABIC_INDIC
    + PERSIAN_DIGITS
    + PERSIAN_LETTERS
    + BIDI
    + ZERO_WIDTH
    + PRESENTATION
    + QUOTES
    + PUNCT
    + "0123456789abcXYZ \n\t\u00a0"
) | st.sampled_from(EMOJI)

_word = st.sampled_from(WORDS)
_rand = st.text(alphabet=_char, min_size=1, max_size=12)
_long_token = st.integers(min_value=150, max_value=400).map(lambda n: "ب" * n)
_html = st.sampled_from(["<p>", "</p>", "<b>", "<script>x</script>", "&amp;", "&lt;", "<br/>"])
_sep = st.sampled_from([" ", " ", " ", "\n", "\n\n", ". ", "، ", "؟ ", "\u200f", ""])

_piece = st.one_of(_word, _word, _rand, _html, _long_token)


@st.composite
def arabic_text(draw: st.DrawFn, max_pieces: int = 40) -> str:
    """Random text built from Arabic news words, marks, digits, bidi marks, presentation forms,
    HTML fragments, emoji, very long tokens and lone quotation marks."""
    n = draw(st.integers(min_value=1, max_value=max_pieces))
    parts: list[str] = []
    for _ in range(n):
        parts.append(draw(_piece))
        parts.append(draw(_sep))
    return "".join(parts)


def nonblank_arabic_text() -> st.SearchStrategy[str]:
    return arabic_text().filter(lambda s: s.strip() != "")
