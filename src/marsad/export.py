"""Event export from articles or marsad outputs: flat rows (CSV/JSONL) and PLOVER records.

``marsad export events INPUT... --format csv|jsonl|plover`` reads articles (text, HTML,
JSONL; analysed with the default pipeline) or files that already hold ``marsad.document/1``
JSON/JSONL outputs (read back with :meth:`Document.from_dict`), and writes one record per
event. The flat row is :func:`marsad.events.event_rows` plus the article's URL and outlet,
the text of the quote an event was reported in and the sentence it came from (the
evidence, with its offsets). The PLOVER record uses the field names of the PLOVER data
format (``id``, ``date``, ``event``, ``mode``, ``context``, ``actor``, ``recipient``,
``event_loc``, ``event_text``, ``text_info``, ``cite_info``) as POLECAT does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from marsad.errors import MAX_INPUT_BYTES, Code, MarsadError
from marsad.model import SCHEMA, Document, Entity, Event

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Files taken from a directory named as input (articles and marsad outputs).
EXPORT_SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".json")


def csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run: text starting with ``= + - @`` (or a tab/CR)
    gets a leading apostrophe. Numbers and empty values are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# --- reading inputs -------------------------------------------------------------------------


def _input_files(paths: Iterable[str]) -> Iterator[str]:
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in EXPORT_SUFFIXES:
                    yield str(f)
        else:
            yield path


def _is_marsad(obj: Any) -> bool:
    return isinstance(obj, Mapping) and obj.get("schema") == SCHEMA


def _from_dict(obj: Mapping[str, Any], source: str) -> Document | MarsadError:
    """A document read back from its JSON form; an analysis error recorded in the output
    (``"error"``) or a malformed object comes back as a coded error."""
    err = obj.get("error")
    if isinstance(err, Mapping):
        code = str(err.get("code") or "")
        return MarsadError(
            Code(code) if code in Code.__members__ else Code.E012,
            f"the output records a failed analysis: {err.get('message', '')}",
            source=source,
        )
    try:
        return Document.from_dict(obj)
    except (KeyError, TypeError, ValueError) as exc:
        return MarsadError(Code.E008, f"not a valid {SCHEMA} object: {exc}", source=source)


def marsad_documents(path: str) -> list[Document | MarsadError] | None:
    """The documents of a file holding ``marsad.document/1`` output (one JSON object, a JSON
    list of them, or JSON lines), or None when the file is something else (an article)."""
    p = Path(path)
    try:
        if not p.is_file() or p.stat().st_size > MAX_INPUT_BYTES:
            return None
        data = p.read_bytes()
    except OSError:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        return None
    if SCHEMA not in text[:65536]:  # the schema field comes first in marsad's output
        return None
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if _is_marsad(whole):
        return [_from_dict(whole, path)]
    if isinstance(whole, list) and whole and all(_is_marsad(o) for o in whole):
        return [_from_dict(o, f"{path}:{i}") for i, o in enumerate(whole, start=1)]
    if whole is not None:
        return None
    # JSON lines: a marsad output when its first record is one
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    try:
        first = json.loads(lines[0][1]) if lines else None
    except ValueError:
        return None
    if not _is_marsad(first):
        return None
    out: list[Document | MarsadError] = []
    for n, line in lines:
        src = f"{path}:{n}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            out.append(MarsadError(Code.E006, f"invalid JSON: {exc}", source=src))
            continue
        if not _is_marsad(obj):
            out.append(MarsadError(Code.E008, f"not a {SCHEMA} object", source=src))
            continue
        out.append(_from_dict(obj, src))
    return out


def iter_documents(
    paths: Iterable[str],
    *,
    input_format: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    pipeline: Any = None,
) -> Iterator[Document | MarsadError]:
    """Documents of the inputs, in order: marsad outputs read back, articles analysed with
    ``pipeline`` (default: the default pipeline). Inputs that fail give their coded error."""
    from marsad.store.cli import iter_records

    pipe = pipeline
    for path in _input_files(paths):
        docs = marsad_documents(path) if input_format is None and path != "-" else None
        if docs is not None:
            yield from docs
            continue
        for rec in iter_records([path], input_format, published, outlet):
            if isinstance(rec, MarsadError):
                yield rec
                continue
            if pipe is None:
                from marsad.pipeline import Pipeline

                pipe = Pipeline()
            try:
                yield pipe.analyze(
                    rec["text"],
                    published=rec["published"],
                    outlet=rec["outlet"],
                    url=rec["url"],
                    id=rec["id"],
                )
            except MarsadError as exc:
                exc.source = exc.source or rec["source"]
                yield exc


# --- rows -----------------------------------------------------------------------------------


def _sentence(doc: Document, ev: Event) -> tuple[int | None, int, int]:
    """(index, start, end) of the sentence holding the event's trigger (the trigger's own
    offsets when the document has no sentences)."""
    for i, s in enumerate(doc.sentences):
        if s.start <= ev.trigger.start < s.end:
            return i, s.start, s.end
    return None, ev.trigger.start, ev.trigger.end


def _quote_text(doc: Document, ev: Event) -> str | None:
    if ev.quote is None or not 0 <= ev.quote < len(doc.quotes):
        return None
    return doc.quotes[ev.quote].text


def event_records(doc: Document) -> list[dict[str, Any]]:
    """One flat record per event of ``doc``: :func:`marsad.events.event_rows` with the
    article's URL and outlet, the quote text and the evidence sentence with its offsets."""
    from marsad.events import event_rows

    rows = event_rows(doc)
    by_id = {ev.id: ev for ev in doc.events}
    out: list[dict[str, Any]] = []
    for row in rows:
        ev = by_id.get(str(row.get("event")))
        extra: dict[str, Any] = {"url": doc.url, "outlet": doc.outlet}
        if ev is not None:
            _, s, e = _sentence(doc, ev)
            extra.update(
                quote_text=_quote_text(doc, ev),
                evidence=doc.text[s:e].strip(),
                evidence_start=s + (len(doc.text[s:e]) - len(doc.text[s:e].lstrip())),
                evidence_end=e - (len(doc.text[s:e]) - len(doc.text[s:e].rstrip())),
            )
        out.append({**row, **extra})
    return out


# --- PLOVER ---------------------------------------------------------------------------------


def _split(value: Any, n: int) -> list[str | None]:
    """The ``"; "``-joined per-actor field of an event row, one value per actor."""
    parts = str(value).split("; ") if value not in (None, "") else []
    if len(parts) != n:
        return [None] * n
    return [p or None for p in parts]


def _country_name(country: str | None) -> str | None:
    """The English name of a KB country id (``country/EG`` → ``Egypt``), when known."""
    if not country:
        return None
    try:
        from marsad.kb import default_kb

        entry = default_kb().get(country)
    except Exception:  # no KB installed: the id stands for the name
        entry = None
    return (entry.en or entry.ar) if entry is not None else None


def _iso_code(country: str | None) -> str | None:
    if country and country.startswith("country/"):
        return country.split("/", 1)[1] or None
    return None


def _actors(doc: Document, ids: Iterable[str], row: Mapping[str, Any], key: str) -> list[Any]:
    ents = [e for e in (doc.entity(i) for i in ids) if e is not None]
    countries = _split(row.get(f"{key}_country"), len(ents))
    sectors = _split(row.get(f"{key}_sector"), len(ents))
    out = []
    for e, c, s in zip(ents, countries, sectors, strict=True):
        out.append(
            {
                "country": _country_name(c),
                "country_code": _iso_code(c),  # ISO 3166-1 alpha-2
                "sector": s,
                "entity_text": e.name_ar,
                "entity_text_en": e.name_en,
                "identifier_id": e.wikidata,
                "identifier_text": e.name_en,
                "entity_type": e.type,
                "kb_id": e.kb_id,
                "marsad_id": e.id,
                "mentions": [m.to_dict() for m in e.mentions],
            }
        )
    return out


def _dates(time: str | None, published: str | None) -> tuple[str | None, str | None]:
    """(date, enddate) in YYYY-MM-DD: the event's resolved time when it is a full date (the
    start and end of an interval), else the publication date."""

    def day(v: str) -> str | None:
        v = v.strip()
        return v[:10] if len(v) >= 10 and v[4] == "-" and v[7] == "-" else None

    if time:
        start, _, end = time.partition("/")
        d = day(start)
        if d is not None:
            return d, (day(end) if end else None)
    return published, None


def _location(doc: Document, ev: Event, row: Mapping[str, Any]) -> dict[str, Any] | None:
    loc: Entity | None = doc.entity(ev.location) if ev.location else None
    if loc is None:
        return None
    near = min(loc.mentions, key=lambda m: abs(m.start - ev.trigger.start), default=None)
    return {
        "extracted_place": near.text if near else loc.name_ar,
        "resolved_place": loc.name_en or loc.name_ar,
        "resolved_place_ar": loc.name_ar,
        "identifier_id": loc.wikidata,
        "lat": row.get("location_lat"),
        "lon": row.get("location_lon"),
        "start": near.start if near else None,
        "end": near.end if near else None,
    }


def plover_records(doc: Document, *, index: int = 0) -> list[dict[str, Any]]:
    """PLOVER-format records (one per event) of ``doc``. ``index`` numbers documents
    without an id, so that event ids stay unique across a run."""
    from marsad import __version__

    rows = {str(r.get("event")): r for r in event_records(doc)}
    article = doc.id or f"doc{index}"
    out: list[dict[str, Any]] = []
    for ev in doc.events:
        row = rows.get(ev.id, {})
        seq, s, e = _sentence(doc, ev)
        date, enddate = _dates(ev.time, doc.published.isoformat() if doc.published else None)
        quote = None
        if ev.quote is not None and 0 <= ev.quote < len(doc.quotes):
            q = doc.quotes[ev.quote]
            quote = {"index": ev.quote, "text": q.text, "start": q.start, "end": q.end}
            quote["speaker"] = q.speaker
        rec: dict[str, Any] = {
            "id": f"{article}-{ev.id}",
            "date": date,
            "enddate": enddate,
            "time_value": ev.time,
            "event": [ev.type],
            "mode": [ev.mode] if ev.mode else [],
            "context": None,
            "label": ev.label,
            "cameo": ev.cameo,
            "actor": _actors(doc, ev.source, row, "source"),
            "recipient": _actors(doc, ev.target, row, "target"),
            "event_loc": _location(doc, ev, row),
            "event_text": [doc.text[s:e].strip()],
            "modality": ev.modality,
            "confidence": ev.confidence,
            "quote": quote,
            "quantities": row.get("quantities") or None,
            "text_info": {
                "sequence": seq,
                "start": row.get("evidence_start", s),
                "end": row.get("evidence_end", e),
                "trigger": ev.trigger.text,
                "trigger_start": ev.trigger.start,
                "trigger_end": ev.trigger.end,
            },
            "cite_info": {
                "citation": doc.id,
                "url": doc.url,
                "publication": doc.outlet,
                "publication_date": doc.published.isoformat() if doc.published else None,
                "language": "ar",
                "coder": f"marsad {__version__}",
                "codebook": "PLOVER",
            },
        }
        out.append(rec)
    return out
