"""``marsad serve``: the workbench (HTTP API and browser UI).

    marsad serve [--db marsad.db] [--host 127.0.0.1] [--port 8000] [--uploads DIR]
                 [--cors-origin URL ...]

Binds to the loopback interface unless ``--host`` says otherwise. Needs the ``web`` extra
(``pip install 'marsad[web]'``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from marsad.errors import Code, MarsadError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Seconds an idle keep-alive connection stays open.
KEEP_ALIVE_S = 5
#: Most connections served at once (beyond that, 503).
MAX_CONNECTIONS = 200


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "serve", help="start the workbench: HTTP API and web UI (needs marsad[web])"
    )
    p.add_argument("--db", default="marsad.db", help="corpus file (default: marsad.db)")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"interface (default: {DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    p.add_argument(
        "--uploads", help="folder for uploaded files (default: <db name>.uploads beside the db)"
    )
    p.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="URL",
        help="allow cross-origin requests from this origin (CORS is off by default)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this Host name (loopback names are always allowed)",
    )
    p.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from marsad.web.app import LOOPBACK_HOSTS, create_app
    except ImportError as exc:
        raise MarsadError(
            Code.E012, f"marsad serve needs the web extra: pip install 'marsad[web]' ({exc})"
        ) from None
    db = Path(args.db)
    uploads = Path(args.uploads) if args.uploads else db.with_name(db.name + ".uploads")
    host = "localhost" if args.host in ("localhost", "") else args.host
    loopback = host in ("127.0.0.1", "localhost", "::1")
    hosts: list[str] | None = [*LOOPBACK_HOSTS, *args.allow_host]
    if not loopback and not args.allow_host:
        hosts = None  # bound to a public interface without names: any Host
    app = create_app(db, upload_dir=uploads, cors_origins=args.cors_origin, allowed_hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    print(f"marsad: workbench on http://{shown}:{args.port}/  (API docs: /docs)", file=sys.stderr)
    if not loopback:
        print(f"marsad: warning: listening on {host}, not only this machine", file=sys.stderr)
    uvicorn.run(
        app,
        host=host,
        port=args.port,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=MAX_CONNECTIONS,
    )
    return 0
