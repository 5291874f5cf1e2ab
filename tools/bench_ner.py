"""Speed of the NER model on one core: sentences/s and tokens/s.

usage: python tools/bench_ner.py [CONLL_FILE] [--repeat N]

Tags the sentences of a CoNLL file (default ``../shared/data/ner/anercorp/dev.txt``) with
the shipped model (or ``--model DIR``), in batches of ``--batch`` sentences (64; the ``ner``
component passes a document's sentences as one batch), cold (empty word cache, as on the
first document) and warm (a second pass), then one sentence at a time; and times the ``ner``
component on the same text as documents of 20 sentences (after ``segment``, not counted).
The process is pinned to one core, and numpy's BLAS to one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from marsad.components.ner import make_ner
from marsad.components.segment import make_segment
from marsad.model import Document
from marsad.ner.corpus import read_conll
from marsad.ner.tagger import default_tagger, load_tagger

DEFAULT = Path(__file__).resolve().parents[1] / "../shared/data/ner/anercorp/dev.txt"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("conll", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--model", help="a model folder (default: the shipped model)")
    a = ap.parse_args()
    # one BLAS thread: numpy loads with the model, below
    assert "numpy" not in sys.modules
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(v, "1")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    sents = [s.tokens for s in read_conll(a.conll)]
    n_tok = sum(len(s) for s in sents)
    t0 = time.perf_counter()
    tagger = load_tagger(a.model) if a.model else default_tagger()
    load_s = time.perf_counter() - t0
    out: dict[str, object] = {
        "model": tagger.meta.get("version"),
        "sentences": len(sents),
        "tokens": n_tok,
        "load_s": round(load_s, 3),
        "batch": a.batch,
    }
    for rep in range(a.repeat):
        t0 = time.perf_counter()
        for i in range(0, len(sents), a.batch):
            tagger.tag_batch(sents[i : i + a.batch])
        dt = time.perf_counter() - t0
        name = "cold" if rep == 0 else "warm"
        out[f"tagger_{name}_sentences_per_s"] = round(len(sents) / dt)
        out[f"tagger_{name}_tokens_per_s"] = round(n_tok / dt)
    t0 = time.perf_counter()
    for s in sents:
        tagger.tag(s)
    out["tagger_one_by_one_sentences_per_s"] = round(len(sents) / (time.perf_counter() - t0))
    seg, ner = make_segment(), make_ner(model=a.model)
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
