"""The ``ner`` component: names the knowledge base does not know, from the shipped model."""

from __future__ import annotations

from collections.abc import Callable

from marsad.model import Document
from marsad.pipeline import component


@component("ner", requires=("tokens", "sentences", "entities"), assigns=("entities",))
def make_ner(
    min_confidence: float = 0.6, link: bool = True, model: str | None = None
) -> Callable[[Document], Document]:
    """Tag each sentence with the statistical NER model and add the names no earlier
    component found: linked to the knowledge base when it knows them (``link``), else new
    entities with kb_id null; each with a confidence. Spans whose lowest label marginal is
    below ``min_confidence`` are dropped (0.6: on ANERcorp dev, precision +0.7 points at the
    same F1). The model (the shipped one, or the folder ``model``) loads on first use, once
    per process."""
    from marsad.ner.recognize import kb_adjectives, kb_linker, recognize
    from marsad.ner.tagger import default_tagger, load_tagger

    linker = kb_linker() if link else None
    adjectives = kb_adjectives()

    def run(doc: Document) -> Document:
        tagger = load_tagger(model) if model else default_tagger()
        ents = recognize(
            doc, tagger, min_confidence=min_confidence, linker=linker, adjectives=adjectives
        )
        return doc.replace(entities=ents)

    return run
