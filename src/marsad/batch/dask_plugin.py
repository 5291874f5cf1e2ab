"""The Dask worker plugin building the pipeline once per worker (imports ``distributed``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from distributed import WorkerPlugin

from marsad.batch.worker import init_worker


class PipelinePlugin(WorkerPlugin):
    """Builds the pipeline (loads all data) when a worker starts, before any task."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)

    def setup(self, worker: Any) -> None:
        init_worker(self.names)


def plugin(names: Sequence[str]) -> PipelinePlugin:
    return PipelinePlugin(names)
