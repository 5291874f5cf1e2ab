"""Corpus subcommands: ``marsad ingest``, ``search``, ``timeline``, ``stories``,
``relations`` and ``export``.

    marsad ingest PATH... [--db marsad.db]       text, HTML, JSONL files and directories
    marsad search QUERY [--db] [--from D] [--to D] [--outlet O] [--entity E] [--event-type T]
    marsad timeline ENTITY [--db]
    marsad stories [--db]
    marsad relations [ENTITY] [--db]
    marsad export events|quotes|entities|... --db marsad.db --format csv|jsonl|parquet [-o OUT]
    marsad export events INPUT... --format csv|jsonl|plover|parquet [-o OUT]
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from marsad.errors import Code, MarsadError

INPUT_SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson")
EXPORT_FORMATS = ("csv", "jsonl", "plover", "parquet")


def register(subparsers: Any) -> None:
    """Add the corpus subcommands to the ``marsad`` parser."""
    from marsad.store.sqlite import DEFAULT_DB, EXPORTS

    def db_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", default=DEFAULT_DB, help=f"store file (default {DEFAULT_DB})")

    p = subparsers.add_parser("ingest", help="analyse articles into the corpus store")
    p.add_argument("paths", nargs="+", help="text/HTML/JSONL files or directories")
    db_arg(p)
    p.add_argument("--pipeline", help="comma-separated component names (default: all)")
    p.add_argument("--input-format", choices=("text", "html", "jsonl"), help="skip detection")
    p.add_argument("--published", help="publication date for inputs without one")
    p.add_argument("--outlet", help="outlet for inputs without one")
    p.add_argument("--commit-every", type=int, default=1, help="documents per transaction")
    p.add_argument(
        "--jobs", "-j", type=int, default=1, help="analysis processes (default pipeline only)"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = subparsers.add_parser("search", help="full-text search of the corpus")
    p.add_argument("query", nargs="?", default="", help='words ("a phrase", prefix*)')
    db_arg(p)
    p.add_argument("--from", dest="date_from", help="published on or after YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="published on or before YYYY-MM-DD")
    p.add_argument("--outlet")
    p.add_argument("--entity", help="KB id or name")
    p.add_argument("--event-type", help="PLOVER type or label (ASSAULT, MEET …)")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--format", "-f", choices=("text", "jsonl"), default="text")
    p.set_defaults(func=cmd_search)

    p = subparsers.add_parser("timeline", help="events and quotes of one entity, by date")
    p.add_argument("entity", help="KB id or name")
    db_arg(p)
    p.add_argument("--format", "-f", choices=("text", "jsonl"), default="text")
    p.set_defaults(func=cmd_timeline)

    p = subparsers.add_parser("stories", help="near-duplicate articles grouped into stories")
    db_arg(p)
    p.add_argument("--min-docs", type=int, default=2)
    p.add_argument("--format", "-f", choices=("text", "jsonl"), default="text")
    p.set_defaults(func=cmd_stories)

    p = subparsers.add_parser("relations", help="actor-to-actor event counts by type and month")
    p.add_argument("entity", nargs="?", help="only relations of this entity")
    db_arg(p)
    p.add_argument("--format", "-f", choices=("text", "jsonl"), default="text")
    p.set_defaults(func=cmd_relations)

    p = subparsers.add_parser(
        "export",
        help="events of articles or marsad outputs, or tables of the corpus store, "
        "as CSV/JSONL/PLOVER/Parquet",
    )
    p.add_argument("what", choices=EXPORTS)
    p.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        help="articles (text/HTML/JSONL) or marsad JSON/JSONL outputs, files or directories "
        "(events only; instead of --db)",
    )
    p.add_argument("--db", help=f"store file (default {DEFAULT_DB} when no INPUT is given)")
    p.add_argument("--format", "-f", choices=EXPORT_FORMATS, default="jsonl")
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.add_argument("--input-format", choices=("text", "html", "jsonl"), help="skip detection")
    p.add_argument("--published", help="publication date for input articles without one")
    p.add_argument("--outlet", help="outlet for input articles without one")
    p.set_defaults(func=cmd_export)


Handler = Callable[[argparse.Namespace], int]


def _pipe_safe(fn: Handler) -> Handler:
    """A closed output pipe (``| head``) ends the command quietly; SQLite errors are E013."""

    @functools.wraps(fn)
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except sqlite3.Error as exc:  # a locked, read-only or damaged store file
            raise MarsadError(Code.E013, f"{type(exc).__name__}: {exc}", source=args.db) from None
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0

    return run


def _open(args: argparse.Namespace, *, must_exist: bool = True, **kw: Any) -> Any:
    from marsad.store.sqlite import SQLiteStore

    if must_exist and not Path(args.db).is_file():
        raise MarsadError(Code.E001, "no such store (run marsad ingest first)", source=args.db)
    return SQLiteStore(args.db, **kw)


def _url(url: str | None) -> str:
    """A URL as people read it (percent-escapes decoded) for text output."""
    from urllib.parse import unquote

    return unquote(url) if url else ""


def _err(line: str) -> None:
    print(f"marsad: {line}", file=sys.stderr)


# --- ingest ---------------------------------------------------------------------------------


def input_files(paths: list[str]) -> Iterator[str]:
    """Files named, and the input files under directories named (sorted, recursive)."""
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES:
                    yield str(f)
        else:
            yield path


def _count(path: str, fmt: str | None) -> int:
    """Records a file will give (for the progress bar): lines of JSONL, else one."""
    low = path.lower()
    if fmt == "jsonl" or low.endswith((".jsonl", ".ndjson")):
        try:
            with open(path, "rb") as fh:
                return sum(1 for line in fh if line.strip())
        except OSError:
            return 1
    return 1


def iter_records(
    files: list[str],
    fmt: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
) -> Iterator[dict[str, Any] | MarsadError]:
    """Records (dicts) or errors for every document of the input files, in order."""
    from marsad.io import Record, read_path, read_sidecar

    for path in files:
        for item in read_path(path, fmt):
            if not isinstance(item, Record):
                yield item
                continue
            rec: dict[str, Any] = {
                "text": item.text,
                "published": item.published,
                "outlet": item.outlet,
                "url": item.url,
                "id": item.id,
                "source": item.source,
                "warnings": [(c.value, m) for c, m in item.warnings],
            }
            if item.source == path:  # a whole text/HTML file: sidecar metadata, file name
                meta = read_sidecar(path)
                for k in ("published", "outlet", "url", "id"):
                    rec[k] = rec[k] or meta.get(k)
                rec["id"] = rec["id"] or Path(path).stem
            rec["published"] = rec["published"] or published
            rec["outlet"] = rec["outlet"] or outlet
            yield rec


@_pipe_safe
def cmd_ingest(args: argparse.Namespace) -> int:
    from marsad.batch.progress import Progress

    names = [n.strip() for n in args.pipeline.split(",") if n.strip()] if args.pipeline else None
    if args.jobs > 1 and names is not None:
        from marsad.pipeline import DEFAULT_PIPELINE

        if tuple(names) != tuple(DEFAULT_PIPELINE):
            _err("--jobs needs the default pipeline; analysing in one process")
    files = list(input_files(args.paths))
    total = sum(_count(f, args.input_format) for f in files)
    bar = Progress(total, enabled=not args.quiet)
    failed = 0

    def on_record(status: str, source: str, err: MarsadError | None) -> None:
        nonlocal failed
        if err is not None:
            failed += 1
            if bar.tty and bar.enabled:
                sys.stderr.write("\r\x1b[K")
            _err(err.line())
        if status == "unchanged":
            bar.skip(1)
            bar.advance(0)
        else:
            bar.advance(1)

    with _open(args, must_exist=False, pipeline=names, commit_every=args.commit_every) as store:
        try:
            report = store.ingest(
                iter_records(files, args.input_format, args.published, args.outlet),
                on_record=on_record,
                jobs=args.jobs,
            )
        finally:
            bar.close()
        store.refresh()
        n = store.count()
    print(
        f"marsad: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.failed} failed; {n} document(s) in {args.db}",
        file=sys.stderr,
    )
    return 1 if failed else 0


# --- reading commands -----------------------------------------------------------------------


def _jsonl(rows: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for r in rows:
        out.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")


@_pipe_safe
def cmd_search(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    with _open(args) as store:
        hits = store.search(
            args.query,
            date_from=args.date_from,
            date_to=args.date_to,
            outlet=args.outlet,
            entity=args.entity,
            event_type=args.event_type,
            limit=args.limit,
        )
    if args.format == "jsonl":
        _jsonl(asdict(h) for h in hits)
        return 0
    for h in hits:
        print(f"#{h.doc}  {h.published or '-'}  {h.outlet or '-'}  {h.title}")
        print(f"    {h.snippet}")
        if h.url:
            print(f"    {_url(h.url)}")
    print(f"marsad: {len(hits)} document(s)", file=sys.stderr)
    return 0


@_pipe_safe
def cmd_timeline(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    with _open(args) as store:
        items = store.timeline(args.entity)
    if args.format == "jsonl":
        _jsonl(asdict(i) for i in items)
        return 0
    # one entry per merged event, its other reports listed under it
    groups: dict[object, list[Any]] = {}
    for n, i in enumerate(items):
        groups.setdefault(("event", i.merged, i.role) if i.merged is not None else n, []).append(i)
    for group in groups.values():
        i = group[0]
        extra = f" ({i.modality})" if i.modality and i.modality != "asserted" else ""
        merged = f" [event {i.merged}, {len(group)} reports]" if len(group) > 1 else ""
        others = f"  {', '.join(i.others)}" if i.others else ""
        print(f"{i.date or '----------'}  {i.kind:5s} {i.role:7s} {i.type}{extra}{merged}{others}")
        print(f"    {' '.join(i.text.split())}")
        for r in group:
            mod = f" ({r.modality})" if len(group) > 1 and r.modality else ""
            print(f"    #{r.doc} {r.outlet or ''}{mod} {_url(r.url)}".rstrip())
    print(f"marsad: {len(groups)} item(s), {len(items)} report(s)", file=sys.stderr)
    return 0


@_pipe_safe
def cmd_stories(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    with _open(args) as store:
        stories = store.stories(min_docs=args.min_docs)
    if args.format == "jsonl":
        _jsonl(asdict(s) for s in stories)
        return 0
    for s in stories:
        print(
            f"story {s.id}: {s.n_docs} articles, {s.n_outlets} outlets, "
            f"{s.n_reprints} reprints, {s.n_independent} independent  "
            f"{s.first_published or '-'}  {s.title}"
        )
        for d in s.docs:
            kind = "reprint" if d["reprint"] else "       "
            print(
                f"    #{d['doc']} {d['published'] or '-'} {d['outlet'] or '-'} {kind} "
                f"sim={d['similarity']:.2f} {_url(d['url'])}".rstrip()
            )
    print(f"marsad: {len(stories)} stor(y/ies)", file=sys.stderr)
    return 0


@_pipe_safe
def cmd_relations(args: argparse.Namespace) -> int:
    with _open(args) as store:
        rows = store.relations(args.entity)
    if args.format == "jsonl":
        _jsonl(rows)
        return 0
    for r in rows:
        print(
            f"{r['month'] or '-------'}  {r['type']:10s} {r['events']:4d}  "
            f"{r['source_name'] or r['source']} → {r['target_name'] or r['target']}"
        )
    return 0


# --- export ---------------------------------------------------------------------------------


def export_rows(store: Any, what: str) -> Iterator[dict[str, Any]]:
    """Rows of one export; events use the flat event record (:func:`marsad.export.
    event_records`), plus store columns."""
    if what != "events":
        yield from store.export(what)
        return
    from marsad.export import event_records

    merged = {(r["doc"], r["local_id"]): r for r in store.export("events")}
    for did in store.doc_ids():
        doc = store.get(did)
        if doc is None or not doc.events:
            continue
        for row in event_records(doc):
            m = merged.get((did, row.get("event")), {})
            yield {
                "doc": did,
                "merged": m.get("merged"),
                "date": m.get("date"),
                **row,
            }


def plover_rows(store: Any) -> Iterator[dict[str, Any]]:
    """PLOVER records of every event in the store, with the store's merged-event id."""
    from marsad.export import plover_records

    merged = {(r["doc"], r["local_id"]): r for r in store.export("events")}
    for did in store.doc_ids():
        doc = store.get(did)
        if doc is None or not doc.events:
            continue
        for rec in plover_records(doc, index=did):
            local = rec["id"].rsplit("-", 1)[-1]
            rec["link"] = merged.get((did, local), {}).get("merged")
            yield rec


def input_rows(
    args: argparse.Namespace, on_error: Callable[[MarsadError], None]
) -> Iterator[dict[str, Any]]:
    """Event rows (or PLOVER records) of the INPUT paths: articles analysed, marsad outputs
    read back."""
    from marsad.export import event_records, iter_documents, plover_records

    docs = iter_documents(
        args.inputs,
        input_format=args.input_format,
        published=args.published,
        outlet=args.outlet,
    )
    for n, doc in enumerate(docs, start=1):
        if isinstance(doc, MarsadError):
            on_error(doc)
            continue
        if args.format == "plover":
            yield from plover_records(doc, index=n)
        else:
            for row in event_records(doc):
                if row.get("article") is None:
                    row["article"] = f"doc{n}"
                yield row


@_pipe_safe
def cmd_export(args: argparse.Namespace) -> int:
    from marsad.export import csv_safe

    status = 0
    if args.inputs:
        if args.db:
            raise MarsadError(Code.E012, "give INPUT paths or --db, not both")
        if args.what != "events":
            raise MarsadError(
                Code.E012, f"only events export from INPUT paths (ingest them for {args.what})"
            )

        def on_error(err: MarsadError) -> None:
            nonlocal status
            status = 1
            _err(err.line())

        rows = list(input_rows(args, on_error))
    else:
        args.db = args.db or _default_db()
        if args.format == "plover" and args.what != "events":
            raise MarsadError(Code.E012, "--format plover exports events only")
        with _open(args) as store:
            rows = list(
                plover_rows(store) if args.format == "plover" else export_rows(store, args.what)
            )
    if args.format == "parquet":
        try:
            import pyarrow as pa  # type: ignore[import-not-found, unused-ignore]
            import pyarrow.parquet as pq  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise MarsadError(Code.E012, "--format parquet needs pyarrow") from None
        if not args.output:
            raise MarsadError(Code.E012, "--format parquet needs -o FILE")
        pq.write_table(pa.Table.from_pylist(rows), args.output)
        return status
    out: TextIO
    try:
        out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    except OSError as exc:
        raise MarsadError(Code.E011, exc.strerror or str(exc), source=args.output) from None
    try:
        if args.format in ("jsonl", "plover"):
            _jsonl(rows, out)
        else:
            cols: dict[str, None] = {}
            for r in rows:
                cols.update(dict.fromkeys(r))
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=list(cols))
            w.writeheader()
            for r in rows:
                w.writerow({k: csv_safe(v) for k, v in r.items()})
            out.write(buf.getvalue())
    finally:
        if out is not sys.stdout:
            out.close()
    return status


def _default_db() -> str:
    from marsad.store.sqlite import DEFAULT_DB

    return str(DEFAULT_DB)
