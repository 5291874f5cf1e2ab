"""A progress bar on stderr: documents done, rate and ETA (one line per 10 s when not a TTY)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _hms(seconds: float) -> str:
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class Progress:
    """``[######......]  1200/5000 docs  24.6 docs/s  ETA 02:34``."""

    WIDTH = 30

    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total = total
        self.done = 0
        self.skipped = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = time.monotonic()
        self._last = 0.0
        self._shown = -1  # records done when the bar was last drawn

    def skip(self, n: int) -> None:
        """Records of shards already complete (not counted in the rate)."""
        self.skipped += n

    def advance(self, n: int) -> None:
        self.done += n
        self._draw()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.t0, 1e-9)
        have = self.done + self.skipped
        rate = self.done / elapsed
        left = max(self.total - have, 0)
        eta = _hms(left / rate) if rate > 0 else "--:--"
        frac = have / self.total if self.total else 1.0
        bar = "#" * int(frac * self.WIDTH)
        return (
            f"[{bar:<{self.WIDTH}}] {have}/{self.total} docs  {rate:.1f} docs/s  "
            f"ETA {eta}  elapsed {_hms(elapsed)}"
        )

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < (0.2 if self.tty else 10.0):
            return
        self._last = now
        self._shown = self.done + self.skipped
        if self.tty:
            self.stream.write("\r" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._shown != self.done + self.skipped:  # the last state is not on screen yet
            self._draw(force=True)
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
