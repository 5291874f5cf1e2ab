"""Token features for the NER taggers.

Per word (cached, the same word always gets the same features): the folded normalised
form, prefixes and suffixes (1–3 letters), the script and shape, the length, the clitic
analysis of :class:`marsad.segment.Segmenter` (the host without proclitic conjunctions and
prepositions, the stem without the article, which proclitics and whether there is an article
or an enclitic), word clusters learned from unlabeled news (every granularity for the word,
the finest for its host), and optionally gazetteer flags. Per token, the features of the
words in a ±2 window (a subset, prefixed by the offset) and two word bigrams are added.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Sequence

from marsad.ner.clusters import Clusters
from marsad.normalize import normalize_key
from marsad.segment import Segmenter, default_lexicon

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")

#: Word features also used for the neighbours in the window.
_WINDOW_KEYS = ("w", "h", "c1", "c2", "c3", "c4", "hc2", "hc3", "hc4", "s2", "p2", "k", "fq", "g")

Gazetteer = Callable[[str], Sequence[str]]
_WordFeats = tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]

#: Words whose features are kept (least recently used first out): frequent words stay, and a
#: worker's memory stays flat however many documents it reads (about 1 KB a word).
WORD_CACHE_SIZE = 32_768


def fold_key(token: str) -> str:
    """The normalised, lower-cased form of a token (the token itself if that is empty)."""
    return normalize_key(token).lower() or token


def is_number(key: str) -> bool:
    """Digits (any script) without letters: ``1995``, ``٢٠٢٤``, ``3.5``."""
    return bool(_DIGIT.search(key)) and not _ARABIC.search(key) and not _LATIN.search(key)


def word_kind(key: str, token: str) -> str:
    """Script and shape of a word that is not a number: ``ar``, ``latcap``, ``lat``,
    ``punct`` or ``other``."""
    if _ARABIC.search(key):
        return "ar"
    if _LATIN.search(token):
        return "latcap" if token[:1].isupper() else "lat"
    if not any(ch.isalnum() for ch in key):
        return "punct"
    return "other"


def split_clitics(segmenter: Segmenter, key: str) -> tuple[str, str, bool, bool, str]:
    """``(proclitics, host, article?, enclitic?, stem)`` of an Arabic word key:
    ``والقاهره`` → ``("و", "القاهره", …)``."""
    pieces = segmenter.split(key)
    procl = "".join(p for p, r in pieces if r == "proclitic")
    host = key[len(procl) :] if key.startswith(procl) else key
    stem = "".join(p for p, r in pieces if r == "stem")
    article = any(r == "article" for _, r in pieces)
    enclitic = any(r == "enclitic" for _, r in pieces)
    return procl, host, article, enclitic, stem


class Featurizer:
    """Turns a sentence (a list of token strings) into per-token feature lists."""

    def __init__(
        self,
        clusters: Clusters | None = None,
        segmenter: Segmenter | None = None,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.clusters = clusters or Clusters()
        # a private copy of the shipped lexicon: other components register names in the
        # shared one (``Lexicon.add``), which would change the features under the model
        self.segmenter = segmenter or Segmenter(default_lexicon.__wrapped__())
        self.gazetteer = gazetteer
        # word → (own features, window features by offset + 2); tuples of strings only, which
        # the garbage collector stops tracking, so a full cache costs no collection time
        self._cache: OrderedDict[str, _WordFeats] = OrderedDict()

    def word_features(self, token: str) -> dict[str, str]:
        """The features of one word, as ``name → value``."""
        key = fold_key(token)
        f: dict[str, str] = {}
        if is_number(key):
            f["w"] = "0"
            f["k"] = "num"
        else:
            f["w"] = key
            f["k"] = word_kind(key, token)
        host = key
        if f["k"] == "ar":
            procl, host, article, enclitic, stem = split_clitics(self.segmenter, key)
            if procl:
                f["pc"] = procl
            if article:
                f["art"] = "1"
            if enclitic:
                f["enc"] = "1"
            if stem and stem != key:
                f["st"] = stem
                if len(stem) > 2:
                    f["st_s2"] = stem[-2:]
                    f["st_p2"] = stem[:2]
        f["h"] = host
        n = len(host)
        f["len"] = str(min(n, 8))
        for i in (1, 2, 3, 4):
            if n > i:
                f[f"p{i}"] = host[:i]
                f[f"s{i}"] = host[-i:]
        c = self.clusters.get(key) or self.clusters.get(host)
        if c is not None:
            for j, cid in enumerate(c, start=1):
                f[f"c{j}"] = str(cid)
        else:
            f["c1"] = "none"
        freq = self.segmenter.lexicon.freq(host)
        f["fq"] = str(min(freq.bit_length(), 12) // 2)
        if host != key:
            ch = self.clusters.get(host)
            if ch is not None:
                f[f"hc{len(ch)}"] = str(ch[-1])
        if self.gazetteer is not None:
            g = self.gazetteer(host)
            if g:
                f["g"] = "|".join(sorted(g))
        return f

    def _word(self, token: str) -> _WordFeats:
        cache = self._cache
        hit = cache.get(token)
        if hit is not None:
            cache.move_to_end(token)
            return hit
        f = self.word_features(token)
        own = tuple(f"{k}={v}" for k, v in f.items())
        win = tuple(
            tuple(f"{off}{k}={f[k]}" for k in _WINDOW_KEYS if k in f) if off else ()
            for off in (-2, -1, 0, 1, 2)
        )
        cache[token] = (own, win)
        if len(cache) > WORD_CACHE_SIZE:
            cache.popitem(last=False)
        return own, win

    def sentence(self, tokens: Sequence[str]) -> list[list[str]]:
        """Feature lists, one per token."""
        words = [self._word(t) for t in tokens]
        keys = [w[0][0] for w in words]  # "w=..."
        n = len(tokens)
        out: list[list[str]] = []
        for i in range(n):
            feats = ["bias", *words[i][0]]
            for off in (-2, -1, 1, 2):
                j = i + off
                if 0 <= j < n:
                    feats.extend(words[j][1][off + 2])
                elif off in (-1, 1):
                    feats.append("BOS" if off < 0 else "EOS")
            if i > 0:
                feats.append(f"bg-={keys[i - 1]}|{keys[i]}")
            if i + 1 < n:
                feats.append(f"bg+={keys[i]}|{keys[i + 1]}")
            out.append(feats)
        return out
