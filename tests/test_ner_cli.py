"""``marsad evaluate ner``: conlleval arithmetic on hand-made CoNLL files, JSON output,
``--predictions`` lines, ``--model`` and coded errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import marsad.ner.tagger as tagger_mod
from marsad.cli import main

# token, gold tag (as written in the file), tag the stub tagger predicts
SENTENCES: list[list[tuple[str, str, str]]] = [
    [  # PER boundary wrong, LOC right; PERS is PER
        ("محمد", "B-PERS", "B-PER"),
        ("علي", "I-PERS", "O"),
        ("زار", "O", "O"),
        ("القاهرة", "B-LOC", "B-LOC"),
    ],
    [  # ORG right, LOC predicted as ORG (a missed LOC and a spurious ORG)
        ("منظمة", "B-ORG", "B-ORG"),
        ("الصحة", "I-ORG", "I-ORG"),
        ("العالمية", "I-ORG", "I-ORG"),
        ("في", "O", "O"),
        ("جنيف", "B-LOC", "B-ORG"),
    ],
    [  # gold I- after O opens an entity (conlleval), matched by B- I-; a spurious MISC
        ("الأمم", "I-ORG", "B-ORG"),
        ("المتحدة", "I-ORG", "I-ORG"),
        ("و", "O", "O"),
        ("كأس", "O", "B-MISC"),
        ("العالم", "O", "I-MISC"),
    ],
    [  # B-LOC B-LOC is two entities; B-LOC I-LOC one: no match
        ("بغداد", "B-LOC", "B-LOC"),
        ("دمشق", "B-LOC", "I-LOC"),
    ],
]
PREDICT = {tok: pred for sent in SENTENCES for tok, _, pred in sent}

# By hand (conlleval): gold PER 1, LOC 4, ORG 2 = 7; predicted PER 1, LOC 2 (القاهرة,
# بغداد دمشق), ORG 3, MISC 1 = 7; correct LOC 1 (القاهرة), ORG 2 = 3.
EXPECTED = {
    "overall": (3 / 7, 3 / 7, 3 / 7, 7, 7, 3),
    "PER": (0.0, 0.0, 0.0, 1, 1, 0),
    "LOC": (1 / 2, 1 / 4, 2 * 0.5 * 0.25 / 0.75, 4, 2, 1),
    "ORG": (2 / 3, 1.0, 0.8, 2, 3, 2),
    "MISC": (0.0, 0.0, 0.0, 0, 1, 0),
}


class StubTagger:
    """Predicts the tag listed for each token (the model is not under test here)."""

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return [PREDICT[t] for t in tokens]

    def tag_batch(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        return [self.tag(s) for s in sentences]


@pytest.fixture
def conll(tmp_path: Path) -> Path:
    lines = ["-DOCSTART- O", ""]
    for n, sent in enumerate(SENTENCES):
        for i, (tok, gold, _) in enumerate(sent):
            # the tag is the last column; extra columns (POS) are allowed
            lines.append(f"{tok} NN {gold}" if n == 0 and i == 0 else f"{tok} {gold}")
        lines.append("")
    p = tmp_path / "hand.conll"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tagger_mod, "default_tagger", lambda: StubTagger())


def test_json_arithmetic(conll: Path, stub: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "ner", "--conll", str(conll), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["sentences"] == 4
    assert d["tokens"] == sum(len(s) for s in SENTENCES)
    for key, (p, r, f, gold, pred, ok) in EXPECTED.items():
        got = d["overall"] if key == "overall" else d["per_type"][key]
        assert got["precision"] == round(p, 4), key
        assert got["recall"] == round(r, 4), key
        assert got["f1"] == round(f, 4), key
        assert (got["gold"], got["predicted"], got["correct"]) == (gold, pred, ok), key
    assert d["overall"]["f1"] == 0.4286 and d["per_type"]["LOC"]["f1"] == 0.3333


def test_text_table(conll: Path, stub: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "ner", "--conll", str(conll)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:] if line.strip()}
    assert rows["overall"] == ["0.4286", "0.4286", "0.4286", "7", "7"]
    assert rows["ORG"] == ["0.6667", "1.0000", "0.8000", "2", "3"]
    assert rows["LOC"] == ["0.5000", "0.2500", "0.3333", "4", "2"]
    assert rows["PER"] == ["0.0000", "0.0000", "0.0000", "1", "1"]
    assert "4 sentences, 16 tokens" in out


def test_predictions_file(
    conll: Path, stub: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = tmp_path / "pred.txt"
    assert main(["evaluate", "ner", "--conll", str(conll), "--predictions", str(pred)]) == 0
    blocks = pred.read_text(encoding="utf-8").split("\n\n")
    blocks = [b for b in blocks if b.strip()]
    assert len(blocks) == len(SENTENCES)
    for block, sent in zip(blocks, SENTENCES, strict=True):
        lines = [line.split(" ") for line in block.strip("\n").split("\n")]
        assert [tok for tok, _, _ in lines] == [tok for tok, _, _ in sent]
        # gold tags cleaned (PERS → PER); gold I- after O stays as conlleval reads it: B-
        want_gold = [g.replace("PERS", "PER") for _, g, _ in sent]
        if sent[0][1].startswith("I-"):
            want_gold[0] = "B-" + want_gold[0][2:]
        assert [g for _, g, _ in lines] == want_gold
        assert [p for _, _, p in lines] == [p for _, _, p in sent]


def test_shipped_model_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The real model tags the file; the figures agree with its own predictions file."""
    from marsad._data import data_path
    from marsad.ner.evaluate import Scores
    from marsad.ner.tagger import DEFAULT_MODEL

    p = tmp_path / "t.conll"
    p.write_text(
        "التقى O\nالرئيس O\nالمصري O\nعبد B-PERS\nالفتاح I-PERS\nالسيسي I-PERS\n"
        "في O\nالقاهرة B-LOC\n\nقالت O\nوزارة B-ORG\nالخارجية I-ORG\nالأردنية I-ORG\n",
        encoding="utf-8",
    )
    pred = tmp_path / "p.txt"
    assert main(["evaluate", "ner", "--conll", str(p), "--json", "--predictions", str(pred)]) == 0
    d = json.loads(capsys.readouterr().out)
    sents = [
        [line.split() for line in b.splitlines()]
        for b in pred.read_text(encoding="utf-8").split("\n\n")
        if b.strip()
    ]
    s = Scores()
    for sent in sents:
        assert all(t[2] == "O" or t[2][:2] in ("B-", "I-") for t in sent)
        s.add([t[1] for t in sent], [t[2] for t in sent])
    assert s.to_dict()["overall"] == d["overall"]
    assert d["overall"]["gold"] == 3
    # --model with the shipped folder gives the same figures
    model = str(data_path(DEFAULT_MODEL))
    assert main(["evaluate", "ner", "--conll", str(p), "--json", "--model", model]) == 0
    assert json.loads(capsys.readouterr().out)["overall"] == d["overall"]


def test_errors(conll: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["evaluate", "ner", "--conll", str(tmp_path / "none.conll")]) == 1
    assert "E001" in capsys.readouterr().err
    assert main(["evaluate", "ner", "--conll", str(conll), "--model", str(tmp_path)]) == 1
    assert "E001" in capsys.readouterr().err
    out = str(tmp_path / "no" / "dir" / "p.txt")
    assert main(["evaluate", "ner", "--conll", str(conll), "--predictions", out]) == 1
    assert "E011" in capsys.readouterr().err
    latin = tmp_path / "latin1.conll"
    latin.write_bytes("caf\xe9 O\n".encode("latin-1"))
    assert main(["evaluate", "ner", "--conll", str(latin)]) == 1
    assert "E002" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["evaluate", "ner"])  # --conll is required: a usage error
    assert exc.value.code == 2
