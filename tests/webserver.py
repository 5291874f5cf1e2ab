"""A real workbench server on a free loopback port, for the API, UI and load tests."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@dataclass
class Server:
    url: str
    db: Path
    uploads: Path

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str = "application/json",
        timeout: float = 120,
    ) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.url + path, data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def json(self, method: str, path: str, obj: Any = None) -> tuple[int, Any]:
        body = None if obj is None else json.dumps(obj, ensure_ascii=False).encode()
        status, _, data = self.request(method, path, body)
        return status, json.loads(data) if data else None


@contextmanager
def running_server(
    tmp: Path, db: bool = True, pipeline: list[str] | None = None
) -> Iterator[Server]:
    """Start ``create_app`` under uvicorn in a thread on 127.0.0.1:<free port>."""
    uvicorn = pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is not installed")
    pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
    from marsad.web.app import create_app

    db_path = tmp / "corpus.db"
    uploads = tmp / "uploads"
    app = create_app(db_path if db else None, upload_dir=uploads, pipeline=pipeline)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", timeout_keep_alive=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", db_path, uploads)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def example(name: str) -> tuple[str, dict[str, Any]]:
    """A bundled example's text and its metadata."""
    text = (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    meta = json.loads((EXAMPLES / f"{name}.meta.json").read_text(encoding="utf-8"))
    return text, meta
