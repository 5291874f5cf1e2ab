"""The knowledge base: entities with ids, QIDs, Arabic names and variants, roles with dates.

The data lives in ``data/kb/`` (format and version in ``data/kb/kb.yaml`` and ``README.md``):
generated ``countries.jsonl`` and ``cities.jsonl`` (``tools/build_kb.py``) and hand-written
``people.yaml``, ``orgs.yaml``, ``places.yaml``, ``weapons.yaml``, ``events.yaml`` and
``titles.yaml``. :func:`default_kb` loads it once per process::

    >>> kb = default_kb()
    >>> kb.holder("president", "country/IR", datetime.date(2024, 10, 11)).en
    'Masoud Pezeshkian'

Spelling variants that follow rules (hamza, alef, ya, ta marbuta, Persian letters, the
g-letters غ/ج/گ, long vowels in transliterated names) are generated here, not listed in data.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from marsad._data import data_path, load_yaml
from marsad.model import ENTITY_TYPES
from marsad.normalize import normalize, normalize_key
from marsad.segment import raw_tokens

#: Version of the KB format this code reads (``data/kb/kb.yaml``).
KB_FORMAT_VERSION = 1
QID_RE = re.compile(r"^Q[1-9]\d*$")
ID_RE = re.compile(r"^[a-z]+/[A-Za-z0-9][A-Za-z0-9._-]*$")

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Letters merged in the loose "skeleton" of a transliterated name.
_SKELETON_MAP = str.maketrans(
    {
        "غ": "G",
        "ج": "G",
        "گ": "G",
        "ق": "K",
        "ك": "K",
        "ط": "T",
        "ت": "T",
        "ص": "S",
        "س": "S",
        "ذ": "Z",
        "ظ": "Z",
        "ز": "Z",
        "ث": "S",
        "ض": "D",
        "د": "D",
        "پ": "ب",
        "ڤ": "ف",
        "چ": "G",
        "ة": "ه",
        "ى": "ي",
    }
)
_VOWELS_AND_HAMZA = re.compile(r"(?<!^)[اويىءؤئ]")


class KBError(ValueError):
    """A knowledge-base file is malformed (bad id, type, QID, date …)."""


@dataclass(frozen=True, slots=True)
class Role:
    """An office held: ``president`` of ``country/IR`` from 2024-07-28 (to None = still)."""

    office: str
    of: str
    start: _dt.date | None = None
    end: _dt.date | None = None

    def holds_at(self, day: _dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class KBEntry:
    """One knowledge-base entry."""

    id: str
    type: str
    ar: str
    en: str | None = None
    qid: str | None = None
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    kind: str | None = None
    country: str | None = None  # KB id of the country it belongs to
    roles: tuple[Role, ...] = ()
    nisba: tuple[str, ...] = ()
    plural: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.ar, *self.aliases, *self.acronyms)


def name_keys(name: str) -> tuple[str, ...]:
    """The match keys of a name: one normalised, folded key per token, hyphens dropped.

    >>> name_keys("سوخوي SU-35")
    ('سوخوي', 'su', '35')
    """
    text = normalize(name, fold=True).text
    out: list[str] = []
    for s, e, kind in raw_tokens(text):
        tok = text[s:e]
        if kind == "punct" and tok in "-‐‑–":
            continue
        out.append(tok.lower())
    return tuple(out)


def skeleton(key: str) -> str:
    """A loose key for transliterated names: g-letters, emphatics and long vowels merged.

    ``بيزشكيان``, ``بزشكيان`` and ``بيزيشكيان`` share one skeleton; so do ``نتنياهو`` and
    ``نتانياهو``, and ``سيرغي``, ``سيرجي`` and ``سيرجى``.
    """
    return _skeleton_of_key(normalize_key(key))


@functools.lru_cache(maxsize=65536)
def _skeleton_of_key(key: str) -> str:
    return _VOWELS_AND_HAMZA.sub("", key.translate(_SKELETON_MAP))


def key_skeleton(key: str) -> str:
    """:func:`skeleton` of a key that is already normalised (cached)."""
    return _skeleton_of_key(key)


def nisba_forms(base: str) -> list[str]:
    """Inflected forms of a masculine nisba: ``إيراني`` → إيرانية، الإيراني، الإيرانيون …

    Multi-word nisbas (``كوري شمالي``) inflect every word alike.
    """
    words = base.split()
    suffixes = ["", "ة", "ون", "ين", "ان", "ات"]
    out: list[str] = []
    for suf in suffixes:
        for art in ("", "ال"):
            out.append(" ".join(art + w + suf for w in words))
    return out


def _date(v: Any, where: str) -> _dt.date | None:
    if v is None or v == "":
        return None
    if isinstance(v, _dt.date):
        return v
    if isinstance(v, int):
        return _dt.date(v, 1, 1)
    try:
        return _dt.date.fromisoformat(str(v))
    except ValueError:
        raise KBError(f"{where}: bad date {v!r}") from None


def _country_ref(v: Any) -> str | None:
    if v is None:
        return None
    v = str(v)
    return f"country/{v}" if re.fullmatch(r"[A-Z]{2}", v) else v


def entry_from_dict(d: Mapping[str, Any], default_type: str | None = None) -> KBEntry:
    """Build (and validate) an entry from one record of a KB file."""
    eid = str(d.get("id", ""))
    if not ID_RE.match(eid):
        raise KBError(f"bad id {eid!r}")
    etype = str(d.get("type", default_type or ""))
    if etype not in ENTITY_TYPES:
        raise KBError(f"{eid}: bad type {etype!r}")
    qid = d.get("qid")
    if qid is not None and not QID_RE.match(str(qid)):
        raise KBError(f"{eid}: bad QID {qid!r}")
    ar = d.get("ar")
    if not ar or not isinstance(ar, str):
        raise KBError(f"{eid}: no Arabic name")
    roles = []
    for r in d.get("roles") or ():
        if isinstance(r, Mapping):
            office, of, start, end = r.get("office"), r.get("of"), r.get("from"), r.get("to")
        else:
            if len(r) != 4:
                raise KBError(f"{eid}: role {r!r} is not [office, of, from, to]")
            office, of, start, end = r
        roles.append(Role(str(office), _country_ref(of) or "", _date(start, eid), _date(end, eid)))
    known = {
        "id", "type", "qid", "ar", "en", "aliases", "acronyms", "kind", "country", "roles",
        "nisba", "plural", "lat", "lon",
    }  # fmt: skip
    return KBEntry(
        id=eid,
        type=etype,
        ar=ar,
        en=d.get("en"),
        qid=str(qid) if qid else None,
        aliases=tuple(str(a) for a in d.get("aliases") or ()),
        acronyms=tuple(str(a) for a in d.get("acronyms") or ()),
        kind=d.get("kind"),
        country=_country_ref(d.get("country")),
        roles=tuple(roles),
        nisba=tuple(d.get("nisba") or ()),
        plural=tuple(d.get("plural") or ()),
        lat=d.get("lat"),
        lon=d.get("lon"),
        extra={k: v for k, v in d.items() if k not in known},
    )


@dataclass(frozen=True, slots=True)
class Title:
    """A title as match keys and the office it names."""

    keys: tuple[str, ...]
    office: str


#: first tokens of person names that are not given names (titles, kunyas, particles)
_NOT_GIVEN = frozenset({"بن", "ابن", "ابو", "ام", "ال", "عبد", "الشيخ", "الامير", "الملك", "السيد"})


def _given_names(e: KBEntry) -> set[str]:
    """The first words of a person's names, when the person is also named by the last word
    alone (فرانسوا هولاند, هولاند: given name first; not شي جين بينغ, family name first)."""
    all_keys = [name_keys(n) for n in e.names]
    surnames = {k[0] for k in all_keys if len(k) == 1}
    return {k[0] for k in all_keys if len(k) > 1 and k[-1] in surnames and k[0] not in _NOT_GIVEN}


class KnowledgeBase:
    """Entries by id, with name, skeleton, nisba and title indexes built once."""

    def __init__(
        self,
        entries: Iterable[KBEntry],
        titles: Mapping[str, Any] | None = None,
        ambiguous: Mapping[str, Any] | None = None,
        given_names: Iterable[str] = (),
    ):
        self.entries: dict[str, KBEntry] = {}
        for e in entries:
            if e.id in self.entries:
                raise KBError(f"duplicate id {e.id}")
            self.entries[e.id] = e
        #: first token key → [(token keys, entry ids)], longest first
        self.index: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        #: skeleton of the token keys → entry ids (PERSON names only)
        self.skeletons: dict[tuple[str, ...], set[str]] = {}
        #: skeletons of the first tokens of those names
        self.skeleton_starts: set[str] = set()
        #: nisba form key → country id
        self.nisba: dict[str, str] = {}
        self.by_qid: dict[str, str] = {}
        self.titles: dict[str, list[Title]] = {}
        self.ministries: set[tuple[str, ...]] = set()
        self.then_words: frozenset[str] = frozenset()
        #: titles naming one office of one country (خادم الحرمين الشريفين) → its `of`
        self.implied: dict[tuple[str, ...], str] = {}
        self.elect_words: frozenset[str] = frozenset()
        self._holders: dict[tuple[str, str], list[tuple[Role, str]]] = {}
        #: names that are also common words → (cue words, whether a preposition is a cue)
        self.ambiguous: dict[tuple[str, ...], tuple[frozenset[str], bool]] = {}
        for group in (ambiguous or {}).get("groups") or ():
            cues = frozenset(normalize_key(w) for w in group.get("cues") or ())
            for n in group.get("names") or ():
                self.ambiguous[name_keys(n)] = (cues, bool(group.get("prepositions")))
        #: given names (data file, and first tokens of the multi-word PERSON names)
        self.given_names: set[str] = {normalize_key(n) for n in given_names}
        self._build(titles or {})

    # -- building ----------------------------------------------------------------------------
    def _build(self, titles: Mapping[str, Any]) -> None:
        names: dict[tuple[str, ...], list[str]] = {}
        for e in self.entries.values():
            if e.qid:
                if e.qid in self.by_qid:
                    raise KBError(f"QID {e.qid} used by {self.by_qid[e.qid]} and {e.id}")
                self.by_qid[e.qid] = e.id
            for n in e.names:
                keys = name_keys(n)
                if keys and e.id not in names.setdefault(keys, []):
                    names[keys].append(e.id)
                if e.type == "PERSON" and keys:
                    sk = tuple(skeleton(k) for k in keys)
                    if min(len(s) for s in sk) >= 2 and sum(map(len, sk)) >= 4:
                        self.skeletons.setdefault(sk, set()).add(e.id)
                        self.skeleton_starts.add(sk[0])
            if e.type == "PERSON":
                self.given_names.update(_given_names(e))
            for base in e.nisba:
                for form in nisba_forms(base):
                    self.nisba.setdefault(normalize_key(form), e.id)
            for pl in e.plural:
                for form in (pl, "ال" + pl):
                    self.nisba.setdefault(normalize_key(form), e.id)
            for r in e.roles:
                self._holders.setdefault((r.office, r.of), []).append((r, e.id))
        for keys, ids in names.items():
            self.index.setdefault(keys[0], []).append((keys, tuple(ids)))
        for lst in self.index.values():
            lst.sort(key=lambda x: -len(x[0]))
        # a word that is a whole name of its own is a mention, not a first name
        self.given_names -= {k for k, lst in self.index.items() if any(len(s) == 1 for s, _ in lst)}
        for office, forms in (titles.get("offices") or {}).items():
            for f in forms:
                keys = name_keys(f)
                self.titles.setdefault(keys[0], []).append(Title(keys, str(office)))
        for title, (office, of) in (titles.get("implied") or {}).items():
            keys = name_keys(title)
            self.implied[keys] = _country_ref(of) or ""
            self.titles.setdefault(keys[0], []).append(Title(keys, str(office)))
        for tl in self.titles.values():
            tl.sort(key=lambda t: -len(t.keys))
        self.ministries = {name_keys(m) for m in titles.get("ministries") or ()}
        self.then_words = frozenset(normalize_key(w) for w in titles.get("then_words") or ())
        self.elect_words = frozenset(normalize_key(w) for w in titles.get("elect_words") or ())
        for hl in self._holders.values():
            hl.sort(key=lambda x: x[0].start or _dt.date.min)

    # -- look-ups ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[KBEntry]:
        return iter(self.entries.values())

    def get(self, eid: str) -> KBEntry | None:
        return self.entries.get(eid)

    def lookup(self, name: str) -> list[KBEntry]:
        """Entries having exactly this name (any spelling the rules fold together)."""
        keys = name_keys(name)
        for ks, ids in self.index.get(keys[0], []) if keys else []:
            if ks == keys:
                return [self.entries[i] for i in ids]
        return []

    def lookup_loose(self, name: str) -> list[KBEntry]:
        """PERSON entries whose name has the same skeleton (transliteration variants)."""
        sk = tuple(skeleton(k) for k in name_keys(name))
        return [self.entries[i] for i in sorted(self.skeletons.get(sk, ()))]

    def country_of_nisba(self, word: str) -> KBEntry | None:
        """``الإسرائيلية`` → Israel."""
        cid = self.nisba.get(normalize_key(word))
        return self.entries.get(cid) if cid else None

    def holders(self, office: str, of: str) -> list[tuple[Role, KBEntry]]:
        """Everyone who held ``office`` of ``of`` (a KB id), in order of taking office."""
        return [(r, self.entries[i]) for r, i in self._holders.get((office, of), [])]

    def holder(self, office: str, of: str, day: _dt.date | None = None) -> KBEntry | None:
        """Who held ``office`` of ``of`` on ``day`` (default: the latest holder)."""
        hl = self._holders.get((office, of), [])
        if not hl:
            return None
        if day is None:
            current = [i for r, i in hl if r.end is None]
            return self.entries[current[-1] if current else hl[-1][1]]
        at = [i for r, i in hl if r.holds_at(day)]
        return self.entries[at[-1]] if at else None

    def next_holder(self, office: str, of: str, day: _dt.date) -> KBEntry | None:
        """The first holder taking office after ``day`` (``الرئيس المنتخب``)."""
        hl = self._holders.get((office, of), [])
        after = [i for r, i in hl if r.start is not None and r.start > day]
        return self.entries[after[0]] if after else None

    def previous_holder(self, office: str, of: str, day: _dt.date) -> KBEntry | None:
        """The holder before the one in office on ``day`` (``الرئيس السابق``)."""
        hl = self._holders.get((office, of), [])
        before = [i for r, i in hl if r.end is not None and r.end <= day]
        return self.entries[before[-1]] if before else None


# -- loading -----------------------------------------------------------------------------------
def _read_jsonl(name: str) -> Iterator[dict[str, Any]]:
    path = data_path(f"kb/{name}")
    if not path.is_file():
        return
    with path.open("r", encoding="utf-8") as fh:
        for i, line in enumerate(fh, 1):
            line = line.strip()
            if line and not line.startswith("#"):
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise KBError(f"kb/{name}:{i}: {exc}") from None


def _read_yaml(name: str) -> list[dict[str, Any]]:
    path = data_path(f"kb/{name}")
    if not path.is_file():
        return []
    with path.open("r", encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_LOADER)
    if not isinstance(data, list):
        raise KBError(f"kb/{name}: expected a list of entries")
    return data


def manifest() -> dict[str, Any]:
    """``data/kb/kb.yaml``: the format version and the files making up the KB."""
    m = load_yaml("kb/kb.yaml")
    if int(m.get("format_version", 0)) != KB_FORMAT_VERSION:
        raise KBError(f"kb.yaml format_version {m.get('format_version')} != {KB_FORMAT_VERSION}")
    return dict(m)


def load_entries() -> Iterator[KBEntry]:
    """Every entry of the shipped KB files, validated."""
    for f in manifest()["files"]:
        name, default_type = str(f["file"]), f.get("type")
        where = f"kb/{name}"
        records = _read_jsonl(name) if name.endswith(".jsonl") else iter(_read_yaml(name))
        for rec in records:
            try:
                yield entry_from_dict(rec, default_type)
            except KBError as exc:
                raise KBError(f"{where}: {exc}") from None


@functools.cache
def default_kb() -> KnowledgeBase:
    """The shipped knowledge base, loaded once per process."""
    return KnowledgeBase(
        load_entries(),
        load_yaml("kb/titles.yaml"),
        load_yaml("kb/ambiguous.yaml"),
        given_names=load_yaml("kb/given_names.yaml").get("names") or (),
    )
