"""A small neural NER tagger (char-CNN + BiLSTM + CRF) run with numpy.

Trained with PyTorch (:mod:`marsad.ner.train_neural`, training time only) and shipped as
plain arrays (``model.npz``) plus the vocabularies (``vocab.json.gz``): tagging needs numpy
only. Each token becomes a vector made of

* word embeddings of its folded form and of its host (the word without proclitics:
  ``والقاهرة`` → ``القاهرة``), pre-trained with word2vec on JawharaFM news;
* a character CNN over its letters (max-pooled);
* small embeddings of discrete features: script/shape, the proclitic string, article and
  enclitic flags, the word clusters of :mod:`marsad.ner.clusters`, a frequency bucket and
  knowledge-base gazetteer flags (which KB types have a name containing the word).

A bidirectional LSTM reads the sentence, a linear layer scores BILOU labels and a CRF
(Viterbi) picks the best sequence. A word's input vector is the same wherever it occurs, so
its projection onto the LSTM gates is computed once and cached (least recently used out).
"""

from __future__ import annotations

import functools
import gzip
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from marsad.ner.clusters import Clusters
from marsad.ner.features import fold_key, is_number, split_clitics, word_kind
from marsad.segment import Segmenter, default_lexicon

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

#: Index 0 of every vocabulary is padding, 1 is "unknown".
PAD, UNK = 0, 1
#: Letters of a word the character CNN reads (the first and last halves of longer words).
MAX_WORD_CHARS = 24
#: Sentences run through the network together (longest first).
MAX_BATCH = 256
#: Bytes of gate projections kept per tagger (words least recently used go first): 8H
#: floats per word and network, about 3 KB a word for one network of H = 100.
WORD_CACHE_BYTES = 96 * 2**20
#: Words whose inputs are computed together (bounds the memory of one step).
INPUT_CHUNK = 1024

KINDS = ("num", "ar", "lat", "latcap", "punct", "other")
#: The discrete features, in the order of ``WordCode.feats`` and of the model's tables.
FEATURES = ("kind", "procl", "artenc", "c1", "c2", "fq", "gaz")
#: KB gazetteer flag per KB type (a bit mask: a word can be in several names).
GAZ_BITS = {"PERSON": 1, "GPE": 2, "LOC": 2, "FAC": 2, "ORG": 4, "city": 8, "other": 16}
GAZ_SIZE = 32


Gazetteer = Callable[[str], int]


class WordCode:
    """The inputs of one word: word and host ids, letter ids and discrete feature ids."""

    __slots__ = ("chars", "feats", "host", "word")

    def __init__(self, word: int, host: int, chars: tuple[int, ...], feats: tuple[int, ...]):
        self.word = word
        self.host = host
        self.chars = chars
        self.feats = feats


class Encoder:
    """Turns token strings into :class:`WordCode` (the same for training and tagging).

    ``vocab`` maps word keys to embedding rows, ``chars`` letters to rows, ``procl``
    proclitic strings to rows; clusters and the gazetteer are looked up as in the CRF."""

    def __init__(
        self,
        vocab: dict[str, int],
        chars: dict[str, int],
        procl: dict[str, int],
        clusters: Clusters,
        n_clusters: tuple[int, int],
        gazetteer: Gazetteer | None = None,
        segmenter: Segmenter | None = None,
    ) -> None:
        self.vocab = vocab
        self.chars = chars
        self.procl = procl
        self.clusters = clusters
        self.n_clusters = n_clusters
        self.gazetteer = gazetteer
        # a private copy of the shipped lexicon (other components add names to the shared one)
        self.segmenter = segmenter or Segmenter(default_lexicon.__wrapped__())

    def sizes(self) -> dict[str, int]:
        """Rows of each discrete feature table."""
        return {
            "kind": len(KINDS) + 2,
            "procl": len(self.procl),
            "artenc": 4 + 2,
            "c1": self.n_clusters[0] + 3,
            "c2": self.n_clusters[1] + 3,
            "fq": 8 + 2,
            "gaz": GAZ_SIZE + 2,
        }

    @staticmethod
    def key(token: str) -> str:
        """The folded key of a token (numbers become ``0``)."""
        key = fold_key(token)
        return "0" if is_number(key) else key

    def analyse(self, token: str) -> tuple[str, str, str, int]:
        """``(key, host, proclitics, article/enclitic flags)`` of one token."""
        key = self.key(token)
        host, procl, flags = key, "", 0
        if key != "0" and word_kind(key, token) == "ar":
            procl, host, article, enclitic, _ = split_clitics(self.segmenter, key)
            flags = int(article) | 2 * int(enclitic)
        return key, host, procl, flags

    def encode(self, token: str) -> WordCode:
        key, host, procl, flags = self.analyse(token)
        kind = "num" if key == "0" else word_kind(key, token)
        c = self.clusters.get(key) or self.clusters.get(host)
        if c is None:
            c1 = c2 = 2
        else:
            c1, c2 = c[0] + 3, c[-1] + 3
        freq = self.segmenter.lexicon.freq(host)
        gaz = self.gazetteer(host) if self.gazetteer is not None else 0
        feats = (
            KINDS.index(kind) + 2,
            self.procl.get(procl, UNK),
            flags + 2,
            c1 if c1 < self.n_clusters[0] + 3 else UNK,
            c2 if c2 < self.n_clusters[1] + 3 else UNK,
            min(freq.bit_length(), 14) // 2 + 2,
            (gaz % GAZ_SIZE) + 2,
        )
        letters = host if len(host) <= MAX_WORD_CHARS else host[:12] + host[-12:]
        chars = tuple(self.chars.get(ch, UNK) for ch in letters) or (UNK,)
        return WordCode(self.vocab.get(key, UNK), self.vocab.get(host, UNK), chars, feats)


def kb_gazetteer() -> Gazetteer:
    """Which KB types have a name containing a word (bit mask of :data:`GAZ_BITS`);
    given names count as PERSON."""
    from marsad._data import load_yaml
    from marsad.kb import default_kb, name_keys

    table: dict[str, int] = {}
    for e in default_kb():
        if e.type == "GPE" and e.kind == "city":
            bit = GAZ_BITS["city"]
        else:
            bit = GAZ_BITS.get(e.type, GAZ_BITS["other"])
        for name in e.names:
            for w in name_keys(name):
                if len(w) > 1 and any(ch.isalpha() for ch in w):
                    table[w] = table.get(w, 0) | bit
    for n in load_yaml("kb/given_names.yaml").get("names") or ():
        for w in name_keys(str(n)):
            table[w] = table.get(w, 0) | GAZ_BITS["PERSON"]
    return lambda host: table.get(host, 0)


class NeuralTagger:
    """The numpy tagger of a model folder (``model.npz``, ``vocab.json.gz``, ``meta.json``,
    ``clusters.tsv.gz``). ``tag`` and ``entities`` work like the CRF tagger's;
    ``entities_batch`` tags many sentences at once (faster)."""

    def __init__(
        self,
        weights: dict[str, NDArray[np.float32]] | Sequence[dict[str, NDArray[np.float32]]],
        labels: Sequence[str],
        encoder: Encoder,
        meta: dict[str, Any] | None = None,
    ) -> None:
        import numpy as np

        #: the networks of the ensemble (one dict of arrays each, the same shapes)
        self.members = [weights] if isinstance(weights, dict) else list(weights)
        self.labels: tuple[str, ...] = tuple(labels)
        self.encoder = encoder
        self.meta: dict[str, Any] = dict(meta or {})
        first = self.members[0]
        self.hidden = int(first["lstm_f_whh"].shape[1])
        # the ensemble's CRF: the members' label scores and transition scores are added
        self.w: dict[str, NDArray[np.float32]] = {
            k: np.sum([m[k] for m in self.members], axis=0).astype(np.float32)
            for k in ("crf_trans", "crf_start", "crf_end")
        }
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        row_bytes = 4 * 8 * self.hidden * len(self.members)
        self._cache_size = max(1024, WORD_CACHE_BYTES // row_bytes)
        self._whh_t: NDArray[np.float32] | None = None
        self._scale: NDArray[np.float32] | None = None

    @classmethod
    def load(cls, path: str | Path, gazetteer: Gazetteer | None = None) -> NeuralTagger:
        """The model in folder ``path``."""
        import numpy as np

        p = Path(str(path))
        meta: dict[str, Any] = json.loads((p / "meta.json").read_text(encoding="utf-8"))
        with gzip.open(p / "vocab.json.gz", "rt", encoding="utf-8") as fh:
            voc = json.load(fh)
        if meta.get("gazetteer") and gazetteer is None:
            gazetteer = kb_gazetteer()
        encoder = Encoder(
            {w: i for i, w in enumerate(voc["words"])},
            {c: i for i, c in enumerate(voc["chars"])},
            {c: i for i, c in enumerate(voc["procl"])},
            Clusters.load(p / "clusters.tsv.gz"),
            (int(voc["n_clusters"][0]), int(voc["n_clusters"][1])),
            gazetteer=gazetteer,
        )
        members: dict[int, dict[str, NDArray[np.float32]]] = {}
        with np.load(p / "model.npz") as z:
            for key in z.files:  # "m0.word_emb", "m1.word_emb" …
                m, _, name = key.partition(".")
                members.setdefault(int(m[1:]), {})[name] = z[key].astype(np.float32)
        for w in members.values():
            if "word_emb_q" in w:  # int8 rows with a scale each
                w["word_emb"] = w.pop("word_emb_q") * w.pop("word_emb_scale")[:, None]
        tagger = cls([members[k] for k in sorted(members)], voc["labels"], encoder, meta)
        tagger.path = p
        return tagger

    path: Path | None = None

    # -- inputs -----------------------------------------------------------------------
    def _inputs(
        self, w: dict[str, NDArray[np.float32]], codes: Sequence[WordCode]
    ) -> NDArray[np.float32]:
        """One network's input vectors of words, ``(n, D)``: word and host embeddings, the
        max-pooled character CNN and the feature embeddings."""
        import numpy as np

        n = len(codes)
        width = max(len(c.chars) for c in codes)
        chars = np.zeros((n, width + 2), np.intp)  # PAD on both sides (and after short words)
        for i, c in enumerate(codes):
            chars[i, 1 : 1 + len(c.chars)] = c.chars
        emb = w["char_emb"][chars]  # (n, W+2, C)
        conv_w = w["char_conv_w"]  # (F, C, K)
        k = conv_w.shape[2]
        windows = np.stack([emb[:, j : j + width] for j in range(k)], axis=3)  # (n, W, C, K)
        conv = np.tensordot(windows, conv_w, axes=([2, 3], [1, 2])) + w["char_conv_b"]
        lens = np.array([len(c.chars) for c in codes])
        conv[np.arange(width)[None, :] >= lens[:, None]] = -np.inf
        feats = np.array([c.feats for c in codes], np.intp)
        parts = [
            w["word_emb"][np.array([c.word for c in codes], np.intp)],
            w["word_emb"][np.array([c.host for c in codes], np.intp)],
            conv.max(axis=1),
            *(w[f"feat_{name}"][feats[:, j]] for j, name in enumerate(FEATURES)),
        ]
        out: NDArray[np.float32] = np.concatenate(parts, axis=1).astype(np.float32)
        return out

    def _gates(self, tokens: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        """Each word's input projected onto every network's LSTM gates, both directions:
        ``token → (M, 8H)``. Cached; the words not in the cache are computed together."""
        import numpy as np

        cache = self._cache
        found: dict[str, NDArray[np.float32]] = {}
        missing: list[str] = []
        for tok in tokens:
            if tok in found:
                continue
            hit = cache.get(tok)
            if hit is None:
                found[tok] = hit  # type: ignore[assignment]  # filled below
                missing.append(tok)
            else:
                cache.move_to_end(tok)
                found[tok] = hit
        for lo in range(0, len(missing), INPUT_CHUNK):
            chunk = missing[lo : lo + INPUT_CHUNK]
            codes = [self.encoder.encode(t) for t in chunk]
            rows = []
            for w in self.members:
                x = self._inputs(w, codes)
                rows.append(
                    np.concatenate(
                        [
                            x @ w["lstm_f_wih"].T + w["lstm_f_b"],
                            x @ w["lstm_b_wih"].T + w["lstm_b_b"],
                        ],
                        axis=1,
                    )
                )
            g = np.stack(rows, axis=1).astype(np.float32)  # (n, M, 8H)
            g *= self._gate_scale()
            for tok, row in zip(chunk, g, strict=True):
                found[tok] = row
                cache[tok] = row
        while len(cache) > self._cache_size:
            cache.popitem(last=False)
        return found

    # -- the network ------------------------------------------------------------------
    def _whh(self) -> NDArray[np.float32]:
        """The recurrent weights, transposed: ``(2M, H, 4H)``, forward directions first."""
        import numpy as np

        if self._whh_t is None:
            mats = [m["lstm_f_whh"].T for m in self.members]
            mats += [m["lstm_b_whh"].T for m in self.members]
            w = np.ascontiguousarray(np.stack(mats), dtype=np.float32)
            w *= self._gate_scale()[: 4 * self.hidden]
            self._whh_t = w
        return self._whh_t

    def _gate_scale(self) -> NDArray[np.float32]:
        """``(8H,)``: 0.5 on the sigmoid gates (i, f, o), 1 on the cell input (g), for both
        directions. With the pre-activations of i, f, o halved, one ``tanh`` serves all
        four gates: sigmoid(x) = (1 + tanh(x / 2)) / 2."""
        import numpy as np

        if self._scale is None:
            h = self.hidden
            one = np.concatenate([np.full(3 * h, 0.5, np.float32), np.ones(h, np.float32)])
            self._scale = np.concatenate([one, one])
        return self._scale

    def _scores(self, sentences: Sequence[Sequence[str]]) -> tuple[NDArray[np.float32], list[int]]:
        """Label scores ``(B, T, L)`` of sentences sorted by decreasing length (non-empty),
        and their lengths. Both LSTM directions run in one loop; at step ``t`` only the
        sentences longer than ``t`` are computed."""
        import numpy as np

        h_n = self.hidden
        h4 = 4 * h_n
        lens = [len(s) for s in sentences]
        b, t_max = len(sentences), max(lens)
        n_m = len(self.members)
        tokens = [tok for s in sentences for tok in s]
        gates = self._gates(tokens)
        xg = np.stack([gates[tok] for tok in tokens], axis=1)  # (M, N, 8H)
        row = np.concatenate([np.full(n, i) for i, n in enumerate(lens)])
        pos = np.concatenate([np.arange(n) for n in lens])
        rev = np.concatenate([np.arange(n - 1, -1, -1) for n in lens])
        first = np.cumsum([0, *lens])[:-1]  # each sentence's first token in ``xg``
        last = first + np.array(lens) - 1  # the backward networks read sentences reversed
        # per step, the rows of ``xg`` read by the forward and the backward networks
        ks = _running(lens, t_max)
        whh = self._whh()
        h = np.zeros((2 * n_m, b, h_n), np.float32)
        c = np.zeros((2 * n_m, b, h_n), np.float32)
        steps = []  # per step t: the states of the sentences longer than t
        xf = xg[..., :h4]
        xb = xg[..., h4:]
        for t in range(t_max):
            k = ks[t]
            g = np.matmul(h[:, :k], whh)
            g[:n_m] += xf[:, first[:k] + t]
            g[n_m:] += xb[:, last[:k] - t]
            np.tanh(g, out=g)
            sg = g[..., : 3 * h_n]  # i, f, o: sigmoid from tanh of the halved input
            sg += 1.0
            sg *= 0.5
            ck = sg[..., h_n : 2 * h_n] * c[:, :k]
            ck += sg[..., :h_n] * g[..., 3 * h_n :]
            hk = np.tanh(ck)
            hk *= sg[..., 2 * h_n :]
            # the sentences still running at the next step are the first ones (longest
            # first): the new states are read through views, not copied back
            c = ck
            h = hk
            steps.append(hk)
        # token (i, t) is row offset[t] + i of the stacked states; the backward direction
        # read sentence i reversed, so its state for token t is at step n_i - 1 - t
        flat = np.concatenate(steps, axis=1)  # (2M, Σk, H)
        offset = np.cumsum([0, *(st.shape[1] for st in steps)])[:-1]
        fwd_ix = offset[pos] + row
        bwd_ix = offset[rev] + row
        n_lab = len(self.labels)
        tok_scores = np.zeros((len(row), n_lab), np.float32)
        for m, w in enumerate(self.members):
            ow = w["out_w"]
            tok_scores += flat[m, fwd_ix] @ ow[:, :h_n].T
            tok_scores += flat[n_m + m, bwd_ix] @ ow[:, h_n:].T
            tok_scores += w["out_b"]
        scores = np.zeros((b, t_max, n_lab), np.float32)
        scores[row, pos] = tok_scores
        return scores, lens

    def _viterbi(self, em: NDArray[np.float32], lens: Sequence[int]) -> NDArray[np.intp]:
        """Best label ids ``(B, T)`` (sentences sorted by decreasing length)."""
        import numpy as np

        trans = self.w["crf_trans"]  # (from, to)
        b, t_max, _ = em.shape
        score = self.w["crf_start"] + em[:, 0]
        bp = np.zeros(em.shape, np.intp)
        ks = _running(lens, t_max)
        for t in range(1, t_max):
            k = ks[t]
            cand = score[:k, :, None] + trans
            bp[:k, t] = cand.argmax(axis=1)
            score[:k] = cand.max(axis=1) + em[:k, t]
        final = (score + self.w["crf_end"]).argmax(axis=1)
        best = np.zeros((b, t_max), np.intp)
        ar = np.arange(b)
        for t in range(t_max - 1, -1, -1):
            # the sentences of length t + 1 (longest first: rows ks[t + 1] to ks[t])
            ends = slice(ks[t + 1] if t + 1 < t_max else 0, ks[t])
            best[ends, t] = final[ends]
            if t:
                k = ks[t]
                best[:k, t - 1] = bp[ar[:k], t, best[:k, t]]
        return best

    def _marginals(self, em: NDArray[np.float32], lens: Sequence[int]) -> NDArray[np.float32]:
        """Posterior probability of each label at each token (forward-backward), ``(B, T, L)``."""
        import numpy as np

        trans = self.w["crf_trans"]
        b, t_max, _ = em.shape
        ks = _running(lens, t_max)
        alpha = np.zeros_like(em)
        beta = np.zeros_like(em)
        alpha[:, 0] = self.w["crf_start"] + em[:, 0]
        for t in range(1, t_max):
            k = ks[t]
            alpha[:k, t] = _logsumexp(alpha[:k, t - 1, :, None] + trans, axis=1) + em[:k, t]
        for i, n in enumerate(lens):
            beta[i, n - 1] = self.w["crf_end"]
        for t in range(t_max - 2, -1, -1):
            k = ks[t + 1]
            nxt = (em[:k, t + 1] + beta[:k, t + 1])[:, None, :]
            beta[:k, t] = _logsumexp(trans + nxt, axis=2)
        last = np.array([n - 1 for n in lens])
        ar = np.arange(b)
        z = _logsumexp(alpha[ar, last] + beta[ar, last], axis=1)
        out: NDArray[np.float32] = np.exp(alpha + beta - z[:, None, None])
        return out

    def _run(
        self, sentences: Sequence[Sequence[str]], marginals: bool
    ) -> list[tuple[list[int], list[float]]]:
        """Per sentence: the best label ids and (with ``marginals``) their probabilities."""
        from marsad.ner.corpus import clean_token

        cleaned = [[clean_token(t) or "_" for t in s] for s in sentences]
        out: list[tuple[list[int], list[float]]] = [([], []) for _ in sentences]
        order = sorted((i for i, s in enumerate(cleaned) if s), key=lambda i: -len(cleaned[i]))
        for lo in range(0, len(order), MAX_BATCH):
            part = order[lo : lo + MAX_BATCH]
            em, lens = self._scores([cleaned[i] for i in part])
            best = self._viterbi(em, lens)
            probs = self._marginals(em, lens) if marginals else None
            for r, i in enumerate(part):
                n = lens[r]
                path = [int(x) for x in best[r, :n]]
                p = [float(probs[r, j, path[j]]) for j in range(n)] if probs is not None else []
                out[i] = (path, p)
        return out

    # -- public -----------------------------------------------------------------------
    def raw_batch(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """The model's own labels (BILOU) per sentence."""
        return [[self.labels[j] for j in path] for path, _ in self._run(sentences, False)]

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """BIO tags (``B-PER``, ``I-LOC`` …) for one sentence of token strings."""
        return self.tag_batch([tokens])[0]

    def tag_batch(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags per sentence (many sentences at once are faster than one by one)."""
        from marsad.ner.corpus import from_bilou

        return [list(from_bilou(r)) for r in self.raw_batch(sentences)]

    def entities(self, tokens: Sequence[str]) -> list[tuple[int, int, str, float]]:
        """``(start token, end token, type, confidence)`` per recognised span."""
        return self.entities_batch([tokens])[0]

    def entities_batch(
        self, sentences: Sequence[Sequence[str]]
    ) -> list[list[tuple[int, int, str, float]]]:
        """``(start token, end token, type, confidence)`` per recognised span, per sentence;
        the confidence is the lowest posterior probability of the span's labels."""
        from marsad.ner.corpus import from_bilou, spans_of

        out: list[list[tuple[int, int, str, float]]] = []
        for path, probs in self._run(sentences, True):
            spans = spans_of(from_bilou([self.labels[j] for j in path]))
            out.append([(s, e, typ, round(min(probs[s:e]), 3)) for s, e, typ in spans])
        return out


def _running(lens: Sequence[int], t_max: int) -> list[int]:
    """For each step ``t < t_max``: how many of the sentences (lengths ``lens``, longest
    first) are longer than ``t``, i.e. still running."""
    ends = [0] * (t_max + 1)
    for n in lens:
        ends[n] += 1
    out = []
    running = len(lens)
    for t in range(t_max):
        running -= ends[t]
        out.append(running)
    return out


def _logsumexp(x: NDArray[np.float32], axis: int) -> NDArray[np.float32]:
    import numpy as np

    m = x.max(axis=axis, keepdims=True)
    out: NDArray[np.float32] = (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(
        axis
    )
    return out


def batches(items: Iterable[Sequence[str]], size: int) -> list[list[Sequence[str]]]:
    """Consecutive groups of ``size`` sentences."""
    out: list[list[Sequence[str]]] = [[]]
    for s in items:
        if len(out[-1]) >= size:
            out.append([])
        out[-1].append(s)
    return [b for b in out if b]


@functools.cache
def load_neural(path: str) -> NeuralTagger:
    """The neural model in folder ``path``, loaded once per process."""
    return NeuralTagger.load(path)
