"""Reading and cleaning the NER corpora (CoNLL ``token TAG`` files) onto one tag set.

The model's tag set is BIO over ``PER``, ``LOC``, ``ORG`` and ``MISC`` (ANERcorp's types).
Cleaning, applied to every corpus:

* invisible marks (bidi, zero-width, tatweel-free BOM …) are removed from tokens; a token
  left empty is dropped (ANERcorp has lines that hold only a right-to-left mark);
* tags are repaired: ``PERS`` → ``PER``; AQMAR's per-article ``MIS0``/``MIS1``/``MIS-2``/
  ``MISS1`` … → ``MISC``; stray tags such as ``I--ORG`` → ``I-ORG``, ``IO``/``OO`` → ``O``;
  types outside the tag set (``B-SPANISH``) → ``O``;
* BIO is made consistent: an ``I-X`` that does not continue an ``X`` becomes ``B-X``.

Wojood (nested, several tags per token) is flattened: spans are read per type, mapped
(``PERS`` → PER, ``ORG`` → ORG, ``GPE``/``LOC``/``FAC`` → LOC, ``EVENT``/``PRODUCT``/
``CURR`` → MISC, other types dropped) and the longest non-overlapping ones are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The entity types of the model.
TYPES: tuple[str, ...] = ("PER", "LOC", "ORG", "MISC")
LABELS: tuple[str, ...] = ("O", *(f"{p}-{t}" for t in TYPES for p in "BI"))

_INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_TYPE_ALIASES = {
    "PER": "PER",
    "PERS": "PER",
    "PERSON": "PER",
    "LOC": "LOC",
    "GPE": "LOC",
    "ORG": "ORG",
    "MISC": "MISC",
}
_MISC_RE = re.compile(r"^MISS?-?\d*$")

#: Wojood types mapped onto the model's types (others are dropped).
WOJOOD_MAP: dict[str, str] = {
    "PERS": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "CURR": "MISC",
}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: tokens and their BIO tags (same length)."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]


def clean_token(token: str) -> str:
    """The token without invisible marks."""
    return _INVISIBLE_RE.sub("", token).strip()


def clean_tag(tag: str) -> str:
    """A raw tag mapped onto ``O``/``B-X``/``I-X`` with X in :data:`TYPES`."""
    tag = tag.strip().upper()
    m = re.match(r"^([BI])-+(.+)$", tag)
    if not m:
        return "O"
    prefix, typ = m.group(1), m.group(2).strip("-")
    t = _TYPE_ALIASES.get(typ)
    if t is None and _MISC_RE.match(typ):
        t = "MISC"
    if t is None:
        return "O"
    return f"{prefix}-{t}"


def repair_bio(tags: Sequence[str]) -> tuple[str, ...]:
    """``I-X`` not continuing an ``X`` becomes ``B-X``."""
    out: list[str] = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and prev[2:] != t[2:]:
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return tuple(out)


def conll_blocks(lines: Iterable[str]) -> Iterator[list[list[str]]]:
    block: list[list[str]] = []
    for line in lines:
        parts = line.split()
        if not parts:
            if block:
                yield block
            block = []
            continue
        if parts[0] == "-DOCSTART-":
            if block:
                yield block
            block = []
            continue
        block.append(parts)
    if block:
        yield block


def read_conll(path: str | Path, *, keep_empty: bool = False) -> list[Sentence]:
    """Sentences of a ``token TAG`` file (last column is the tag), cleaned.

    ``keep_empty=True`` keeps tokens left empty by cleaning (as ``""``), so that an
    evaluation can write one prediction per input line.
    """
    with open(path, encoding="utf-8") as fh:
        return parse_conll(fh, keep_empty=keep_empty)


def parse_conll(lines: Iterable[str], *, keep_empty: bool = False) -> list[Sentence]:
    out: list[Sentence] = []
    for block in conll_blocks(lines):
        toks: list[str] = []
        tags: list[str] = []
        for parts in block:
            tok = clean_token(parts[0])
            if not tok and not keep_empty:
                continue
            toks.append(tok)
            tags.append(clean_tag(parts[-1]) if len(parts) > 1 else "O")
        if toks:
            out.append(Sentence(tuple(toks), repair_bio(tags)))
    return out


def read_wojood(path: str | Path) -> list[Sentence]:
    """Sentences of a Wojood nested file, flattened onto the model's types."""
    with open(path, encoding="utf-8") as fh:
        return parse_wojood(fh)


def parse_wojood(lines: Iterable[str]) -> list[Sentence]:
    out: list[Sentence] = []
    for block in conll_blocks(lines):
        toks = [clean_token(p[0]) for p in block]
        spans: list[tuple[int, int, str]] = []
        raw_types = {t[2:] for p in block for t in p[1:] if t[:2] in ("B-", "I-")}
        for typ in raw_types:
            start: int | None = None
            for i, p in enumerate([*block, ["", "O"]]):
                tags = p[1:]
                if f"B-{typ}" in tags or (f"I-{typ}" in tags and start is None):
                    if start is not None:
                        spans.append((start, i, typ))
                    start = i
                elif f"I-{typ}" not in tags and start is not None:
                    spans.append((start, i, typ))
                    start = None
        mapped = [(s, e, WOJOOD_MAP[t]) for s, e, t in spans if t in WOJOOD_MAP]
        mapped.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
        tags_out = ["O"] * len(toks)
        for s, e, t in mapped:
            if all(x == "O" for x in tags_out[s:e]):
                tags_out[s] = f"B-{t}"
                for i in range(s + 1, e):
                    tags_out[i] = f"I-{t}"
        keep = [i for i, t in enumerate(toks) if t]
        if keep:
            out.append(
                Sentence(tuple(toks[i] for i in keep), repair_bio([tags_out[i] for i in keep]))
            )
    return out


def spans_of(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(start, end, type)`` token spans of a BIO sequence (conlleval rules: an ``I-X``
    after ``O`` or another type starts a new span)."""
    out: list[tuple[int, int, str]] = []
    start: int | None = None
    typ = ""
    for i, t in enumerate([*tags, "O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != typ):
            if start is not None:
                out.append((start, i, typ))
                start = None
            if t != "O":
                start, typ = i, t[2:]
    return out


def to_bilou(tags: Sequence[str]) -> tuple[str, ...]:
    """BIO → BILOU (``L-`` last token, ``U-`` single-token entity)."""
    out = list(tags)
    for s, e, t in spans_of(tags):
        if e - s == 1:
            out[s] = f"U-{t}"
        else:
            out[s] = f"B-{t}"
            for i in range(s + 1, e - 1):
                out[i] = f"I-{t}"
            out[e - 1] = f"L-{t}"
    return tuple(out)


def from_bilou(tags: Sequence[str]) -> tuple[str, ...]:
    """BILOU (or BIO) → BIO."""
    out: list[str] = []
    for t in tags:
        if t.startswith("U-"):
            t = "B-" + t[2:]
        elif t.startswith("L-"):
            t = "I-" + t[2:]
        out.append(t)
    return repair_bio(out)


def write_conll(sentences: Iterable[Sentence], path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for s in sentences:
            for tok, tag in zip(s.tokens, s.tags, strict=True):
                fh.write(f"{tok} {tag}\n")
            fh.write("\n")
