"""Entity-level scoring of BIO tag sequences (conlleval rules) and CoNLL-file evaluation.

A predicted entity counts only if its type and both boundaries match a gold entity.
Precision, recall and F1 are given per type and overall (micro-averaged).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marsad.ner.corpus import clean_tag, clean_token, conll_blocks, repair_bio, spans_of

if TYPE_CHECKING:
    from marsad.ner.tagger import Tagger

#: Sentences tagged together (the neural model is faster on batches).
EVAL_BATCH = 128


@dataclass
class Scores:
    """Counts of true positives, predicted and gold entities, per type."""

    tp: Counter[str] = field(default_factory=Counter)
    pred: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)
    tokens: int = 0
    sentences: int = 0

    def add(self, gold: Sequence[str], pred: Sequence[str]) -> None:
        if len(gold) != len(pred):
            raise ValueError(f"gold has {len(gold)} tags, prediction {len(pred)}")
        g = set(spans_of(gold))
        p = set(spans_of(pred))
        for _, _, t in g:
            self.gold[t] += 1
        for _, _, t in p:
            self.pred[t] += 1
        for _, _, t in g & p:
            self.tp[t] += 1
        self.tokens += len(gold)
        self.sentences += 1

    def prf(self, types: Iterable[str] | None = None) -> tuple[float, float, float]:
        """Micro precision, recall and F1 over ``types`` (all types when None)."""
        keys = set(types) if types is not None else set(self.gold) | set(self.pred)
        tp = sum(self.tp[t] for t in keys)
        np_ = sum(self.pred[t] for t in keys)
        ng = sum(self.gold[t] for t in keys)
        p = tp / np_ if np_ else 0.0
        r = tp / ng if ng else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def to_dict(self) -> dict[str, Any]:
        types = sorted(set(self.gold) | set(self.pred))
        per = {}
        for t in types:
            p, r, f = self.prf([t])
            per[t] = {
                "precision": round(p, 4),
                "recall": round(r, 4),
                "f1": round(f, 4),
                "gold": self.gold[t],
                "predicted": self.pred[t],
                "correct": self.tp[t],
            }
        p, r, f = self.prf()
        return {
            "sentences": self.sentences,
            "tokens": self.tokens,
            "overall": {
                "precision": round(p, 4),
                "recall": round(r, 4),
                "f1": round(f, 4),
                "gold": sum(self.gold.values()),
                "predicted": sum(self.pred.values()),
                "correct": sum(self.tp.values()),
            },
            "per_type": per,
        }

    def table(self) -> str:
        """A plain-text table: one line per type and one overall."""
        d = self.to_dict()
        lines = [f"{'type':<8} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6} {'pred':>6}"]
        for t, v in d["per_type"].items():
            lines.append(
                f"{t:<8} {v['precision']:7.4f} {v['recall']:7.4f} {v['f1']:7.4f} "
                f"{v['gold']:6d} {v['predicted']:6d}"
            )
        o = d["overall"]
        lines.append(
            f"{'overall':<8} {o['precision']:7.4f} {o['recall']:7.4f} {o['f1']:7.4f} "
            f"{o['gold']:6d} {o['predicted']:6d}"
        )
        return "\n".join(lines)


def score(gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]]) -> Scores:
    """Score parallel sequences of gold and predicted tag sequences."""
    s = Scores()
    for g, p in zip(gold, pred, strict=True):
        s.add(g, p)
    return s


def evaluate_conll(
    path: str | Path,
    tagger: Tagger | None = None,
    *,
    predictions: str | Path | None = None,
) -> Scores:
    """Tag a CoNLL file (``token TAG``, blank line between sentences) and score it.

    Gold tags are cleaned like the training data (``PERS`` → ``PER`` …). With
    ``predictions``, writes ``token gold predicted`` lines (blank line between sentences),
    one per input token; a token that is empty once invisible marks are removed is
    predicted ``O``.
    """
    from marsad.ner.tagger import default_tagger

    tagger = tagger or default_tagger()
    s = Scores()
    out = open(predictions, "w", encoding="utf-8") if predictions else None
    try:
        with open(path, encoding="utf-8") as fh:
            blocks = iter(conll_blocks(fh))
            while chunk := [b for _, b in zip(range(EVAL_BATCH), blocks, strict=False)]:
                raws = [[p[0] for p in block] for block in chunk]
                keeps = [[i for i, t in enumerate(raw) if clean_token(t)] for raw in raws]
                tagged = tagger.tag_batch(
                    [[raw[i] for i in k] for raw, k in zip(raws, keeps, strict=True)]
                )
                for block, raw, keep, tags in zip(chunk, raws, keeps, tagged, strict=True):
                    gold = list(
                        repair_bio([clean_tag(p[-1]) if len(p) > 1 else "O" for p in block])
                    )
                    pred = ["O"] * len(raw)
                    for i, t in zip(keep, tags, strict=True):
                        pred[i] = t
                    pred = list(repair_bio(pred))
                    s.add(gold, pred)
                    if out is not None:
                        out.write(
                            "".join(
                                f"{w} {g} {p}\n" for w, g, p in zip(raw, gold, pred, strict=True)
                            )
                        )
                        out.write("\n")
    finally:
        if out is not None:
            out.close()
    return s


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m marsad.ner.evaluate",
        description="Entity-level P/R/F1 (conlleval rules) of the NER model on a CoNLL file.",
    )
    ap.add_argument("--conll", type=Path, required=True)
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--predictions", type=Path, help="write 'token gold predicted' lines here")
    ap.add_argument("--model", type=Path, help="a model folder (default: the shipped one)")
    a = ap.parse_args(argv)
    from marsad.ner.tagger import open_model

    tagger = open_model(a.model) if a.model else None
    t0 = time.perf_counter()
    s = evaluate_conll(a.conll, tagger, predictions=a.predictions)
    dt = time.perf_counter() - t0
    if a.json:
        d = s.to_dict()
        d["seconds"] = round(dt, 3)
        print(json.dumps(d, ensure_ascii=False, indent=1))
    else:
        print(s.table())
        print(f"{s.sentences} sentences, {s.tokens} tokens in {dt:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
