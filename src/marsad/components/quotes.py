"""The ``quotes`` component: direct and indirect quotes with speaker, via, cue and stance."""

from __future__ import annotations

from collections.abc import Callable

from marsad.model import Document
from marsad.pipeline import component
from marsad.quotes import load_lexicon, quotes_document


@component("quotes", requires=("sentences", "tokens", "entities"), assigns=("quotes",))
def make_quotes() -> Callable[[Document], Document]:
    """Find quotes (in marks and after إن/أن of a reporting verb), their speakers and relays."""
    lex = load_lexicon()

    def run(doc: Document) -> Document:
        return quotes_document(doc, lex)

    return run
