"""Paragraphs, sentences and tokens with clitic segmentation, all as offsets into the text.

Sentences end at ``.`` ``!`` ``؟`` (and ``؛`` between two long clauses) followed by space, a
closing quotation mark or the end of a paragraph; never inside ``1.7``, ``10.9.2024``, a URL,
``SU-35`` or after an abbreviation such as ``د.``.

Tokens carry their clitics as segments: ``وطهران`` → ``و`` + ``طهران``; ``للحرس`` →
``ل`` + ``ل`` (article) + ``حرس``; ``بعضهما`` → ``بعض`` + ``هما``. Whether a leading letter
is a clitic (``وطهران``) or part of the word (``وزير``, ``بيروت``) is decided with a word
frequency lexicon (``data/lexicon/words.tsv``), names registered by other components (the
knowledge base) and the words of the document itself.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from marsad._data import data_path, load_yaml
from marsad.model import Segment, Sentence, Token
from marsad.normalize import Normalized, normalize, normalize_key

#: Tokens longer than this (characters) are kept whole and never segmented.
MAX_TOKEN_CHARS = 200

_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_LETTER = r"[^\W\d_]"
_TOKEN_RE = re.compile(
    rf"(?P<number>\d+(?:[.,\u066b\u066c]\d+)*)"
    rf"|(?P<word>{_LETTER}(?:{_LETTER}|[{_MARKS}]|[\u200c\u200d](?={_LETTER}))*)"
    rf"|(?P<space>[\s\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\u061c\ufeff]+)"
    rf"|(?P<other>.)",
    re.DOTALL,
)
_ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")


@dataclass(frozen=True, slots=True)
class _Rules:
    abbreviations: frozenset[str]
    sentence_final: frozenset[str]
    closing: frozenset[str]
    semicolon_min_tokens: int
    conjunctions: tuple[str, ...]
    prepositions: tuple[str, ...]
    future: str
    imperfect_prefixes: frozenset[str]
    article: str
    enclitics: tuple[str, ...]
    min_stem: int
    min_stem_after_article: int
    split_ratio: float
    conj_ratio: float
    article_ratio: float
    no_article: frozenset[str]
    no_split: frozenset[str]


@functools.cache
def _rules() -> _Rules:
    d = load_yaml("segmentation.yaml")

    def keys(xs: Iterable[str]) -> frozenset[str]:
        return frozenset(normalize_key(str(x)) for x in xs)

    return _Rules(
        abbreviations=frozenset(normalize_key(str(x)).lower() for x in d["abbreviations"]),
        sentence_final=frozenset(d["sentence_final"]),
        closing=frozenset(d["closing_marks"]),
        semicolon_min_tokens=int(d["semicolon_min_tokens"]),
        conjunctions=tuple(d["conjunctions"]),
        prepositions=tuple(d["prepositions"]),
        future=normalize_key(d["future"]),
        imperfect_prefixes=frozenset(normalize_key(x) for x in d["imperfect_prefixes"]),
        article=normalize_key(d["article"]),
        enclitics=tuple(normalize_key(x) for x in d["enclitics"]),
        min_stem=int(d["min_stem"]),
        min_stem_after_article=int(d["min_stem_after_article"]),
        split_ratio=float(d["split_ratio"]),
        conj_ratio=float(d["conj_ratio"]),
        article_ratio=float(d["article_ratio"]),
        no_article=keys(d["no_article"]),
        no_split=keys(d["no_split"]),
    )


_FOLD = str.maketrans({"ة": "ه", "ى": "ي"})


def fold(word: str) -> str:
    """The folded look-up form of a normalised word: ة → ه, ى → ي."""
    return word.translate(_FOLD)


class Lexicon:
    """Word frequencies (normalised, folded forms) used to decide clitic splits."""

    def __init__(self, counts: dict[str, int] | None = None) -> None:
        self._counts: dict[str, int] = dict(counts or {})

    def freq(self, word: str) -> int:
        return self._counts.get(word, 0)

    def add(self, words: Iterable[str], count: int = 1_000) -> None:
        """Register words as known (names from the knowledge base, for instance)."""
        for w in words:
            for part in w.split():
                k = normalize_key(part)
                if k:
                    self._counts[k] = max(self._counts.get(k, 0), count)

    def __len__(self) -> int:
        return len(self._counts)

    def __contains__(self, word: object) -> bool:
        return word in self._counts


@functools.cache
def default_lexicon() -> Lexicon:
    """The shipped lexicon (empty if the file is absent)."""
    counts: dict[str, int] = {}
    path = data_path("lexicon/words.tsv")
    if path.is_file():
        with path.open("r", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                word, _, n = line.rstrip("\n").partition("\t")
                if word and n.isdigit():
                    counts[word] = int(n)
    return Lexicon(counts)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: blank-line separated if the text has blank lines, else one per line.

    Leading and trailing whitespace is outside each span; empty paragraphs are skipped.
    """
    blank_lines = re.search(r"\S[ \t\r]*\n[ \t\r]*\n\s*\S", text) is not None
    sep = re.compile(r"\n[ \t\r\u00a0]*\n\s*" if blank_lines else r"[\r\n\u2028\u2029]+")
    out: list[tuple[int, int]] = []
    pos = 0
    for m in sep.finditer(text):
        _add_trimmed(text, pos, m.start(), out)
        pos = m.end()
    _add_trimmed(text, pos, len(text), out)
    return out


def _add_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        out.append((start, end))


def raw_tokens(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
    """``(start, end, kind)`` for each token of ``text[start:end]``; kinds: word, latin,
    number, punct."""
    end = len(text) if end is None else end
    for m in _TOKEN_RE.finditer(text, start, end):
        kind = m.lastgroup
        if kind == "space":
            continue
        if kind == "word":
            k = "word" if _ARABIC_RE.match(m.group()) else "latin"
        elif kind == "number":
            k = "number"
        else:
            k = "punct"
        yield m.start(), m.end(), k


def sentences(text: str, paras: list[tuple[int, int]] | None = None) -> list[Sentence]:
    """Sentence spans, never crossing a paragraph boundary."""
    rules = _rules()
    paras = paragraphs(text) if paras is None else paras
    out: list[Sentence] = []
    for pi, (ps, pe) in enumerate(paras):
        toks = list(raw_tokens(text, ps, pe))
        s_start = ps
        n_in_sentence = 0
        i = 0
        while i < len(toks):
            ts, te, kind = toks[i]
            n_in_sentence += 1
            ch = text[ts:te]
            boundary_end: int | None = None
            if kind == "punct" and ch in rules.sentence_final:
                if _ends_sentence(text, toks, i, rules):
                    j = i + 1
                    # absorb repeated marks and closing quotes/brackets
                    while (
                        j < len(toks)
                        and toks[j][2] == "punct"
                        and (
                            text[toks[j][0] : toks[j][1]] in rules.sentence_final
                            or text[toks[j][0] : toks[j][1]] in rules.closing
                        )
                        and toks[j][0] == toks[j - 1][1]
                    ):
                        j += 1
                    boundary_end = toks[j - 1][1]
                    i = j - 1
            elif kind == "punct" and ch == "؛":
                rest = sum(1 for t in toks[i + 1 :] if t[2] != "punct")
                if n_in_sentence - 1 >= rules.semicolon_min_tokens and (
                    rest >= rules.semicolon_min_tokens
                ):
                    boundary_end = te
            if boundary_end is not None:
                out.append(Sentence(s_start, boundary_end, pi))
                nxt = i + 1
                s_start = toks[nxt][0] if nxt < len(toks) else pe
                n_in_sentence = 0
            i += 1
        if s_start < pe:
            _, e = s_start, pe
            out.append(Sentence(s_start, e, pi))
    return out


def _ends_sentence(text: str, toks: list[tuple[int, int, str]], i: int, rules: _Rules) -> bool:
    ts, te, _ = toks[i]
    ch = text[ts:te]
    # what follows: end of paragraph, whitespace, or a closing mark
    if te < len(text) and not text[te].isspace():
        j = i + 1
        while j < len(toks) and toks[j][0] == toks[j - 1][1] and toks[j][2] == "punct":
            nxt = text[toks[j][0] : toks[j][1]]
            if nxt not in rules.sentence_final and nxt not in rules.closing:
                return False
            j += 1
        if j < len(toks) and toks[j][0] == toks[j - 1][1]:
            return False  # "1.7", "10.9.2024", "example.com", "SU.35"
        if j == len(toks) or text[toks[j - 1][1] : toks[j - 1][1] + 1].isspace():
            pass
    if ch == "." and i > 0:
        ps, pe, pk = toks[i - 1]
        if pe == ts and pk in ("word", "latin"):
            prev = normalize_key(text[ps:pe]).lower()
            if prev in rules.abbreviations and (i < 2 or toks[i - 2][1] < ps):
                return False
    return True


class Segmenter:
    """Tokenises text and splits clitics, using a lexicon and the document's own words."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        self.rules = _rules()

    def tokens(self, text: str, norm: Normalized | None = None) -> tuple[Token, ...]:
        """Tokens of ``text``; ``norm`` is its normalised (unfolded) view if already made."""
        norm = norm if norm is not None else normalize(text)
        raw = list(raw_tokens(text))
        keys: list[str] = []
        for s, e, _ in raw:
            ns, ne = norm.from_original(s), norm.from_original(e)
            keys.append(norm.text[ns:ne])
        doc_counts = Counter(
            fold(k) for k, (_, _, kind) in zip(keys, raw, strict=True) if kind == "word"
        )
        out: list[Token] = []
        splits: dict[str, list[tuple[str, str]]] = {}  # a word splits alike all through a text
        for (s, e, kind), key in zip(raw, keys, strict=True):
            segs: tuple[Segment, ...] = ()
            if kind == "word" and e - s <= MAX_TOKEN_CHARS:
                pieces = splits.get(key)
                if pieces is None:
                    pieces = splits[key] = self.split(key, doc_counts)
                segs = self._segments(text, s, e, norm, pieces)
            out.append(Token(s, e, text[s:e], kind, fold(key), segs))
        return tuple(out)

    # -- clitics ---------------------------------------------------------------------------
    def _freq(self, w: str, doc: Counter[str]) -> int:
        """Evidence that ``w`` is a word of its own: the lexicon, plus its bare occurrences in
        this document (used for candidate stems, not for the whole token being split)."""
        k = fold(w)
        return self.lexicon.freq(k) + 50 * doc.get(k, 0)

    def _ok_split(
        self, whole: str, stem: str, doc: Counter[str], ratio: float | None = None
    ) -> bool:
        if len(stem) < self.rules.min_stem:
            return False
        fs = self._evidence(stem, doc)
        if fs == 0:
            return False
        ratio = self.rules.split_ratio if ratio is None else ratio
        return fs >= ratio * self.lexicon.freq(fold(whole))

    def split(self, key: str, doc: Counter[str] | None = None) -> list[tuple[str, str]]:
        """Split a normalised word (unfolded: ``ة`` and ``ى`` kept) into ``(piece, role)``.

        >>> Segmenter(Lexicon({"طهران": 500})).split("وطهران")
        [('و', 'proclitic'), ('طهران', 'stem')]
        """
        doc = doc if doc is not None else Counter()
        r = self.rules
        if fold(key) in r.no_split or len(key) < 2:
            return [(key, "stem")]
        pieces: list[tuple[str, str]] = []
        rest = key
        # conjunction
        if rest[:1] in r.conjunctions and len(rest) > 1:
            after = rest[1:]
            if (
                self._article_start(after)
                or self._ok_split(rest, after, doc, r.conj_ratio)
                or (after[:1] in r.prepositions and self._article_start(after[1:]))
            ):
                pieces.append((rest[0], "proclitic"))
                rest = after
        # future particle before an imperfect verb: سيزور → س + يزور
        if (
            rest[:1] == r.future
            and rest[1:2] in r.imperfect_prefixes
            and self._ok_split(rest, rest[1:], doc, r.conj_ratio)
        ):
            return [*pieces, (r.future, "proclitic"), *self._enclitics(rest[1:], doc)]
        # preposition
        if rest[:1] in r.prepositions and len(rest) > 1 and fold(rest) not in r.no_split:
            after = rest[1:]
            if rest[0] == "ل" and after.startswith("ل"):
                # ل + ال with the alef elided: للحرس → ل + ل + حرس (but لليبيا → ل + ليبيا)
                stem = after[1:]
                definite = self._freq(r.article + stem, doc)
                if (
                    len(stem) >= r.min_stem_after_article
                    and fold(rest) not in r.no_article
                    and (definite >= self._freq(after, doc) or not self._known(after, doc))
                ):
                    pieces += [("ل", "proclitic"), ("ل", "article")]
                    return pieces + self._enclitics(stem, doc)
            if (self._article_start(after) and self._article_plausible(after, doc)) or (
                self._ok_split(rest, after, doc)
            ):
                pieces.append((rest[0], "proclitic"))
                rest = after
        # article
        if self._article_start(rest) and self._article_plausible(rest, doc):
            pieces.append((r.article, "article"))
            rest = rest[len(r.article) :]
            return [*pieces, (rest, "stem")]
        return pieces + self._enclitics(rest, doc)

    def _evidence(self, w: str, doc: Counter[str], depth: int = 1) -> int:
        """Frequency of ``w`` as a word, or of what is left once a further preposition or an
        enclitic pronoun is removed (``بعضهما`` counts as ``بعض``; ``بطهران`` as ``طهران``)."""
        best = self._freq(w, doc)
        if depth <= 0 or best:
            return best
        r = self.rules
        if (
            w[:1] in r.prepositions or (w[:1] == r.future and w[1:2] in r.imperfect_prefixes)
        ) and len(w) - 1 >= r.min_stem:
            best = max(best, self._evidence(w[1:], doc, depth - 1))
        for enc in r.enclitics:
            if w.endswith(enc) and len(w) - len(enc) >= r.min_stem:
                best = max(best, self._freq(w[: -len(enc)], doc))
                break
        return best

    def _known(self, w: str, doc: Counter[str]) -> bool:
        return self._freq(w, doc) > 0

    def _article_start(self, w: str) -> bool:
        r = self.rules
        return (
            w.startswith(r.article)
            and len(w) - len(r.article) >= r.min_stem_after_article
            and fold(w) not in r.no_article
        )

    def _article_plausible(self, w: str, doc: Counter[str]) -> bool:
        """``الحرس`` is ال + حرس; ``التقى`` (a verb) is not: the lexicon knows the whole form
        far better than the stem."""
        if not len(self.lexicon):
            return True
        fw = self.lexicon.freq(fold(w))
        fs = self._freq(w[len(self.rules.article) :], doc)
        return not (fw > 0 and fs * self.rules.article_ratio < fw)

    def _enclitics(self, w: str, doc: Counter[str]) -> list[tuple[str, str]]:
        for enc in self.rules.enclitics:
            if w.endswith(enc) and len(w) > len(enc):
                stem = w[: -len(enc)]
                cands = [stem]
                if stem.endswith("ت"):
                    cands.append(stem[:-1] + "ة")  # حكومته → حكومة + ه
                if any(self._ok_split(w, c, doc) for c in cands):
                    return [(stem, "stem"), (enc, "enclitic")]
        return [(w, "stem")]

    def _segments(
        self, text: str, s: int, e: int, norm: Normalized, pieces: list[tuple[str, str]]
    ) -> tuple[Segment, ...]:
        """The segments of the token ``text[s:e]`` split into ``pieces`` (see :meth:`split`)."""
        if len(pieces) == 1:
            return (Segment(s, e, text[s:e], "stem"),)
        ns = norm.from_original(s)
        out: list[Segment] = []
        pos = ns
        for i, (piece, role) in enumerate(pieces):
            a = pos
            b = pos + len(piece)
            os_, oe = norm.to_original(a, b) if b > a else (norm.to_original(a, a))
            if i == 0:
                os_ = s
            if i == len(pieces) - 1:
                oe = e
            else:
                # trailing marks (harakat, tatweel) belong to the piece before the next one
                nxt_start = norm.starts[b] if b < len(norm.text) else e
                oe = nxt_start
            out.append(Segment(os_, oe, text[os_:oe], role))  # type: ignore[arg-type]
            pos = b
        return tuple(out)
