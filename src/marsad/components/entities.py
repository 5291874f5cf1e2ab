"""The ``entities`` component: KB names recognised, linked and grouped into entities.

Titles and nisba adjectives are not entities; their resolution (``الرئيس الإيراني`` → the
office holder at the publication date, ``الإسرائيلية`` → Israel) is left in
``doc.meta["entity_refs"]`` (a tuple of :class:`marsad.entities.Reference`), and ambiguous
names keep their other candidates in ``doc.meta["entity_alternatives"]``.
"""

from __future__ import annotations

from collections.abc import Callable

from marsad.entities import Matcher, link, references
from marsad.kb import default_kb
from marsad.model import Document
from marsad.pipeline import component
from marsad.segment import default_lexicon


@component("entities", requires=("tokens", "sentences"), assigns=("entities",))
def make_entities() -> Callable[[Document], Document]:
    """Recognise and link entities from the knowledge base."""
    kb = default_kb()
    # word frequencies as corpus counts (the segmenter adds the KB names to its own copy)
    matcher = Matcher(kb, default_lexicon())

    def run(doc: Document) -> Document:
        ents, _, alts = link(doc, kb, matcher)
        out = doc.replace(entities=tuple(ents))
        refs = tuple(references(out, kb))
        return out.replace(meta={**doc.meta, "entity_refs": refs, "entity_alternatives": alts})

    return run
