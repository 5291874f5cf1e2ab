"""Speed of the NER model on one core: sentences/s and tokens/s.

usage: python tools/bench_ner.py [CONLL_FILE] [--repeat N]

Tags the sentences of a CoNLL file (default ``../shared/data/ner/anercorp/dev.txt``) with
the shipped model, cold (empty feature cache, as on the first document) and warm (a second
pass), and times the ``ner`` component on the same text as documents of 20 sentences (after
``segment``, which is not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from marsad.components.ner import make_ner
from marsad.components.segment import make_segment
from marsad.model import Document
from marsad.ner.corpus import read_conll
from marsad.ner.tagger import default_tagger

DEFAULT = Path(__file__).resolve().parents[1] / "../shared/data/ner/anercorp/dev.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("conll", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    sents = [s.tokens for s in read_conll(a.conll)]
    n_tok = sum(len(s) for s in sents)
    t0 = time.perf_counter()
    tagger = default_tagger()
    load_s = time.perf_counter() - t0
    out: dict[str, object] = {"sentences": len(sents), "tokens": n_tok, "load_s": round(load_s, 3)}
    for rep in range(a.repeat):
        if rep == 0:
            tagger.featurizer._cache.clear()
        t0 = time.perf_counter()
        for s in sents:
            tagger.tag(s)
        dt = time.perf_counter() - t0
        name = "cold" if rep == 0 else "warm"
        out[f"tagger_{name}_sentences_per_s"] = round(len(sents) / dt)
        out[f"tagger_{name}_tokens_per_s"] = round(n_tok / dt)
    seg, ner = make_segment(), make_ner()
    docs = []
    for i in range(0, len(sents), 20):
        text = "\n".join(" ".join(s) for s in sents[i : i + 20])
        docs.append(seg(Document(text=text)))
    ner(docs[0])
    n_doc_sents = sum(len(d.sentences) for d in docs)
    n_doc_toks = sum(len(d.tokens) for d in docs)
    t0 = time.perf_counter()
    n_ent = sum(len(ner(d).entities) for d in docs)
    dt = time.perf_counter() - t0
    out["component_sentences_per_s"] = round(n_doc_sents / dt)
    out["component_tokens_per_s"] = round(n_doc_toks / dt)
    out["component_entities"] = n_ent
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
