from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
EXAMPLE = "ashgabat-2024-10-11"

settings.register_profile(
    "ci", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "dev", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def shared() -> Path:
    """The ../shared folder; tests using it skip when it is absent."""
    if not (SHARED / "examples").is_dir():
        pytest.skip("../shared is absent (tests needing the shared data are skipped)")
    return SHARED


@pytest.fixture
def example_text() -> str:
    """The bundled reference article (examples/ carries a copy of the shared example)."""
    return (ROOT / "examples" / f"{EXAMPLE}.txt").read_text(encoding="utf-8")
