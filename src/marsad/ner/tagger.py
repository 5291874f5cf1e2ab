"""The shipped NER model: loaded lazily, once per process, and applied to token lists.

A model is a folder with a ``meta.json`` (version, family, training figures) whose
``family`` says how to load it:

* ``bilstm-crf`` (the shipped model): ``model.npz``, ``vocab.json.gz`` and
  ``clusters.tsv.gz``, run with numpy by :class:`marsad.ner.neural.NeuralTagger`;
* ``crf``: ``model.crfsuite.gz`` (a python-crfsuite CRF, gzip'd) and ``clusters.tsv.gz``,
  run by :class:`NerTagger`.

Both offer ``tag``/``tag_batch`` (BIO tags) and ``entities``/``entities_batch``
(``(start token, end token, type, confidence)`` spans).
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from marsad._data import data_path
from marsad.ner.clusters import Clusters
from marsad.ner.corpus import clean_token, from_bilou, spans_of
from marsad.ner.features import Featurizer, Gazetteer

#: The model the ``ner`` component loads by default (a folder under ``marsad/data/models``).
DEFAULT_MODEL = "models/ner-bilstm-v1"

Spans = list[tuple[int, int, str, float]]


class Tagger(Protocol):
    """What the ``ner`` component and the evaluator need of a model."""

    meta: dict[str, Any]

    def tag(self, tokens: Sequence[str]) -> list[str]: ...

    def tag_batch(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]: ...

    def entities(self, tokens: Sequence[str]) -> Spans: ...

    def entities_batch(self, sentences: Sequence[Sequence[str]]) -> list[Spans]: ...


#: Sentences longer than this (tokens) are tagged in pieces.
MAX_SENTENCE_TOKENS = 400


class NerTagger:
    """A CRF tagger with its featurizer."""

    def __init__(self, path: str | Path, gazetteer: Gazetteer | None = None) -> None:
        import pycrfsuite

        p = Path(str(path))
        self.path = p
        self.meta: dict[str, Any] = json.loads((p / "meta.json").read_text(encoding="utf-8"))
        clusters = Clusters.load(p / "clusters.tsv.gz")
        if self.meta.get("gazetteer") and gazetteer is None:
            gazetteer = _no_gazetteer
        self.featurizer = Featurizer(clusters, gazetteer=gazetteer)
        self._tagger = pycrfsuite.Tagger()
        with gzip.open(p / "model.crfsuite.gz", "rb") as fh:
            # crfsuite reads the model in place: the bytes must live as long as the tagger
            self._model_bytes = fh.read()
        self._tagger.open_inmemory(self._model_bytes)

    def _raw(self, tokens: Sequence[str]) -> list[str]:
        """The model's own labels (BILOU or BIO) for one sentence, tagged in pieces of at
        most ``MAX_SENTENCE_TOKENS``; after each call the crfsuite tagger holds the last
        piece (for marginals)."""
        out: list[str] = []
        for i in range(0, len(tokens), MAX_SENTENCE_TOKENS):
            chunk = [clean_token(t) or "_" for t in tokens[i : i + MAX_SENTENCE_TOKENS]]
            out.extend(self._tagger.tag(self.featurizer.sentence(chunk)))
        return out

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """BIO tags (``B-PER``, ``I-LOC`` …) for one sentence of token strings."""
        if not tokens:
            return []
        return list(from_bilou(self._raw(tokens)))

    def tag_batch(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags per sentence."""
        return [self.tag(s) for s in sentences]

    def entities_batch(self, sentences: Sequence[Sequence[str]]) -> list[Spans]:
        """:meth:`entities` per sentence."""
        return [self.entities(s) for s in sentences]

    def entities(self, tokens: Sequence[str]) -> list[tuple[int, int, str, float]]:
        """``(start token, end token, type, confidence)`` per recognised span; the
        confidence is the lowest marginal probability of the span's labels."""
        out: list[tuple[int, int, str, float]] = []
        for i in range(0, len(tokens), MAX_SENTENCE_TOKENS):
            chunk = tokens[i : i + MAX_SENTENCE_TOKENS]
            raw = self._raw(chunk)
            for s, e, typ in spans_of(from_bilou(raw)):
                conf = min(self._tagger.marginal(raw[j], j) for j in range(s, e))
                out.append((i + s, i + e, typ, round(float(conf), 3)))
        return out


def _no_gazetteer(_: str) -> Sequence[str]:
    return ()


def open_model(path: str | Path) -> Tagger:
    """The model in folder ``path``, loaded by its family (``meta.json``)."""
    p = Path(str(path))
    meta = json.loads((p / "meta.json").read_text(encoding="utf-8"))
    if meta.get("family") == "bilstm-crf":
        from marsad.ner.neural import NeuralTagger

        return NeuralTagger.load(p)
    return NerTagger(p)


@functools.cache
def load_tagger(path: str) -> Tagger:
    """The model in folder ``path``, loaded on first use and kept for the process."""
    return open_model(path)


def default_tagger() -> Tagger:
    """The shipped model, loaded on first use and kept for the process."""
    return load_tagger(str(data_path(DEFAULT_MODEL)))
