"""Built-in components. Importing this package registers them all (see ``marsad.pipeline``)."""

from marsad.components import quotes as quotes
from marsad.components import segment as segment

__all__ = ["quotes", "segment"]
