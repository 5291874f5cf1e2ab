"""The ``segment`` component: paragraphs, sentences and clitic-segmented tokens."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable

from marsad.errors import Code
from marsad.model import Document
from marsad.pipeline import component
from marsad.segment import (
    MAX_TOKEN_CHARS,
    Lexicon,
    Segmenter,
    default_lexicon,
    paragraphs,
    sentences,
)

_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\u061c\ufeff"
)


@functools.cache
def segmentation_lexicon() -> Lexicon:
    """The shipped word lexicon plus every knowledge-base name, as known words, so that
    ``لبيزيشكيان`` splits as ل + بيزيشكيان. A private copy: the shared lexicon keeps plain
    corpus counts."""
    lex = copy.deepcopy(default_lexicon())
    from marsad.kb import default_kb

    lex.add(n for e in default_kb() for n in e.names)
    return lex


@component("segment", assigns=("paragraphs", "sentences", "tokens"))
def make_segment() -> Callable[[Document], Document]:
    """Split into paragraphs, sentences and tokens (with clitics)."""
    seg = Segmenter(segmentation_lexicon())

    def run(doc: Document) -> Document:
        text = doc.text
        paras = paragraphs(text)
        sents = sentences(text, paras)
        toks = seg.tokens(text, doc.normalized)
        out = doc.replace(paragraphs=tuple(paras), sentences=tuple(sents), tokens=toks)
        n_invisible = sum(1 for ch in text if ch in _INVISIBLE)
        if n_invisible:
            out = out.warn(
                Code.W004.value,
                f"{n_invisible} invisible character(s) (bidi/zero-width); ignored for matching",
                "segment",
            )
        long = sum(1 for t in toks if t.end - t.start > MAX_TOKEN_CHARS)
        if long:
            out = out.warn(
                Code.W007.value, f"{long} token(s) over {MAX_TOKEN_CHARS} characters", "segment"
            )
        return out

    return run
