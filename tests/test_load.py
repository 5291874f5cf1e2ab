"""A short load check on loopback: concurrent clients posting articles to ``/analyze`` of a
``marsad serve`` process.

``MARSAD_LOAD_SECONDS`` sets the duration (default 20 s under CI, 5 s otherwise) and
``MARSAD_LOAD_CLIENTS`` the number of clients (default 20). Every request must succeed (no
5xx, no connection error); p50/p99 latency and throughput are printed (``pytest -s``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra (fastapi) is not installed")
pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is not installed")

from webserver import Server

#: Seconds the clients keep posting.
LOAD_SECONDS = float(os.environ.get("MARSAD_LOAD_SECONDS", "20" if os.environ.get("CI") else "5"))
#: Concurrent clients.
LOAD_CLIENTS = int(os.environ.get("MARSAD_LOAD_CLIENTS", "20"))
#: Longest one request may take before it counts as a failure.
REQUEST_TIMEOUT_S = 60.0

SENTENCES = (
    "التقى وزير الخارجية المصري نظيره الأردني في عمّان يوم الأحد لبحث الأوضاع في غزة.",
    "وقال الوزير إن «التنسيق بين البلدين مستمر»، بحسب وكالة الأنباء الرسمية.",
    "وأعلنت الحكومة عن مساعدات بقيمة 25 مليون دولار لدعم اللاجئين خلال العام المقبل.",
    "واتهمت المعارضة الحكومة بالتقصير في معالجة الأزمة الاقتصادية منذ مطلع 2023.",
    "وشارك نحو ألفي متظاهر في مسيرة وسط العاصمة مساء الجمعة للمطالبة بالإصلاح.",
)


def article(n: int) -> str:
    k = 2 + n % 4
    return "\n".join(SENTENCES[(n + i) % len(SENTENCES)] for i in range(k)) + f"\n({n})"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@contextmanager
def serve_in_a_process(tmp: Path) -> Iterator[Server]:
    """``marsad serve`` in its own process (the clients here must not share its GIL)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp / "load.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "marsad.cli", "serve", "--db", str(db), "--port", str(port)],
        stderr=subprocess.DEVNULL,
    )
    server = Server(f"http://127.0.0.1:{port}", db, tmp / "load.db.uploads")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if server.request("GET", "/health", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("marsad serve did not start")
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


def test_concurrent_clients_get_no_server_errors(tmp_path: Path) -> None:
    with serve_in_a_process(tmp_path) as server:
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        failures: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + LOAD_SECONDS

        def client(cid: int) -> None:
            n = cid * 100_000
            while time.monotonic() < stop_at:
                body = json.dumps({"text": article(n), "published": "2024-05-01"}).encode()
                t0 = time.perf_counter()
                try:
                    status, _, data = server.request(
                        "POST", "/analyze", body, timeout=REQUEST_TIMEOUT_S
                    )
                    ok = status == 200 and json.loads(data)["text"] == article(n)
                except Exception as exc:  # any connection problem is a failure
                    status, ok = -1, False
                    with lock:
                        failures.append(f"client {cid}: {type(exc).__name__}: {exc}")
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    statuses[status] = statuses.get(status, 0) + 1
                    if not ok and status != -1:
                        failures.append(f"client {cid}: HTTP {status}")
                n += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(LOAD_CLIENTS)]
        t_start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=LOAD_SECONDS + REQUEST_TIMEOUT_S + 30)
        elapsed = time.perf_counter() - t_start
        assert not any(t.is_alive() for t in threads), "a client hung"
    total = len(latencies)
    print(
        f"\nload: {LOAD_CLIENTS} clients, {LOAD_SECONDS:g} s: {total} requests "
        f"({total / elapsed:.1f}/s), statuses {statuses}, "
        f"p50 {percentile(latencies, 0.50) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    assert not [s for s in statuses if s >= 500], statuses
    assert failures == [], failures[:5]
    assert total >= LOAD_CLIENTS  # every client got at least one answer
