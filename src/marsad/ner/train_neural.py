"""Train the neural NER tagger (char-CNN + BiLSTM + CRF) with PyTorch; write numpy arrays.

    python -m marsad.ner.train_neural --seed 0 --final --ensemble 3 --epochs 10 --swa-start 3 \
        --out src/marsad/data/models/ner-bilstm-v1 --dev-out out/ner-bilstm-dev

Needs ``../shared`` and the ``train`` extra (torch, gensim, numpy); the shipped model runs
with numpy only (:mod:`marsad.ner.neural`). Steps:

1. corpora as for the CRF (:func:`marsad.ner.train.load_corpora`): ANERcorp train and 18
   AQMAR articles (MISC as O) to train, ANERcorp dev and 4 held-out AQMAR articles to
   choose the epoch and report;
2. word2vec (skip-gram) on JawharaFM news and the training sentences (dev text left out);
3. training with Adam, word dropout, weight averaging from ``--swa-start`` and the epoch
   count chosen on ANERcorp dev, for each of ``--ensemble`` networks (seeds seed, seed+1 …);
   every evaluation runs the exported numpy tagger, so the figures are those of the shipped
   code;
4. with ``--final``, each network trained again on everything (dev sets included) for its
   chosen number of epochs (``--dev-out`` keeps the dev-run model).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from marsad.ner.clusters import Clusters, news_texts, sentences_of_keys
from marsad.ner.corpus import TYPES, Sentence, to_bilou
from marsad.ner.evaluate import score
from marsad.ner.neural import FEATURES, PAD, UNK, Encoder, NeuralTagger, kb_gazetteer
from marsad.ner.train import (
    DEFAULT_DATA,
    DEFAULT_NEWS,
    _drop_misc,
    figures,
    finish,
    load_corpora,
    write_meta,
)

MODEL_VERSION = "ner-bilstm-v1"
BILOU_LABELS: tuple[str, ...] = ("O", *(f"{p}-{t}" for t in TYPES for p in "BILU"))
_CRF_CLUSTERS = Path(__file__).resolve().parents[1] / "data/models/ner-crf-v1/clusters.tsv.gz"

FEAT_DIMS = {"kind": 4, "procl": 8, "artenc": 4, "c1": 8, "c2": 16, "fq": 4, "gaz": 8}


def allowed(prev: str, nxt: str) -> bool:
    """Whether BILOU label ``nxt`` may follow ``prev`` (``O`` stands for the sentence edge)."""
    p_in = prev[:1] in ("B", "I")
    n_in = nxt[:1] in ("I", "L")
    if p_in:
        return n_in and prev[2:] == nxt[2:]
    return not n_in


def constraint_arrays(labels: Sequence[str]) -> tuple[Any, Any, Any]:
    """Additive masks (0 or -10000) for transitions, starts and ends."""
    import numpy as np

    n = len(labels)
    trans = np.zeros((n, n), np.float32)
    start = np.zeros(n, np.float32)
    end = np.zeros(n, np.float32)
    for i, a in enumerate(labels):
        if not allowed("O", a):
            start[i] = -1e4
        if a[:1] in ("B", "I"):
            end[i] = -1e4
        for j, b in enumerate(labels):
            if not allowed(a, b):
                trans[i, j] = -1e4
    return trans, start, end


def _stable_hash(s: str) -> int:
    """gensim seeds each word vector with a hash of the word: Python's ``hash`` of a string
    changes from process to process, this one does not (reproducible embeddings)."""
    return zlib.crc32(s.encode("utf-8"))


def train_embeddings(lines: list[list[str]], *, dim: int, seed: int, epochs: int) -> Any:
    """Skip-gram word2vec vectors of the word keys (one worker: deterministic)."""
    from gensim.models import Word2Vec

    return Word2Vec(
        sentences=lines,
        vector_size=dim,
        window=5,
        min_count=2,
        sg=1,
        negative=10,
        epochs=epochs,
        workers=1,  # deterministic
        seed=seed,
        hashfxn=_stable_hash,
    )


def build_model(
    n_words: int,
    n_chars: int,
    feat_sizes: dict[str, int],
    n_labels: int,
    *,
    word_dim: int,
    char_dim: int,
    char_filters: int,
    hidden: int,
    dropout: float,
) -> Any:
    import torch
    from torch import nn

    class Net(nn.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding(n_words, word_dim, padding_idx=PAD)
            self.char = nn.Embedding(n_chars, char_dim, padding_idx=PAD)
            self.conv = nn.Conv1d(char_dim, char_filters, 3, padding=1)
            self.feats = nn.ModuleList(
                nn.Embedding(feat_sizes[f], FEAT_DIMS[f], padding_idx=PAD) for f in FEATURES
            )
            d_in = 2 * word_dim + char_filters + sum(FEAT_DIMS.values())
            self.drop = nn.Dropout(dropout)
            self.lstm = nn.LSTM(d_in, hidden, batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hidden, n_labels)
            self.trans = nn.Parameter(torch.zeros(n_labels, n_labels))
            self.start = nn.Parameter(torch.zeros(n_labels))
            self.end = nn.Parameter(torch.zeros(n_labels))
            self.register_buffer("mask_trans", torch.zeros(n_labels, n_labels))
            self.register_buffer("mask_start", torch.zeros(n_labels))
            self.register_buffer("mask_end", torch.zeros(n_labels))

        def emissions(self, batch: dict[str, Any]) -> Any:
            b, t = batch["word"].shape
            ch = batch["chars"]  # (B, T, W)
            w = ch.shape[2]
            ce = self.char(ch.view(b * t, w)).transpose(1, 2)  # (BT, C, W)
            conv = self.conv(ce)  # (BT, F, W)
            cmask = (ch.view(b * t, w) == PAD).unsqueeze(1)
            conv = conv.masked_fill(cmask, -1e4).max(dim=2).values
            conv = conv.masked_fill(conv < -1e3, 0.0).view(b, t, -1)
            parts = [self.word(batch["word"]), self.word(batch["host"]), conv]
            parts += [emb(batch["feats"][:, :, i]) for i, emb in enumerate(self.feats)]
            x = self.drop(torch.cat(parts, dim=2))
            packed = nn.utils.rnn.pack_padded_sequence(
                x, batch["lengths"], batch_first=True, enforce_sorted=False
            )
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=t)
            return self.out(self.drop(h))

        def loss(self, batch: dict[str, Any]) -> Any:
            em = self.emissions(batch)
            mask = batch["mask"]  # (B, T) bool
            tags = batch["tags"]
            trans = self.trans + self.mask_trans
            start = self.start + self.mask_start
            end = self.end + self.mask_end
            b, t, _ = em.shape
            # gold path score
            ar = torch.arange(b)
            gold = start[tags[:, 0]] + em[ar, 0, tags[:, 0]]
            for i in range(1, t):
                step = trans[tags[:, i - 1], tags[:, i]] + em[ar, i, tags[:, i]]
                gold = gold + step * mask[:, i]
            last = tags[ar, batch["lengths"] - 1]
            gold = gold + end[last]
            # partition
            alpha = start.unsqueeze(0) + em[:, 0]
            for i in range(1, t):
                nxt = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + em[:, i]
                alpha = torch.where(mask[:, i].unsqueeze(1), nxt, alpha)
            z = torch.logsumexp(alpha + end.unsqueeze(0), dim=1)
            return (z - gold).sum() / b

    return Net()


def make_batch(
    codes: list[list[Any]], tags: list[list[int]] | None, word_drop: float, rng: random.Random
) -> dict[str, Any]:
    import torch

    b = len(codes)
    t = max(len(c) for c in codes)
    w = max(len(x.chars) for c in codes for x in c)
    word = torch.zeros(b, t, dtype=torch.long)
    host = torch.zeros(b, t, dtype=torch.long)
    chars = torch.zeros(b, t, w, dtype=torch.long)
    feats = torch.zeros(b, t, len(FEATURES), dtype=torch.long)
    mask = torch.zeros(b, t, dtype=torch.bool)
    tag = torch.zeros(b, t, dtype=torch.long)
    for i, sent in enumerate(codes):
        for j, x in enumerate(sent):
            wi, hi = x.word, x.host
            if word_drop and rng.random() < word_drop:
                wi = hi = UNK
            word[i, j] = wi
            host[i, j] = hi
            chars[i, j, : len(x.chars)] = torch.tensor(x.chars)
            feats[i, j] = torch.tensor(x.feats)
            mask[i, j] = True
        if tags is not None:
            tag[i, : len(tags[i])] = torch.tensor(tags[i])
    lengths = torch.tensor([len(c) for c in codes])
    return {
        "word": word,
        "host": host,
        "chars": chars,
        "feats": feats,
        "mask": mask,
        "tags": tag,
        "lengths": lengths,
    }


def export(net: Any, hidden: int) -> dict[str, Any]:
    """The network's weights as numpy arrays, in the layout of :class:`NeuralTagger`."""
    import numpy as np

    sd = {k: v.detach().cpu().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    h = hidden

    def reorder(m: Any) -> Any:  # torch gates i, f, g, o → i, f, o, g
        return np.concatenate([m[:h], m[h : 2 * h], m[3 * h :], m[2 * h : 3 * h]], axis=0)

    out = {
        "word_emb": sd["word.weight"],
        "char_emb": sd["char.weight"],
        "char_conv_w": sd["conv.weight"],
        "char_conv_b": sd["conv.bias"],
        "out_w": sd["out.weight"],
        "out_b": sd["out.bias"],
        "crf_trans": sd["trans"] + sd["mask_trans"],
        "crf_start": sd["start"] + sd["mask_start"],
        "crf_end": sd["end"] + sd["mask_end"],
    }
    for i, f in enumerate(FEATURES):
        out[f"feat_{f}"] = sd[f"feats.{i}.weight"]
    for d, suffix in (("f", ""), ("b", "_reverse")):
        out[f"lstm_{d}_wih"] = reorder(sd[f"lstm.weight_ih_l0{suffix}"])
        out[f"lstm_{d}_whh"] = reorder(sd[f"lstm.weight_hh_l0{suffix}"])
        out[f"lstm_{d}_b"] = reorder(
            sd[f"lstm.bias_ih_l0{suffix}"] + sd[f"lstm.bias_hh_l0{suffix}"]
        )
    return out


def evaluate(tagger: NeuralTagger, data: Sequence[Sentence]) -> tuple[Any, float]:
    tagger._cache.clear()
    t0 = time.perf_counter()
    preds: list[list[str]] = []
    for i in range(0, len(data), 64):
        preds.extend(tagger.tag_batch([s.tokens for s in data[i : i + 64]]))
    return score([s.tags for s in data], preds), time.perf_counter() - t0


def pseudo_corpus(teacher: Path, news: Path, n: int, seed: int) -> list[Sentence]:
    """``n`` sentences of the news corpus (split by :func:`marsad.segment.sentences`; 6 to
    60 tokens, drawn with ``seed``) tagged by
    the model in folder ``teacher`` (self-training: the student learns the teacher's
    labels on text it was not trained on)."""
    from marsad.ner.tagger import open_model
    from marsad.segment import raw_tokens, sentences

    sents: list[tuple[str, ...]] = []
    for text in news_texts(news):
        for sent in sentences(text):
            toks = tuple(text[s:e] for s, e, _ in raw_tokens(text, sent.start, sent.end))
            if 6 <= len(toks) <= 60:
                sents.append(toks)
    picked = random.Random(seed).sample(sents, min(n, len(sents)))
    tagger = open_model(teacher)
    out: list[Sentence] = []
    for i in range(0, len(picked), 128):
        chunk = picked[i : i + 128]
        for toks, tags in zip(chunk, tagger.tag_batch(chunk), strict=True):
            out.append(Sentence(toks, tuple(tags)))
    return out


def quantize_rows(v: Any) -> tuple[Any, Any]:
    """int8 values and a float32 scale per row (``v ≈ q * scale[:, None]``)."""
    import numpy as np

    scale = np.abs(v).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(v / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


def write_model(
    out: Path,
    members: Sequence[dict[str, Any]],
    vocab: dict[str, Any],
    clusters: Clusters,
    meta: dict[str, Any],
) -> None:
    """A model folder: ``model.npz`` (member k's arrays as ``mK.name``; word vectors as
    int8 with a scale per row), ``vocab.json.gz``, ``clusters.tsv.gz`` and ``meta.json``."""
    import numpy as np

    out.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = {}
    for k, w in enumerate(members):
        for name, v in w.items():
            if name == "word_emb":
                q, scale = quantize_rows(v)
                arrays[f"m{k}.word_emb_q"] = q
                arrays[f"m{k}.word_emb_scale"] = scale
            else:
                arrays[f"m{k}.{name}"] = v
    with open(out / "model.npz", "wb") as fh:
        np.savez_compressed(fh, **arrays)
    with gzip.GzipFile(out / "vocab.json.gz", "wb", mtime=0) as gz:
        gz.write(json.dumps(vocab, ensure_ascii=False).encode("utf-8"))
    clusters.save(
        out / "clusters.tsv.gz",
        header="word clusters (coarse to fine) learned from JawharaFM news (ANT v1.1, Apache-2.0)",
    )
    write_meta(out, meta)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m marsad.ner.train_neural", description=__doc__)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    ap.add_argument("--clusters", type=Path, default=_CRF_CLUSTERS)
    ap.add_argument("--embeddings", type=Path, help="reuse word vectors (gensim KeyedVectors)")
    ap.add_argument("--save-embeddings", type=Path)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--w2v-epochs", type=int, default=10)
    ap.add_argument("--word-dim", type=int, default=100)
    ap.add_argument("--hidden", type=int, default=100)
    ap.add_argument("--char-dim", type=int, default=32)
    ap.add_argument("--char-filters", type=int, default=50)
    ap.add_argument("--dropout", type=float, default=0.5)
    ap.add_argument("--word-drop", type=float, default=0.1)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--max-vocab", type=int, default=60000)
    ap.add_argument("--no-gazetteer", action="store_true")
    ap.add_argument("--freeze-emb", action="store_true", help="keep the word2vec vectors fixed")
    ap.add_argument("--aqmar-dev", type=int, default=4)
    ap.add_argument("--final", action="store_true", help="retrain on dev sets too")
    ap.add_argument(
        "--swa-start", type=int, default=3, help="average the weights from this epoch on"
    )
    ap.add_argument("--wojood", action="store_true", help="add the Wojood sample (types mapped)")
    ap.add_argument("--pseudo", type=int, default=0, help="news sentences labelled by a teacher")
    ap.add_argument("--teacher", type=Path, help="the model that labels them (dev run)")
    ap.add_argument("--final-teacher", type=Path, help="the teacher for the --final run")
    ap.add_argument("--dev-out", type=Path, help="also write the dev-run model (before --final)")
    ap.add_argument("--ensemble", type=int, default=3, help="networks (seeds seed, seed+1 …)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--report", type=Path)
    a = ap.parse_args(argv)

    import numpy as np
    import torch

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    t_start = time.perf_counter()
    corp = load_corpora(a.data, seed=a.seed, aqmar_dev=a.aqmar_dev, wojood=a.wojood, aqmar=True)
    held = [s.tokens[0] for s in corp.pop("aqmar_dev_articles", [])]
    train = corp["anercorp_train"] + corp["aqmar_train"] + corp["wojood"]
    gold_train = list(train)
    if a.pseudo and a.teacher:
        train = train + pseudo_corpus(a.teacher, a.news, a.pseudo, a.seed)
    dev_sets = {"anercorp_dev": corp["anercorp_dev"], "aqmar_dev": corp["aqmar_dev"]}
    clusters = Clusters.load(a.clusters)
    n_clusters = (
        max(c[0] for c in clusters.table.values()) + 1,
        max(c[-1] for c in clusters.table.values()) + 1,
    )
    gaz = None if a.no_gazetteer else kb_gazetteer()
    probe = Encoder({}, {}, {}, clusters, n_clusters, gazetteer=gaz)

    # word vectors
    if a.embeddings:
        from gensim.models import KeyedVectors

        kv = KeyedVectors.load(str(a.embeddings))
    else:
        lines = list(sentences_of_keys(news_texts(a.news)))
        lines += [[probe.key(t) for t in s.tokens] for s in gold_train]
        kv = train_embeddings(lines, dim=a.word_dim, seed=a.seed, epochs=a.w2v_epochs).wv
        if a.save_embeddings:
            kv.save(str(a.save_embeddings))
    print(
        f"embeddings: {len(kv.index_to_key)} words ({time.perf_counter() - t_start:.0f}s)",
        file=sys.stderr,
    )

    # vocabularies (from training data and the embeddings only)
    wc: Counter[str] = Counter()
    cc: Counter[str] = Counter()
    pc: Counter[str] = Counter()
    for s in gold_train:
        for tok in s.tokens:
            key, host, procl, _ = probe.analyse(tok)
            wc[key] += 1
            wc[host] += 1
            cc.update(host)
            pc[procl] += 1
    words = ["<pad>", "<unk>"]
    seen = set(words)
    for w in kv.index_to_key[: a.max_vocab]:
        if w not in seen:
            words.append(w)
            seen.add(w)
    for w, n in wc.most_common():
        if n >= 2 and w not in seen:
            words.append(w)
            seen.add(w)
    chars = ["<pad>", "<unk>", *sorted(c for c, n in cc.items() if n >= 3)]
    procls = ["<pad>", "<unk>", *sorted(p for p, n in pc.items() if n >= 3)]
    enc = Encoder(
        {w: i for i, w in enumerate(words)},
        {c: i for i, c in enumerate(chars)},
        {c: i for i, c in enumerate(procls)},
        clusters,
        n_clusters,
        gazetteer=gaz,
    )
    emb = np.random.default_rng(a.seed).normal(0, 0.1, (len(words), a.word_dim)).astype(np.float32)
    emb[PAD] = 0
    hits = 0
    for i, w in enumerate(words):
        if w in kv.key_to_index:
            v = kv[w]
            emb[i] = v / (np.linalg.norm(v) + 1e-6)
            hits += 1
    print(
        f"vocab: {len(words)} words ({hits} pre-trained), {len(chars)} letters, "
        f"{len(procls)} proclitic strings",
        file=sys.stderr,
    )
    label_ix = {t: i for i, t in enumerate(BILOU_LABELS)}

    def encode(data: Sequence[Sentence]) -> tuple[list[list[Any]], list[list[int]]]:
        codes = [[enc.encode(t) for t in s.tokens] for s in data]
        tags = [[label_ix[t] for t in to_bilou(s.tags)] for s in data]
        return codes, tags

    mt, ms, me = constraint_arrays(BILOU_LABELS)
    settings = {
        "word_dim": a.word_dim,
        "char_dim": a.char_dim,
        "char_filters": a.char_filters,
        "hidden": a.hidden,
        "dropout": a.dropout,
    }

    def fit(
        data: Sequence[Sentence], epochs: int, dev: Mapping[str, Sequence[Sentence]], seed: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        torch.manual_seed(seed)
        r = random.Random(seed)
        net = build_model(len(words), len(chars), enc.sizes(), len(BILOU_LABELS), **settings)
        with torch.no_grad():
            net.word.weight.copy_(torch.from_numpy(emb))
            net.mask_trans.copy_(torch.from_numpy(mt))
            net.mask_start.copy_(torch.from_numpy(ms))
            net.mask_end.copy_(torch.from_numpy(me))
        if a.freeze_emb:
            net.word.weight.requires_grad_(False)
        opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=a.lr)
        codes, tags = encode(data)
        order = list(range(len(codes)))
        history: list[dict[str, Any]] = []
        best: tuple[float, dict[str, Any]] = (-1.0, {})
        swa: dict[str, Any] | None = None
        n_avg = 0
        for ep in range(1, epochs + 1):
            t0 = time.perf_counter()
            net.train()
            r.shuffle(order)
            # batches of similar lengths
            chunks = [order[i : i + a.batch * 20] for i in range(0, len(order), a.batch * 20)]
            total = 0.0
            for ch in chunks:
                ch = sorted(ch, key=lambda i: len(codes[i]))
                for i in range(0, len(ch), a.batch):
                    idx = ch[i : i + a.batch]
                    batch = make_batch(
                        [codes[j] for j in idx], [tags[j] for j in idx], a.word_drop, r
                    )
                    loss = net.loss(batch)
                    opt.zero_grad()
                    loss.backward()
                    torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
                    opt.step()
                    total += float(loss.detach())
            lr_now = a.lr / (1 + 0.05 * ep)
            for g in opt.param_groups:
                g["lr"] = lr_now
            net.eval()
            weights = export(net, a.hidden)
            if a.swa_start and ep >= a.swa_start:
                # stochastic weight averaging: the mean of the weights after each epoch
                # from swa_start on (the export is linear in the parameters)
                n_avg += 1
                if swa is None:
                    swa = {k: v.copy() for k, v in weights.items()}
                else:
                    for k, v in weights.items():
                        swa[k] += (v - swa[k]) / n_avg
                weights = {k: v.copy() for k, v in swa.items()}
            rec: dict[str, Any] = {
                "epoch": ep,
                "loss": round(total, 1),
                "train_s": round(time.perf_counter() - t0),
            }
            for name, ds in dev.items():
                if ds:
                    tagger = NeuralTagger(weights, BILOU_LABELS, enc)
                    s, _ = evaluate(tagger, ds)
                    rec[name] = round(s.prf()[2], 4)
                    rec[name + "_plo"] = round(s.prf(["PER", "LOC", "ORG"])[2], 4)
            history.append(rec)
            print(json.dumps(rec), file=sys.stderr, flush=True)
            key = rec.get("anercorp_dev", float(ep))
            if key >= best[0]:  # ties: the later epoch
                best = (key, weights)
        return best[1], history

    report: dict[str, Any] = {
        "seed": a.seed,
        "aqmar_dev_articles": held,
        "settings": settings
        | {
            "lr": a.lr,
            "batch": a.batch,
            "word_drop": a.word_drop,
            "swa_start": a.swa_start,
            "freeze_emb": a.freeze_emb,
        },
    }
    members: list[dict[str, Any]] = []
    report["members"] = []
    for k in range(a.ensemble):
        weights, hist = fit(train, a.epochs, dev_sets, a.seed + k)
        best_ep = max(hist, key=lambda r: (r.get("anercorp_dev", 0), r["epoch"]))["epoch"]
        members.append(weights)
        report["members"].append({"seed": a.seed + k, "history": hist, "best_epoch": best_ep})
    tagger = NeuralTagger(members, BILOU_LABELS, enc)
    dev_figs: dict[str, Any] = {}
    for name, ds in dev_sets.items():
        if ds:
            s, dt = evaluate(tagger, ds)
            dev_figs[name] = figures(s, dt)
            print(f"{name} (ensemble of {a.ensemble}):\n{s.table()}", file=sys.stderr)
    report["dev"] = dev_figs
    dev_members = members
    corpora = ["ANERcorp train", "AQMAR (MISC as O)", *(["Wojood sample"] if a.wojood else [])]
    if a.final:
        final = gold_train + corp["anercorp_dev"] + [_drop_misc(x) for x in corp["aqmar_dev"]]
        if a.pseudo and (a.final_teacher or a.teacher):
            final += pseudo_corpus(a.final_teacher or a.teacher, a.news, a.pseudo, a.seed)
        members = [fit(final, m["best_epoch"], {}, m["seed"])[0] for m in report["members"]]
        report["final_training_sentences"] = len(final)

    meta = {
        "version": MODEL_VERSION,
        "family": "bilstm-crf",
        "labels": list(BILOU_LABELS),
        "scheme": "BILOU",
        "gazetteer": gaz is not None,
        "seed": a.seed,
        "members": [{"seed": m["seed"], "epochs": m["best_epoch"]} for m in report["members"]],
        "settings": report["settings"],
        "dev": dev_figs,
    }
    vocab = {
        "labels": BILOU_LABELS,
        "words": words,
        "chars": chars,
        "procl": procls,
        "n_clusters": n_clusters,
    }
    if a.dev_out:
        dev_meta = meta | {"final": False, "corpora": list(corpora)}
        write_model(a.dev_out, dev_members, vocab, clusters, dev_meta)
    if a.final:
        corpora[0] += " + dev"
    write_model(a.out, members, vocab, clusters, meta | {"final": a.final, "corpora": corpora})
    finish(a.report, report, t_start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
