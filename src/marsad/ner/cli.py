"""``marsad evaluate ner``: entity-level P/R/F1 of the NER model on a CoNLL file.

    marsad evaluate ner --conll PATH [--json] [--predictions OUT] [--model DIR]

The file holds ``token TAG`` lines (the tag is the last column), a blank line between
sentences; tags are B-/I- with PERS/PER, LOC, ORG, MISC (cleaned like the training data).
Scoring follows conlleval: an entity counts only when its type and both boundaries match,
an ``I-X`` that does not continue an ``X`` starts a new entity; figures are per type and
overall (micro-averaged). ``--predictions`` writes ``token gold predicted`` lines.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from marsad.errors import Code, MarsadError


def register(subparsers: Any) -> None:
    """Add ``marsad evaluate ner`` to the ``marsad`` parser."""
    p = subparsers.add_parser("evaluate", help="evaluate a marsad model on a labelled file")
    sub = p.add_subparsers(dest="evaluate_what", metavar="{ner}")
    sub.required = True
    n = sub.add_parser(
        "ner",
        help="entity-level P/R/F1 (conlleval rules) of the NER model on a CoNLL file",
        description=(
            "Tag a CoNLL file ('token TAG' lines, a blank line between sentences) with the "
            "NER model and print entity-level precision, recall and F1 per type and overall."
        ),
    )
    n.add_argument("--conll", required=True, help="CoNLL file: 'token TAG', blank line between")
    n.add_argument("--json", action="store_true", help="machine-readable output")
    n.add_argument("--predictions", help="write 'token gold predicted' lines to this file")
    n.add_argument("--model", help="a model folder (default: the shipped model)")
    n.set_defaults(func=cmd_evaluate_ner)


def cmd_evaluate_ner(args: argparse.Namespace) -> int:
    from marsad.ner.evaluate import evaluate_conll

    conll = Path(args.conll)
    if not conll.is_file():
        raise MarsadError(Code.E001, "no such file", source=args.conll)
    tagger = None
    if args.model:
        model = Path(args.model)
        if not (model / "meta.json").is_file():
            raise MarsadError(Code.E001, "not a model folder (no meta.json)", source=args.model)
        from marsad.ner.tagger import open_model

        try:
            tagger = open_model(model)
        except (OSError, ValueError) as exc:
            raise MarsadError(
                Code.E012, f"cannot load the model: {exc}", source=args.model
            ) from None
    if args.predictions:
        try:
            open(args.predictions, "a", encoding="utf-8").close()
        except OSError as exc:
            raise MarsadError(
                Code.E011, exc.strerror or str(exc), source=args.predictions
            ) from None
    t0 = time.perf_counter()
    try:
        scores = evaluate_conll(conll, tagger, predictions=args.predictions)
    except UnicodeDecodeError:
        raise MarsadError(Code.E002, "not UTF-8", source=args.conll) from None
    except OSError as exc:
        raise MarsadError(Code.E001, exc.strerror or str(exc), source=args.conll) from None
    dt = time.perf_counter() - t0
    if args.json:
        d = scores.to_dict()
        d["seconds"] = round(dt, 3)
        sys.stdout.write(json.dumps(d, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(scores.table() + "\n")
        print(f"{scores.sentences} sentences, {scores.tokens} tokens in {dt:.2f}s")
    return 0
