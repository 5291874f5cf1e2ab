"""Every language data file is clean: NFC, no presentation forms, no bidi or zero-width
characters, and no duplicate entries."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "src" / "marsad" / "data"
FILES = sorted(
    p
    for p in DATA.rglob("*")
    if p.is_file() and p.suffix in {".yaml", ".yml", ".json", ".jsonl", ".tsv", ".txt"}
)
BAD = re.compile("[\ufb50-\ufdff\ufe70-\ufeff\u200b-\u200f\u202a-\u202e\u2060-\u2069\u061c\u00ad]")


def test_there_are_data_files() -> None:
    assert any(p.name == "normalization.yaml" for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_text_is_clean(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text), f"{path.name} is not NFC"
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = BAD.search(line)
        assert m is None, f"{path.name}:{lineno}: U+{ord(m.group()):04X}" if m else ""


def _dupes(items: list[Any]) -> list[Any]:
    keys = [json.dumps(x, sort_keys=True, ensure_ascii=False) for x in items]
    return [k for k, n in Counter(keys).items() if n > 1]


def _walk_lists(obj: Any, where: str) -> list[str]:
    problems: list[str] = []
    if isinstance(obj, list):
        d = _dupes(obj)
        if d:
            problems.append(f"{where}: duplicates {d[:3]}")
        for i, x in enumerate(obj):
            problems += _walk_lists(x, f"{where}[{i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            problems += _walk_lists(v, f"{where}.{k}")
    return problems


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = [loader.construct_object(k) for k, _ in node.value]
    dup = [k for k, n in Counter(map(str, keys)).items() if n > 1]
    if dup:
        raise AssertionError(f"duplicate keys {dup[:3]} at line {node.start_mark.line + 1}")
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,  # type: ignore[arg-type]
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_no_duplicate_entries(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".yaml", ".yml"}:
        obj = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
        assert _walk_lists(obj, path.name) == []
    elif path.suffix == ".json":
        pairs_seen: list[str] = []

        def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            c = Counter(k for k, _ in pairs)
            pairs_seen.extend(k for k, n in c.items() if n > 1)
            return dict(pairs)

        obj = json.loads(text, object_pairs_hook=hook)
        assert pairs_seen == [], f"duplicate keys {pairs_seen[:3]}"
        assert _walk_lists(obj, path.name) == []
    else:
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        dup = [k for k, n in Counter(lines).items() if n > 1]
        assert dup == [], f"{path.name}: duplicate lines {dup[:3]}"
        if path.suffix == ".tsv":
            keys = [line.split("\t", 1)[0] for line in lines]
            dk = [k for k, n in Counter(keys).items() if n > 1]
            assert dk == [], f"{path.name}: duplicate keys {dk[:3]}"
