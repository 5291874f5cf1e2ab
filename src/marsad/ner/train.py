"""Train, evaluate and write the NER model.

    python -m marsad.ner.train --seed 0 --final --family all \
        --out src/marsad/data/models/ner-crf-v1 --report out/ner-train.json

reads ``../shared/data/ner`` (ANERcorp train/dev, AQMAR; the Wojood sample with
``--wojood``) and the JawharaFM news tarball (for word clusters), trains the CRF (and, with
``--family all``, the averaged perceptron for comparison) on ANERcorp train and 18 AQMAR
articles (4 held out, chosen with the seed; their per-article MISC classes trained as O
unless ``--aqmar-misc``), prints entity-level figures on ANERcorp dev and the held-out AQMAR
articles, and writes the model folder (``model.crfsuite.gz``, ``clusters.tsv.gz``,
``meta.json``). With ``--final`` the shipped CRF is then retrained with the same settings on
everything, dev sets included; the figures stay those of the dev run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from marsad.ner.clusters import Clusters, news_texts, sentences_of_keys, train_clusters
from marsad.ner.corpus import (
    LABELS,
    Sentence,
    from_bilou,
    read_conll,
    read_wojood,
    to_bilou,
)
from marsad.ner.evaluate import Scores, score
from marsad.ner.features import Featurizer

_REPO = Path(__file__).resolve().parents[3]
DEFAULT_DATA = _REPO / ".." / "shared" / "data" / "ner"
DEFAULT_NEWS = _REPO / ".." / "shared" / "data" / "news" / "jawharafm" / "ant_v1.1_jawharafm.tar.gz"
MODEL_VERSION = "ner-crf-v1"


def load_corpora(
    data: Path,
    *,
    seed: int,
    aqmar_dev: int,
    wojood: bool,
    aqmar: bool,
    aqmar_misc: bool = False,
) -> dict[str, list[Sentence]]:
    """``train``, ``dev`` (ANERcorp), ``aqmar_dev`` and the extra training sets."""
    out: dict[str, list[Sentence]] = {
        "anercorp_train": read_conll(data / "anercorp" / "train.txt"),
        "anercorp_dev": read_conll(data / "anercorp" / "dev.txt"),
        "aqmar_train": [],
        "aqmar_dev": [],
        "wojood": [],
    }
    if aqmar and (data / "aqmar").is_dir():
        files = sorted((data / "aqmar").glob("*.txt"))
        held = set(random.Random(seed).sample(range(len(files)), min(aqmar_dev, len(files))))
        for i, f in enumerate(files):
            sents = read_conll(f)
            if i not in held and not aqmar_misc:
                sents = [_drop_misc(x) for x in sents]
            out["aqmar_dev" if i in held else "aqmar_train"].extend(sents)
        out["aqmar_dev_articles"] = [Sentence((files[i].stem,), ("O",)) for i in sorted(held)]
    if wojood and (data / "wojood-sample").is_dir():
        for name in ("train.txt", "val.txt"):
            p = data / "wojood-sample" / name
            if p.is_file():
                out["wojood"].extend(_drop_markers(read_wojood(p)))
    return out


def _drop_misc(s: Sentence) -> Sentence:
    """AQMAR's per-article MISC classes (MIS0 …) name topic terms (particles, software,
    trophies) that ANERcorp leaves untagged: trained as O unless ``--aqmar-misc``."""
    return Sentence(s.tokens, tuple("O" if t.endswith("-MISC") else t for t in s.tags))


def _drop_markers(sents: list[Sentence]) -> list[Sentence]:
    out = []
    for s in sents:
        keep = [i for i, t in enumerate(s.tokens) if t != "$#$"]
        if keep:
            out.append(Sentence(tuple(s.tokens[i] for i in keep), tuple(s.tags[i] for i in keep)))
    return out


def build_clusters(news: Path, seed: int, ks: tuple[int, ...] = (64, 512)) -> Clusters:
    lines = list(sentences_of_keys(news_texts(news)))
    return train_clusters(lines, seed=seed, ks=ks)


def train_crf(
    feat: Featurizer,
    data: Sequence[Sentence],
    model_path: Path,
    *,
    c1: float,
    c2: float,
    iterations: int,
    bilou: bool = False,
) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for s in data:
        trainer.append(feat.sentence(s.tokens), list(to_bilou(s.tags) if bilou else s.tags))
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iterations,
            "feature.possible_transitions": True,
            "feature.minfreq": 1,
        }
    )
    trainer.train(str(model_path))


def eval_crf(feat: Featurizer, model_path: Path, data: Sequence[Sentence]) -> tuple[Scores, float]:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    feat._cache.clear()
    t0 = time.perf_counter()
    preds = [from_bilou(tagger.tag(feat.sentence(s.tokens))) for s in data]
    dt = time.perf_counter() - t0
    return score([s.tags for s in data], preds), dt


def figures(s: Scores, seconds: float | None = None) -> dict[str, Any]:
    d = s.to_dict()
    d["f1_per_loc_org"] = round(s.prf(["PER", "LOC", "ORG"])[2], 4)
    if seconds:
        d["sentences_per_s"] = round(s.sentences / seconds)
        d["tokens_per_s"] = round(s.tokens / seconds)
    return d


def write_meta(folder: Path, meta: dict[str, Any]) -> None:
    """A model folder's ``meta.json``."""
    (folder / "meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


def finish(report_path: Path | None, report: dict[str, Any], t_start: float) -> None:
    """Write the training report (if asked) and say how long training took."""
    if report_path:
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"done in {time.perf_counter() - t_start:.0f}s", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marsad.ner.train", description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True, help="model folder to write")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    ap.add_argument("--clusters", type=Path, help="reuse this clusters.tsv.gz (skip training)")
    ap.add_argument("--cluster-ks", default="64,512", help="k-means sizes, coarse to fine")
    ap.add_argument("--family", choices=("crf", "perceptron", "all"), default="crf")
    ap.add_argument("--c1", type=float, default=0.01)
    ap.add_argument("--c2", type=float, default=0.02)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--epochs", type=int, default=8, help="perceptron epochs")
    ap.add_argument("--aqmar-dev", type=int, default=4, help="AQMAR articles held out")
    ap.add_argument("--wojood", action="store_true", help="add the Wojood sample")
    ap.add_argument("--no-aqmar", action="store_true")
    ap.add_argument("--anercorp-weight", type=int, default=1, help="repeat ANERcorp train N times")
    ap.add_argument("--aqmar-misc", action="store_true", help="keep AQMAR's MISC tags")
    ap.add_argument("--bio", action="store_true", help="BIO tags instead of BILOU")
    ap.add_argument("--final", action="store_true", help="retrain on dev sets too")
    ap.add_argument("--report", type=Path, help="write the figures as JSON here")
    a = ap.parse_args(argv)

    t_start = time.perf_counter()
    corp = load_corpora(
        a.data,
        seed=a.seed,
        aqmar_dev=a.aqmar_dev,
        wojood=a.wojood,
        aqmar=not a.no_aqmar,
        aqmar_misc=a.aqmar_misc,
    )
    held_articles = [s.tokens[0] for s in corp.pop("aqmar_dev_articles", [])]
    train = corp["anercorp_train"] * a.anercorp_weight + corp["aqmar_train"] + corp["wojood"]
    print(
        f"train: {len(train)} sentences, {sum(len(s.tokens) for s in train)} tokens "
        f"(ANERcorp {len(corp['anercorp_train'])}, AQMAR {len(corp['aqmar_train'])}, "
        f"Wojood {len(corp['wojood'])}); AQMAR dev articles: {', '.join(held_articles)}",
        file=sys.stderr,
    )
    a.out.mkdir(parents=True, exist_ok=True)
    if a.clusters:
        clusters = Clusters.load(a.clusters)
    else:
        clusters = build_clusters(a.news, a.seed, tuple(int(k) for k in a.cluster_ks.split(",")))
    print(
        f"clusters: {len(clusters)} words ({time.perf_counter() - t_start:.0f}s)", file=sys.stderr
    )
    clusters.save(
        a.out / "clusters.tsv.gz",
        header="word clusters (coarse to fine) learned from JawharaFM news (ANT v1.1, Apache-2.0)",
    )
    feat = Featurizer(clusters)
    report: dict[str, Any] = {"seed": a.seed, "aqmar_dev_articles": held_articles}
    dev_sets = {"anercorp_dev": corp["anercorp_dev"], "aqmar_dev": corp["aqmar_dev"]}

    if a.family in ("perceptron", "all"):
        from marsad.ner.perceptron import Perceptron

        t0 = time.perf_counter()
        pm = Perceptron()
        pm.train([(feat.sentence(s.tokens), s.tags) for s in train], epochs=a.epochs, seed=a.seed)
        report["perceptron"] = {"train_s": round(time.perf_counter() - t0)}
        for name, ds in dev_sets.items():
            if not ds:
                continue
            feat._cache.clear()
            t1 = time.perf_counter()
            preds = [pm.tag(feat.sentence(s.tokens)) for s in ds]
            dt = time.perf_counter() - t1
            report["perceptron"][name] = figures(score([s.tags for s in ds], preds), dt)
            print(
                f"perceptron {name}:\n{score([s.tags for s in ds], preds).table()}", file=sys.stderr
            )

    if a.family in ("crf", "all"):
        model_path = a.out / "model.crfsuite"
        t0 = time.perf_counter()
        train_crf(
            feat, train, model_path, c1=a.c1, c2=a.c2, iterations=a.iterations, bilou=not a.bio
        )
        report["crf"] = {
            "train_s": round(time.perf_counter() - t0),
            "c1": a.c1,
            "c2": a.c2,
            "iterations": a.iterations,
        }
        for name, ds in dev_sets.items():
            if not ds:
                continue
            s, dt = eval_crf(feat, model_path, ds)
            report["crf"][name] = figures(s, dt)
            print(f"crf {name} ({dt:.2f}s):\n{s.table()}", file=sys.stderr)
        if a.final:
            aq_dev = corp["aqmar_dev"]
            if not a.aqmar_misc:
                aq_dev = [_drop_misc(x) for x in aq_dev]
            final = train + corp["anercorp_dev"] + aq_dev
            train_crf(
                feat,
                final,
                model_path,
                c1=a.c1,
                c2=a.c2,
                iterations=a.iterations,
                bilou=not a.bio,
            )
            report["crf"]["final_training_sentences"] = len(final)
        with (
            open(model_path, "rb") as src,
            gzip.GzipFile(a.out / "model.crfsuite.gz", "wb", mtime=0) as dst,
        ):
            dst.write(src.read())
        model_path.unlink()
        meta = {
            "version": MODEL_VERSION,
            "family": "crf",
            "labels": list(LABELS),
            "scheme": "BIO" if a.bio else "BILOU",
            "gazetteer": False,
            "seed": a.seed,
            "final": a.final,
            "corpora": [
                "ANERcorp train" + (" + dev" if a.final else ""),
                *(["AQMAR (MISC as O)" if not a.aqmar_misc else "AQMAR"] if not a.no_aqmar else []),
                *(["Wojood sample"] if a.wojood else []),
            ],
            "dev": {k: v for k, v in report["crf"].items() if k.endswith("_dev")},
        }
        write_meta(a.out, meta)
    finish(a.report, report, t_start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
