"""The ``segment`` component: paragraphs, sentences and clitic-segmented tokens."""

from __future__ import annotations

from collections.abc import Callable

from marsad.errors import Code
from marsad.model import Document
from marsad.pipeline import component
from marsad.segment import MAX_TOKEN_CHARS, Segmenter, paragraphs, sentences

_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\u061c\ufeff"
)


@component("segment", assigns=("paragraphs", "sentences", "tokens"))
def make_segment() -> Callable[[Document], Document]:
    """Split into paragraphs, sentences and tokens (with clitics)."""
    seg = Segmenter()

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
