"""Loading of the language data files shipped in ``marsad/data`` (cached per process)."""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

import yaml

_CP = re.compile(r"^U\+([0-9A-Fa-f]{4,6})(?:-U\+([0-9A-Fa-f]{4,6}))?$")


def data_path(name: str) -> Any:
    """A traversable for ``marsad/data/<name>``."""
    return resources.files("marsad").joinpath("data", name)


@functools.cache
def load_yaml(name: str) -> Any:
    """Parse ``marsad/data/<name>`` once per process."""
    with data_path(name).open("r", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def read_text(name: str) -> str:
    with data_path(name).open("r", encoding="utf-8") as fh:
        return str(fh.read())


def codepoints(spec: str) -> list[int]:
    """``"U+0660-U+0669"`` → the ten code points; ``"U+0640"`` → one."""
    m = _CP.match(spec.strip())
    if not m:
        raise ValueError(f"bad code point spec {spec!r}")
    lo = int(m.group(1), 16)
    hi = int(m.group(2), 16) if m.group(2) else lo
    if hi < lo:
        raise ValueError(f"bad code point range {spec!r}")
    return list(range(lo, hi + 1))
