"""The neural NER tagger: CRF decoding against brute force, the numpy network against the
PyTorch one it was exported from, training on a tiny corpus, and the shipped model."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from marsad.ner.clusters import Clusters
from marsad.ner.neural import FEATURES, Encoder, NeuralTagger, kb_gazetteer
from marsad.ner.tagger import DEFAULT_MODEL, default_tagger, open_model


def _crf_only(n_labels: int, seed: int) -> NeuralTagger:
    """A tagger whose CRF weights are random (the network is not used)."""
    rng = np.random.default_rng(seed)
    w = {
        "lstm_f_whh": np.zeros((4, 1), np.float32),
        "crf_trans": rng.normal(0, 1, (n_labels, n_labels)).astype(np.float32),
        "crf_start": rng.normal(0, 1, n_labels).astype(np.float32),
        "crf_end": rng.normal(0, 1, n_labels).astype(np.float32),
    }
    labels = [f"L{i}" for i in range(n_labels)]
    return NeuralTagger(w, labels, Encoder({}, {}, {}, Clusters(), (1, 1)))


def _path_score(t: NeuralTagger, em: Any, path: tuple[int, ...]) -> float:
    s = t.w["crf_start"][path[0]] + em[0, path[0]] + t.w["crf_end"][path[-1]]
    for i in range(1, len(path)):
        s += t.w["crf_trans"][path[i - 1], path[i]] + em[i, path[i]]
    return float(s)


@pytest.mark.parametrize("seed", range(5))
def test_viterbi_and_marginals_match_brute_force(seed: int) -> None:
    n_labels = 3
    t = _crf_only(n_labels, seed)
    rng = np.random.default_rng(100 + seed)
    lens = [5, 4, 4, 2, 1]  # decreasing, as the tagger sorts them
    em = np.zeros((len(lens), max(lens), n_labels), np.float32)
    for i, n in enumerate(lens):
        em[i, :n] = rng.normal(0, 2, (n, n_labels))
    best = t._viterbi(em, lens)
    marg = t._marginals(em, lens)
    for i, n in enumerate(lens):
        paths = list(itertools.product(range(n_labels), repeat=n))
        scores = np.array([_path_score(t, em[i], p) for p in paths])
        assert tuple(int(x) for x in best[i, :n]) == paths[int(scores.argmax())]
        probs = np.exp(scores - scores.max())
        probs /= probs.sum()
        for j in range(n):
            for lab in range(n_labels):
                expect = sum(p for p, path in zip(probs, paths, strict=True) if path[j] == lab)
                assert marg[i, j, lab] == pytest.approx(expect, abs=1e-4)


def test_encoder_strips_proclitics_and_flags_the_kb() -> None:
    gaz = kb_gazetteer()
    cairo = Encoder.key("القاهرة")  # folded: القاهره
    enc = Encoder(
        {cairo: 5},
        {"ق": 3},
        {"<pad>": 0, "<unk>": 1, "": 2, "و": 3},
        Clusters(),
        (4, 8),
        gazetteer=gaz,
    )
    key, host, procl, flags = enc.analyse("والقاهرة")
    assert (key, host, procl) == ("و" + cairo, cairo, "و")
    assert flags in (0, 1, 2, 3)  # article and enclitic bits
    code = enc.encode("والقاهرة")
    assert code.host == 5 and code.word == 1  # the host is known, the whole word is not
    assert code.feats[FEATURES.index("procl")] == 3
    assert code.feats[FEATURES.index("gaz")] > 2  # a KB name
    assert enc.encode("١٩٩٥").feats[0] == 2  # a number, in any digits
    assert Encoder.key("٢٠٢٤") == Encoder.key("2024") == "0"


# -- the exported network is the trained one ---------------------------------------------------
def test_numpy_network_matches_torch(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch", reason="training needs the train extra (torch)")
    from marsad.ner.train_neural import BILOU_LABELS, build_model, export, make_batch

    enc = Encoder(
        {"<pad>": 0, "<unk>": 1, "زار": 2, "بغداد": 3},
        {"<pad>": 0, "<unk>": 1, **{c: i + 2 for i, c in enumerate("زاربغدسمي")}},
        {"<pad>": 0, "<unk>": 1, "": 2, "و": 3},
        Clusters({"زار": (1, 5)}),
        (4, 8),
    )
    torch.manual_seed(0)
    net = build_model(
        4,
        11,
        enc.sizes(),
        len(BILOU_LABELS),
        word_dim=6,
        char_dim=5,
        char_filters=7,
        hidden=4,
        dropout=0.0,
    )
    with torch.no_grad():
        for p in net.parameters():
            p.uniform_(-0.5, 0.5)
        net.word.weight[0] = 0
        net.char.weight[0] = 0
    net.eval()
    sents = [["وزار", "سامي", "بغداد", "أمس", "."], ["زار", "بغداد"], ["x"]]
    codes = [[enc.encode(t) for t in s] for s in sents]
    import random

    batch = make_batch(codes, None, 0.0, random.Random(0))
    with torch.no_grad():
        em_torch = net.emissions(batch).numpy()
    tagger = NeuralTagger(export(net, 4), BILOU_LABELS, enc)
    em_np, lens = tagger._scores(sents)  # already longest first
    assert lens == [5, 2, 1]
    for i, n in enumerate(lens):
        np.testing.assert_allclose(em_np[i, :n], em_torch[i, :n], atol=1e-4)
    # an ensemble adds its members' scores: two copies of one network score twice as high
    w = export(net, 4)
    pair = NeuralTagger([w, w], BILOU_LABELS, enc)
    np.testing.assert_allclose(pair._scores(sents)[0], 2 * em_np, atol=1e-4)
    np.testing.assert_allclose(pair.w["crf_trans"], 2 * w["crf_trans"])


# -- training on a tiny corpus -----------------------------------------------------------------
def test_training_end_to_end(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="training needs the train extra (torch)")
    pytest.importorskip("gensim", reason="training needs the train extra (gensim)")
    from marsad.ner.train_neural import main
    from test_ner import _tiny_corpus

    data = tmp_path / "data"
    _tiny_corpus(data)
    out = tmp_path / "model"
    args = ["--seed", "0", "--data", str(data), "--news", str(data / "news"), "--aqmar-dev", "1"]
    args += ["--epochs", "12", "--word-dim", "16", "--hidden", "16", "--char-filters", "8"]
    args += ["--lr", "0.01", "--dropout", "0.1", "--word-drop", "0", "--threads", "1"]
    args += ["--ensemble", "2", "--swa-start", "8"]
    dev_out = tmp_path / "dev-model"
    run = [
        "--out",
        str(out),
        "--final",
        "--dev-out",
        str(dev_out),
        "--report",
        str(tmp_path / "r.json"),
    ]
    assert main([*args, *run]) == 0
    assert json.loads((dev_out / "meta.json").read_text("utf-8"))["final"] is False
    for name in ("model.npz", "vocab.json.gz", "clusters.tsv.gz", "meta.json"):
        assert (out / name).is_file()
    meta = json.loads((out / "meta.json").read_text("utf-8"))
    assert meta["family"] == "bilstm-crf" and meta["final"] is True
    rep = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert [len(m["history"]) for m in rep["members"]] == [12, 12]
    assert rep["dev"]["anercorp_dev"]["sentences"] == 2
    tagger = open_model(out)
    assert isinstance(tagger, NeuralTagger) and len(tagger.members) == 2
    tags = tagger.tag(["قال", "سامر", "الحداد", "في", "طرابلس", "."])
    assert tags[1:3] == ["B-PER", "I-PER"]
    assert tags[4] == "B-LOC"
    # self-training material: news sentences labelled by a teacher model
    from marsad.ner.train_neural import pseudo_corpus

    news = tmp_path / "news"
    news.mkdir()
    body = "قال سامر إن وفدا من حلب زار طرابلس أمس . وعاد كريم إلى صفاقس مع نادر ."
    (news / "n.txt").write_text(f"<DOC><TEXT>{body}</TEXT></DOC>", "utf-8")
    pseudo = pseudo_corpus(out, news, 3, seed=0)
    assert len(pseudo) == 2
    for s in pseudo:
        assert 6 <= len(s.tokens) <= 60 and len(s.tags) == len(s.tokens)
        assert list(s.tags) == tagger.tag(list(s.tokens))
    # the same seed and data give the same weights
    out2 = tmp_path / "model2"
    assert main([*args, "--out", str(out2), "--final"]) == 0
    with np.load(out / "model.npz") as a, np.load(out2 / "model.npz") as b:
        assert sorted(a.files) == sorted(b.files)
        for k in a.files:
            np.testing.assert_array_equal(a[k], b[k])


def test_word_vectors_are_stored_as_int8_rows_with_a_scale() -> None:
    from marsad.ner.train_neural import quantize_rows

    v = np.random.default_rng(0).normal(0, 0.3, (50, 16)).astype(np.float32)
    v[3] = 0.0
    q, scale = quantize_rows(v)
    assert q.dtype == np.int8 and scale.shape == (50,)
    back = q * scale[:, None]
    assert np.abs(back - v).max() <= scale.max() / 2 + 1e-7
    assert not back[3].any()


# -- the shipped model -------------------------------------------------------------------------
def test_the_shipped_model_is_the_neural_one() -> None:
    t = default_tagger()
    assert isinstance(t, NeuralTagger)
    assert DEFAULT_MODEL.endswith(t.meta["version"])


def test_batches_give_the_same_result_as_single_sentences() -> None:
    t = default_tagger()
    sents = [
        ["وقال", "وزير", "الخارجية", "الأردني", "أيمن", "الصفدي", "في", "عمان", "."],
        ["."],
        [],
        ["وأعلنت", "منظمة", "الصحة", "العالمية", "أن", "اللقاح", "آمن"],
        ["زار", "الرئيس", "التونسي", "قيس", "سعيد", "مدينة", "صفاقس", "أمس"],
    ]
    batch = t.entities_batch(sents)
    assert batch == [t.entities(s) for s in sents]
    assert batch[1] == batch[2] == []
    people = [(s, e) for s, e, typ, _ in batch[0] if typ == "PER"]
    assert (4, 6) in people
    assert any(typ == "LOC" and (s, e) == (7, 8) for s, e, typ, _ in batch[0])
    assert any(typ == "ORG" and s == 1 for s, _, typ, _ in batch[3])
    for spans in batch:
        for s, e, _, conf in spans:
            assert 0 <= s < e and 0.0 < conf <= 1.0


def test_unknown_words_and_odd_tokens_do_not_break_the_tagger() -> None:
    t = default_tagger()
    odd = ["ـــ", "\u200f", "🙂", "x" * 500, "٣٤٥", "https://example.com/a?b=c", "ﻻ", "َ"]
    tags = t.tag(odd)
    assert len(tags) == len(odd)
    assert all(tag == "O" or tag[:2] in ("B-", "I-") for tag in tags)
