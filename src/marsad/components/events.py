"""The ``events`` component: PLOVER/CAMEO-coded political events (see ``marsad.events``)."""

from __future__ import annotations

from collections.abc import Callable

from marsad.events import Options, default_lexicon, default_nisba, find_events
from marsad.model import Document
from marsad.pipeline import component


@component(
    "events",
    requires=("sentences", "tokens", "entities", "times", "quotes"),
    assigns=("events",),
)
def make_events(nested: bool = False) -> Callable[[Document], Document]:
    """Find events, their actors, place, time and modality (``nested=True`` also emits
    events nested under threats and denials)."""
    lexicon = default_lexicon()
    nisba = default_nisba()
    options = Options(nested=nested)

    def run(doc: Document) -> Document:
        return doc.replace(events=tuple(find_events(doc, lexicon, nisba, options)))

    return run
