"""The ``times`` component: time expressions resolved against the publication date."""

from __future__ import annotations

from collections.abc import Callable

from marsad.errors import Code
from marsad.model import Document
from marsad.pipeline import component
from marsad.times import find_times, load_tables


@component("times", requires=("sentences", "tokens"), assigns=("times",))
def make_times() -> Callable[[Document], Document]:
    """Dates, months, years, ranges, weekdays, deictics, durations, clock times, Hijri dates
    and anaphora, with ISO values (``marsad.times``)."""
    tables = load_tables()

    def run(doc: Document) -> Document:
        times, unresolved = find_times(doc.text, doc.published, tables)
        out = doc.replace(times=tuple(times))
        if unresolved and not any(w.code == Code.W006.value for w in doc.warnings):
            out = out.warn(
                Code.W006.value,
                f"{unresolved} relative time expression(s) left unresolved",
                "times",
            )
        return out

    return run
