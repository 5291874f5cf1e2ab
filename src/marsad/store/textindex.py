"""Normalised text for the full-text index, query translation, and shingles for near-duplicates.

SQLite's tokenizer splits words at harakat and knows nothing of clitics, so the index holds a
normalised view instead: for every token, its folded surface form (``وجّه`` → ``وجه``), its
host form without proclitic conjunctions/prepositions (``وطهران`` → ``طهران``) and its stem
(``الرئيس`` → ``رئيس``), one column each and at the same positions, so phrases still match.
Queries are normalised the same way.
"""

from __future__ import annotations

import functools
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass

from marsad.model import Document, Token
from marsad.normalize import normalize
from marsad.segment import Segmenter

_INDEXED_KINDS = frozenset({"word", "latin", "number"})
_WORD = re.compile(r"\w+(?:\*)?")
_PHRASE = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True, slots=True)
class IndexText:
    """The three index columns of one document (space-separated forms, aligned)."""

    surface: str
    host: str
    stem: str

    def stems(self) -> list[str]:
        return self.stem.split()


@functools.cache
def _segmenter() -> Segmenter:
    return Segmenter()


def tokens_of(doc: Document) -> tuple[Token, ...]:
    """The document's tokens, segmenting it here if the pipeline did not."""
    if doc.tokens:
        return doc.tokens
    return _segmenter().tokens(doc.text, doc.normalized)


def index_text(doc: Document) -> IndexText:
    """The normalised index columns of ``doc``."""
    n = normalize(doc.text, fold=True)
    ntext = n.text
    # nothing deleted or expanded (no harakat, tatweel, ligatures): the same offsets
    same = len(ntext) == len(doc.text) and n.starts == array("l", range(len(ntext)))
    pos: Callable[[int], int] = (lambda i: i) if same else n.from_original
    surface: list[str] = []
    host: list[str] = []
    stem: list[str] = []
    for t in tokens_of(doc):
        if t.kind not in _INDEXED_KINDS:
            continue
        s = pos(t.start)
        e = pos(t.end)
        full = ntext[s:e].lower()
        if not full or not full.replace("_", "").strip():
            continue
        hs = pos(t.host_start)
        h = ntext[hs:e].lower() or full
        st = t.stem
        if st is not None:
            ss, se = pos(st.start), pos(st.end)
            stem_form = ntext[ss:se].lower() or h
        else:
            stem_form = h
        # keep the three columns aligned: one form per token, no inner spaces
        surface.append("".join(full.split()))
        host.append("".join(h.split()))
        stem.append("".join(stem_form.split()))
    return IndexText(" ".join(surface), " ".join(host), " ".join(stem))


def normalize_query_words(text: str) -> list[str]:
    """Folded words of a query string (``وجّه`` → ``وجه``), ``*`` suffixes kept."""
    return [w.lower() for w in _WORD.findall(normalize(text, fold=True).text)]


def fts_query(query: str) -> str | None:
    """An FTS5 MATCH expression for a user query: words are ANDed and matched as surface,
    host or stem forms; ``"a b"`` is a phrase; ``word*`` a prefix; ``OR`` is kept.
    ``None`` when nothing searchable is left."""
    parts: list[str] = []
    for m in _PHRASE.finditer(query):
        phrase, word = m.group(1), m.group(2)
        if phrase is not None:
            words = [w.rstrip("*") for w in normalize_query_words(phrase)]
            words = [w for w in words if w]
            if words:
                parts.append('{surface host stem} : "' + " ".join(words) + '"')
            continue
        assert word is not None
        if word == "OR" and parts and parts[-1] != "OR":
            parts.append("OR")
            continue
        for w in normalize_query_words(word):
            prefix = w.endswith("*")
            w = w.rstrip("*")
            if not w:
                continue
            parts.append('{surface host stem} : "' + w + '"' + (" *" if prefix else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    if not parts:
        return None
    out: list[str] = []
    for i, p in enumerate(parts):
        if i and p != "OR" and out[-1] != "OR":
            out.append("AND")
        out.append(p)
    return " ".join(out)


def phrase_query(query: str) -> str | None:
    """For a query of several plain words (no quotes, ``*`` or ``OR``), the same words as
    one phrase, to rank documents having them together first; else ``None``."""
    if '"' in query or "*" in query or " OR " in f" {query} ":
        return None
    words = normalize_query_words(query)
    if len(words) < 2:
        return None
    return '{surface host stem} : "' + " ".join(words) + '"'


def shingles(stems: list[str], k: int = 3) -> set[str]:
    """Word k-shingles of a document's stem forms (the text itself if shorter than k)."""
    if len(stems) < k:
        return {" ".join(stems)} if stems else set()
    return {" ".join(stems[i : i + k]) for i in range(len(stems) - k + 1)}
