"""The marsad workbench: an HTTP API and a browser UI served by one FastAPI app.

Needs the ``web`` extra (``pip install 'marsad[web]'``: FastAPI and uvicorn); the core library
never imports this package. ``marsad serve`` starts it (:mod:`marsad.web.cli`);
:func:`marsad.web.app.create_app` builds the ASGI app for tests or other servers.
"""

from __future__ import annotations
