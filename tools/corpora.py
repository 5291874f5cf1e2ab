"""Readers for the raw news corpora in ../shared (used by bench, eval and example tools).

- ANT corpus v1.1 (JawharaFM, Apache-2.0): a tar.gz of TREC-style XML-ish files.
- SaudiNewsNet (CC BY-NC-SA 4.0, research only, never shipped): zips of JSON arrays.
- Any JSONL file of marsad records (text, published, outlet, url, id), plain or .gz.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
JAWHARAFM = SHARED / "data/news/jawharafm/ant_v1.1_jawharafm.tar.gz"
SAUDINEWSNET = SHARED / "data/news/saudinewsnet"

_TAG = re.compile(r"<(DOCNO|URL|TITLE|TIME|TEXT)>(.*?)</\1>", re.S)


def parse_ant(raw: str) -> dict[str, Any]:
    """One ANT file → a marsad record: text is the title, then the body."""
    f = {m.group(1): m.group(2).strip() for m in _TAG.finditer(raw)}
    title = html.unescape(f.get("TITLE", ""))
    body = html.unescape(f.get("TEXT", ""))
    text = f"{title}\n{body}" if title else body
    return {
        "id": f.get("DOCNO"),
        "url": f.get("URL"),
        "outlet": "Jawhara FM",
        "published": _iso_date(f.get("TIME") or ""),
        "text": text,
    }


def _iso_date(raw: str) -> str | None:
    """``2017-01-21T23:43`` or ``29/11/2016`` → ``YYYY-MM-DD``."""
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", raw)
    if m:
        return m.group(0)
    m = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", raw)
    if m:
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return None


def iter_ant(
    path: Path = JAWHARAFM, categories: set[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Records of the ANT corpus in a stable (sorted by member name) order."""
    with tarfile.open(path) as tar:
        members = sorted(
            (m for m in tar if m.isfile() and m.name.endswith(".txt")), key=lambda m: m.name
        )
        for m in members:
            if categories and m.name.split("/")[-2] not in categories:
                continue
            fh = tar.extractfile(m)
            if fh is None:
                continue
            rec = parse_ant(fh.read().decode("utf-8", errors="replace"))
            if rec["text"].strip():
                yield rec


def iter_saudinewsnet(folder: Path = SAUDINEWSNET) -> Iterator[dict[str, Any]]:
    """Records of SaudiNewsNet (research use only)."""
    for z in sorted(folder.glob("*.zip")):
        with zipfile.ZipFile(z) as zf:
            for name in sorted(zf.namelist()):
                if not name.endswith(".json"):
                    continue
                for a in json.loads(zf.read(name).decode("utf-8")):
                    text = "\n".join(x for x in (a.get("title"), a.get("content")) if x)
                    if text.strip():
                        yield {
                            "id": a.get("url"),
                            "url": a.get("url"),
                            "outlet": a.get("source"),
                            "published": (a.get("date_extracted") or "")[:10] or None,
                            "text": text,
                        }


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        for line in fh:
            if line.strip():
                yield json.loads(line)
