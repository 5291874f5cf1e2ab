"""A greedy averaged-perceptron tagger: the second model family compared with the CRF.

Left-to-right, each token's tag is scored from its features plus the previous one and two
tags; weights are averaged over all updates (Collins 2002). Pure Python, no dependency.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from marsad.ner.corpus import LABELS


class Perceptron:
    def __init__(self, labels: Sequence[str] = LABELS) -> None:
        self.labels = tuple(labels)
        self.weights: dict[str, dict[str, float]] = {}
        self._totals: dict[tuple[str, str], float] = defaultdict(float)
        self._stamps: dict[tuple[str, str], int] = defaultdict(int)
        self._i = 0

    def _score(self, feats: Sequence[str]) -> dict[str, float]:
        scores = dict.fromkeys(self.labels, 0.0)
        w = self.weights
        for f in feats:
            ws = w.get(f)
            if ws:
                for lab, v in ws.items():
                    scores[lab] += v
        return scores

    def _legal(self, prev: str, lab: str) -> bool:
        return not (lab.startswith("I-") and prev[2:] != lab[2:])

    def _best(self, feats: Sequence[str], prev: str) -> str:
        scores = self._score(feats)
        best, best_v = "O", float("-inf")
        for lab in self.labels:
            v = scores[lab]
            if v > best_v and self._legal(prev, lab):
                best, best_v = lab, v
        return best

    @staticmethod
    def _with_history(feats: Sequence[str], p1: str, p2: str) -> list[str]:
        return [*feats, f"t-1={p1}", f"t-2={p2}|{p1}"]

    def tag(self, sent: Sequence[Sequence[str]]) -> list[str]:
        out: list[str] = []
        p1, p2 = "BOS", "BOS"
        for feats in sent:
            lab = self._best(self._with_history(feats, p1, p2), p1 if p1 != "BOS" else "O")
            out.append(lab)
            p2, p1 = p1, lab
        return out

    def _update(self, truth: str, guess: str, feats: Sequence[str]) -> None:
        self._i += 1
        if truth == guess:
            return
        for f in feats:
            ws = self.weights.setdefault(f, {})
            for lab, d in ((truth, 1.0), (guess, -1.0)):
                key = (f, lab)
                v = ws.get(lab, 0.0)
                self._totals[key] += (self._i - self._stamps[key]) * v
                self._stamps[key] = self._i
                ws[lab] = v + d

    def train(
        self,
        data: Sequence[tuple[Sequence[Sequence[str]], Sequence[str]]],
        epochs: int = 8,
        seed: int = 0,
    ) -> None:
        order = list(range(len(data)))
        rng = random.Random(seed)
        for _ in range(epochs):
            rng.shuffle(order)
            for k in order:
                sent, gold = data[k]
                p1, p2 = "BOS", "BOS"
                for feats, truth in zip(sent, gold, strict=True):
                    fx = self._with_history(feats, p1, p2)
                    guess = self._best(fx, p1 if p1 != "BOS" else "O")
                    self._update(truth, guess, fx)
                    p2, p1 = p1, truth  # teacher forcing
        self._average()

    def _average(self) -> None:
        for f, ws in self.weights.items():
            for lab in list(ws):
                key = (f, lab)
                total = self._totals[key] + (self._i - self._stamps[key]) * ws[lab]
                avg = round(total / max(self._i, 1), 4)
                if avg:
                    ws[lab] = avg
                else:
                    del ws[lab]
        self.weights = {f: ws for f, ws in self.weights.items() if ws}
        self._totals.clear()
        self._stamps.clear()

    def save(self, path: str | Path) -> None:
        Path(path).write_text(
            json.dumps({"labels": self.labels, "weights": self.weights}, ensure_ascii=False),
            encoding="utf-8",
        )
