"""The ``quantities`` component: amounts and counts with units (``marsad.quantities``)."""

from __future__ import annotations

from collections.abc import Callable

from marsad.model import Document
from marsad.pipeline import component
from marsad.quantities import find_quantities, load_tables


@component("quantities", requires=("tokens",), assigns=("quantities",))
def make_quantities() -> Callable[[Document], Document]:
    """Numerals with their counted noun, unit, currency (ISO code) or percent sign; hedges set
    ``approximate``. Spans taken by time expressions (durations, dates) are skipped."""
    tables = load_tables()

    def run(doc: Document) -> Document:
        blocked = [(t.start, t.end) for t in doc.times]
        return doc.replace(quantities=tuple(find_quantities(doc.text, blocked, tables)))

    return run
