"""Built-in components. Importing this package registers them all (see ``marsad.pipeline``)."""

from marsad.components import entities as entities
from marsad.components import events as events
from marsad.components import ner as ner
from marsad.components import quantities as quantities
from marsad.components import quotes as quotes
from marsad.components import segment as segment
from marsad.components import times as times

__all__ = ["entities", "events", "ner", "quantities", "quotes", "segment", "times"]
