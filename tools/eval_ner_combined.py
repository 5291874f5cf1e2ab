"""The combined recogniser on a CoNLL file: knowledge base alone, NER model alone, both.

usage: python tools/eval_ner_combined.py [CONLL_FILE ...] [--docs N] [--model DIR]

The shipped model is trained on ANERcorp dev too: score dev with the model of a dev run
(``python -m marsad.ner.train --seed 0 --out /tmp/ner-dev``, without ``--final``).

Each group of N sentences (default 20) is joined into one document (tokens separated by
spaces), run through ``segment`` + ``entities`` (the KB gazetteer), ``segment`` + ``ner``
(the model alone) and ``segment`` + ``entities`` + ``ner``; each entity mention is mapped
back to the tokens it covers and scored against the gold spans over PER, LOC and ORG
(marsad types PERSON → PER, ORG → ORG, GPE/LOC/FAC → LOC; others set aside), entity level,
conlleval rules (``strict``), and with a partial match (``overlap``: a predicted span is
right when it overlaps a gold span of the same type, each gold span matched once), which
sets aside boundary conventions (marsad's KB names ``مكة المكرمة`` and ``قطاع غزة`` where
ANERcorp tags ``مكة`` and ``غزة``). Default file: ``../shared/data/ner/anercorp/dev.txt``.
"""

from __future__ import annotations

import argparse
import json
from bisect import bisect_right
from pathlib import Path

from marsad.components.entities import make_entities
from marsad.components.ner import make_ner
from marsad.components.segment import make_segment
from marsad.model import Document
from marsad.ner.corpus import read_conll, spans_of
from marsad.ner.evaluate import Scores

DEFAULT = Path(__file__).resolve().parents[1] / "../shared/data/ner/anercorp/dev.txt"
TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("conll", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--docs", type=int, default=20, help="sentences per document")
    ap.add_argument("--model", help="NER model folder (default: the shipped one)")
    ap.add_argument("--min-confidence", type=float, help="the ner component's threshold")
    a = ap.parse_args()
    seg, kb, ner = (
        make_segment(),
        make_entities(),
        make_ner(
            model=a.model,
            **({} if a.min_confidence is None else {"min_confidence": a.min_confidence}),
        ),
    )
    systems = {
        "kb": lambda d: kb(d),
        "ner": lambda d: ner(d),
        "kb+ner": lambda d: ner(kb(d)),
    }
    scores = {k: Scores() for k in systems}
    overlap = {k: [0, 0, 0] for k in systems}  # correct, predicted, gold
    for path in a.conll:
        sents = read_conll(path)
        for i in range(0, len(sents), a.docs):
            group = sents[i : i + a.docs]
            lines, starts, tags = [], [], []
            pos = 0
            for s in group:
                for tok, tag in zip(s.tokens, s.tags, strict=True):
                    starts.append(pos)
                    tags.append(tag)
                    pos += len(tok) + 1
                lines.append(" ".join(s.tokens))
            text = "\n".join(lines)
            gold = [t if t[2:] in ("PER", "LOC", "ORG") else "O" for t in tags]
            doc = seg(Document(text=text))
            for name, run in systems.items():
                out = run(doc)
                pred = ["O"] * len(tags)
                for e in out.entities:
                    typ = TYPES.get(e.type)
                    if typ is None:
                        continue
                    for m in e.mentions:
                        s_tok = bisect_right(starts, m.start) - 1
                        e_tok = bisect_right(starts, m.end - 1)
                        if all(p == "O" for p in pred[s_tok:e_tok]):
                            pred[s_tok] = f"B-{typ}"
                            for j in range(s_tok + 1, e_tok):
                                pred[j] = f"I-{typ}"
                scores[name].add(gold, pred)
                g_spans, p_spans = spans_of(gold), spans_of(pred)
                free = list(g_spans)
                for ps, pe, pt in p_spans:
                    hit = next((g for g in free if g[2] == pt and g[0] < pe and ps < g[1]), None)
                    if hit is not None:
                        free.remove(hit)
                        overlap[name][0] += 1
                overlap[name][1] += len(p_spans)
                overlap[name][2] += len(g_spans)
    result = {}
    for name, sc in scores.items():
        p, r, f = sc.prf()
        result[name] = {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "per_type": {t: round(sc.prf([t])[2], 4) for t in ("PER", "LOC", "ORG")},
        }
        ok, n_pred, n_gold = overlap[name]
        op = ok / n_pred if n_pred else 0.0
        orr = ok / n_gold if n_gold else 0.0
        result[name]["overlap"] = {
            "precision": round(op, 4),
            "recall": round(orr, 4),
            "f1": round(2 * op * orr / (op + orr), 4) if op + orr else 0.0,
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
