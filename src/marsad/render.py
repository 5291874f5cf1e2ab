"""Human-readable renderings of a document: a text summary and a standalone HTML page.

Article text is always escaped in HTML: no markup or script from an article ever runs.
"""

from __future__ import annotations

import html
from typing import Any

from marsad.model import Document

_COLOURS = {
    "entity": "#dbeafe",
    "time": "#dcfce7",
    "quantity": "#fef9c3",
    "quote": "#fce7f3",
    "trigger": "#fee2e2",
}


def _short(s: str, n: int = 80) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def to_text(doc: Document) -> str:
    """A readable summary: counts, then each record with its offsets."""
    names = {e.id: (e.name_en or e.name_ar) for e in doc.entities}
    out: list[str] = []
    head = doc.id or "(no id)"
    meta = ", ".join(
        x
        for x in (
            f"published {doc.published.isoformat()}" if doc.published else "",
            f"outlet {doc.outlet}" if doc.outlet else "",
        )
        if x
    )
    out.append(f"== {head}" + (f" ({meta})" if meta else ""))
    out.append(
        f"{len(doc.text):,} characters, {len(doc.paragraphs)} paragraphs, "
        f"{len(doc.sentences)} sentences, {len(doc.tokens)} tokens; "
        f"{len(doc.entities)} entities, {len(doc.times)} times, {len(doc.quantities)} "
        f"quantities, {len(doc.quotes)} quotes, {len(doc.events)} events"
    )
    if doc.entities:
        out.append("-- entities")
        for e in doc.entities:
            link = f" [{e.wikidata}]" if e.wikidata else ""
            out.append(
                f"  {e.id} {e.type:7s} {e.name_ar} = {e.name_en or '?'}{link}"
                f" ({len(e.mentions)} mention{'s' if len(e.mentions) != 1 else ''})"
            )
    if doc.times:
        out.append("-- times")
        for t in doc.times:
            rel = " (relative)" if t.relative else ""
            out.append(f"  {t.start}-{t.end} {t.text} → {t.value}{rel}")
    if doc.quantities:
        out.append("-- quantities")
        for qt in doc.quantities:
            approx = "~" if qt.approximate else ""
            unit = qt.unit or ""
            out.append(f"  {qt.start}-{qt.end} {qt.text} → {approx}{qt.value} {unit}".rstrip())
    if doc.quotes:
        out.append("-- quotes")
        ents = {e.id: e for e in doc.entities}

        def both(eid: str) -> str:
            e = ents.get(eid)
            if e is None:
                return eid
            return f"{e.name_ar} = {e.name_en}" if e.name_en else e.name_ar

        for q in doc.quotes:
            if q.speaker:
                who = both(q.speaker)
            elif q.speaker_text:
                who = f"«{q.speaker_text}» (unlinked)"
            else:
                who = "?"
            chain = q.via_chain or ((q.via,) if q.via else ())
            via = " ← ".join(both(v) for v in chain) if chain else "-"
            kind = "direct" if q.direct else "indirect"
            out.append(f"  {q.start}-{q.end} {kind}, stance {q.stance or '-'}, cue {q.cue or '-'}")
            out.append(f"    speaker: {who}; via: {via}")
            out.append(f"    «{_short(q.text)}»")
    if doc.events:
        out.append("-- events")
        for v in doc.events:
            src = ", ".join(names.get(x, x) for x in v.source) or "?"
            tgt = ", ".join(names.get(x, x) for x in v.target) or "?"
            loc = f" in {names.get(v.location, v.location)}" if v.location else ""
            when = f" on {v.time}" if v.time else ""
            out.append(
                f"  {v.id} {v.type}{'/' + v.label if v.label else ''} {src} → {tgt}{loc}{when}"
                f" [{v.modality}] «{v.trigger.text}»"
            )
    if doc.warnings:
        out.append("-- warnings")
        for w in doc.warnings:
            out.append(f"  {w.code} ({w.step}) {w.message}")
    return "\n".join(out) + "\n"


def _marks(doc: Document) -> list[tuple[int, int, str, str]]:
    """Non-overlapping highlight spans: (start, end, css class, tooltip)."""
    names = {e.id: e for e in doc.entities}
    cands: list[tuple[int, int, str, str]] = []
    for e in doc.entities:
        tip = f"{e.type}: {e.name_en or e.name_ar}" + (f" ({e.wikidata})" if e.wikidata else "")
        for m in e.mentions:
            cands.append((m.start, m.end, "entity", tip))
    for t in doc.times:
        cands.append((t.start, t.end, "time", f"time: {t.value}"))
    for qt in doc.quantities:
        cands.append((qt.start, qt.end, "quantity", f"quantity: {qt.value} {qt.unit or ''}"))
    for v in doc.events:
        cands.append((v.trigger.start, v.trigger.end, "trigger", f"event: {v.type}"))
    for q in doc.quotes:
        sp = names.get(q.speaker or "")
        who = f"{sp.name_ar} ({sp.name_en})" if sp and sp.name_en else (sp.name_ar if sp else "")
        who = who or q.speaker_text or "?"
        vias = [names[v].name_en or names[v].name_ar if v in names else v for v in q.via_chain]
        if not vias and q.via:
            vias = [names[q.via].name_ar if q.via in names else q.via]
        tip = f"{'direct' if q.direct else 'indirect'} quote by {who}"
        tip += f" via {' ← '.join(vias)}" if vias else ""
        tip += f"; cue {q.cue}" if q.cue else ""
        tip += f"; stance {q.stance}" if q.stance else ""
        cands.append((q.start, q.end, "quote", tip))
    cands.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple[int, int, str, str]] = []
    last = 0
    for c in cands:
        if c[0] >= last and c[1] > c[0]:
            out.append(c)
            last = c[1]
    return out


def to_html(doc: Document) -> str:
    """A standalone right-to-left page with highlights and the summary below."""
    parts: list[str] = []
    pos = 0
    for s, e, cls, tip in _marks(doc):
        parts.append(html.escape(doc.text[pos:s]))
        parts.append(
            f'<mark class="{cls}" title="{html.escape(tip, quote=True)}">'
            f"{html.escape(doc.text[s:e])}</mark>"
        )
        pos = e
    parts.append(html.escape(doc.text[pos:]))
    body = "".join(parts).replace("\n", "<br>\n")
    css = "".join(f"mark.{k}{{background:{v}}}" for k, v in _COLOURS.items())
    title = html.escape(doc.id or "marsad document")
    summary = html.escape(to_text(doc))
    legend: list[Any] = [
        f'<mark class="{k}">{k}</mark>' for k in ("entity", "time", "quantity", "quote", "trigger")
    ]
    return (
        '<!doctype html>\n<html lang="ar"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>"
        "body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        f".text{{direction:rtl;line-height:1.9;font-size:1.15em}}pre{{direction:ltr;"
        f"white-space:pre-wrap}}{css}</style></head><body>"
        f"<h1>{title}</h1><p>{' '.join(legend)}</p>"
        f'<div class="text" dir="rtl">{body}</div><h2>Summary</h2><pre>{summary}</pre>'
        "</body></html>\n"
    )
