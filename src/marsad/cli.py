"""The ``marsad`` command.

    marsad analyze [PATH ...|-] [--published YYYY-MM-DD] [--outlet NAME]
                   [--format json|jsonl|text|html] [-o OUT]
    marsad components        list the registered components

Exit status: 0 when every input was analysed, 1 when any input or record failed (each failure
is printed on one line with its code), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from marsad.errors import Code, MarsadError
from marsad.io import Record, read_path, read_sidecar
from marsad.model import Document

FORMATS = ("json", "jsonl", "text", "html")

#: Modules adding subcommands. Each defines ``register(subparsers) -> None``, which adds its
#: parser(s) and sets ``func=handler`` (``handler(args) -> int``) with ``set_defaults``.
#: Heavy optional dependencies are imported inside the handler, not at registration.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "marsad.batch.cli",
    "marsad.store.cli",
    "marsad.web.cli",
    "marsad.ner.cli",
)
_EXT = {"json": ".json", "jsonl": ".jsonl", "text": ".txt", "html": ".html"}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="marsad", description="Arabic news → structured data.")
    p.add_argument("--version", action="store_true", help="print the version and exit")
    sub = p.add_subparsers(dest="command")
    a = sub.add_parser("analyze", help="analyse articles (text, HTML or JSONL)")
    a.add_argument("paths", nargs="*", default=["-"], help="input files, or - for stdin")
    a.add_argument("--published", help="publication date YYYY-MM-DD (for inputs without one)")
    a.add_argument("--outlet", help="outlet name (for inputs without one)")
    a.add_argument("--url", help="article URL (single text input)")
    a.add_argument("--id", dest="doc_id", help="document id (single text input)")
    a.add_argument("--format", "-f", choices=FORMATS, default="json")
    a.add_argument("--input-format", choices=("text", "html", "jsonl"), help="skip detection")
    a.add_argument("-o", "--output", help="output file, or directory for several documents")
    a.add_argument("--tokens", action="store_true", help="include tokens in JSON output")
    a.add_argument("--pipeline", help="comma-separated component names (default: all)")
    sub.add_parser("components", help="list the registered components")
    for mod in SUBCOMMAND_MODULES:
        importlib.import_module(mod).register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.version:
        from marsad import __version__

        print(f"marsad {__version__}")
        return 0
    if args.command == "components":
        from marsad.pipeline import DEFAULT_PIPELINE, registry

        for name, info in registry().items():
            default = "*" if name in DEFAULT_PIPELINE else " "
            print(
                f"{default} {name:12s} requires: {', '.join(info.requires) or '-':30s} "
                f"assigns: {', '.join(info.assigns) or '-'}"
            )
        return 0
    if args.command == "analyze":
        try:
            return _analyze(args)
        except MarsadError as exc:
            _err(exc.line())
            return 1
        except BrokenPipeError:
            return 0
    if hasattr(args, "func"):
        try:
            return int(args.func(args))
        except MarsadError as exc:
            _err(exc.line())
            return 1
    _parser().print_help()
    return 2


def _err(line: str) -> None:
    print(f"marsad: {line}", file=sys.stderr)


def _records(args: argparse.Namespace) -> Iterator[tuple[str, Record | MarsadError]]:
    """(output stem, record or error) for every input document, in order."""
    for path in args.paths:
        stem = "stdin" if path == "-" else Path(path).stem
        items = list(read_path(path, args.input_format))
        many = len(items) > 1
        for i, item in enumerate(items, start=1):
            if isinstance(item, Record):
                is_jsonl = ":" in item.source and item.source.rsplit(":", 1)[1].isdigit()
                if not is_jsonl:
                    meta = read_sidecar(path)
                    item.id = item.id or meta.get("id") or (None if path == "-" else stem)
                    item.published = args.published or meta.get("published")
                    item.outlet = args.outlet or meta.get("outlet")
                    item.url = args.url or meta.get("url")
                    if args.doc_id:
                        item.id = args.doc_id
                else:
                    item.published = item.published or args.published
                    item.outlet = item.outlet or args.outlet
                name = item.id or (f"{stem}-{i}" if many else stem)
            else:
                name = str(item.extra.get("id") or (f"{stem}-{i}" if many else stem))
            yield _safe_name(name), item


def _safe_name(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._")
    return keep[:120] or "document"


def _analyze(args: argparse.Namespace) -> int:
    from marsad import error_document
    from marsad.pipeline import DEFAULT_PIPELINE, Pipeline
    from marsad.render import to_html, to_text

    names = [n.strip() for n in args.pipeline.split(",") if n.strip()] if args.pipeline else None
    pipeline = Pipeline(names or DEFAULT_PIPELINE)
    fmt: str = args.format
    out_arg: str | None = args.output
    status = 0

    results: Iterator[tuple[str, Document, bool]]

    def produce() -> Iterator[tuple[str, Document, bool]]:
        nonlocal status
        for name, item in _records(args):
            if isinstance(item, MarsadError):
                _err(item.line())
                status = 1
                rec = {"text": None, **item.extra}
                yield name, error_document(rec, item), False
                continue
            try:
                doc = pipeline.analyze(item.text, **item.fields())
            except MarsadError as exc:
                exc.source = exc.source or item.source
                _err(exc.line())
                status = 1
                yield name, error_document({"text": item.text, **item.fields()}, exc), False
                continue
            for code, msg in item.warnings:
                doc = doc.warn(code.value, msg, "input")
            yield name, doc, True

    results = produce()

    def render(doc: Document, ok: bool = True) -> str:
        if fmt in ("json", "jsonl"):
            d = doc.to_dict(tokens=args.tokens)
            if not ok and doc.warnings:
                d["error"] = {"code": doc.warnings[0].code, "message": doc.warnings[0].message}
            if fmt == "jsonl":
                return json.dumps(d, ensure_ascii=False) + "\n"
            return json.dumps(d, ensure_ascii=False, indent=1) + "\n"
        if fmt == "text":
            return to_text(doc)
        return to_html(doc)

    out_dir = (
        Path(out_arg) if out_arg and (Path(out_arg).is_dir() or out_arg.endswith("/")) else None
    )
    if fmt == "jsonl" or (fmt == "text" and out_dir is None):
        # one stream, in input order
        stream: TextIO
        if out_arg and out_dir is None:
            try:
                stream = open(out_arg, "w", encoding="utf-8")
            except OSError as exc:
                raise MarsadError(Code.E011, exc.strerror or str(exc), source=out_arg) from None
        else:
            stream = sys.stdout
        try:
            for _name, doc, ok in results:
                if fmt == "text" and not ok:
                    continue
                stream.write(render(doc, ok))
                stream.flush()
        finally:
            if stream is not sys.stdout:
                stream.close()
        return status

    # json / html / text into a directory: one file per document
    many = len(args.paths) > 1 or out_dir is not None
    buffered = list(results) if not many else None
    if buffered is not None and len(buffered) > 1:
        many = True
    if many and out_dir is None:
        if out_arg:
            out_dir = Path(out_arg)
        else:
            raise MarsadError(
                Code.E012, f"several documents need -o DIR with --format {fmt} (or use jsonl)"
            )
    if not many:
        assert buffered is not None
        for _name, doc, ok in buffered:
            if not ok:
                continue
            text = render(doc)
            if out_arg:
                _write(Path(out_arg), text)
            else:
                sys.stdout.write(text)
        return status
    assert out_dir is not None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MarsadError(Code.E011, exc.strerror or str(exc), source=str(out_dir)) from None
    seen: dict[str, int] = {}
    written = 0
    for name, doc, ok in buffered if buffered is not None else results:
        if not ok:
            continue
        n = seen.get(name, 0)
        seen[name] = n + 1
        fname = f"{name}{'-' + str(n + 1) if n else ''}{_EXT[fmt]}"
        _write(out_dir / fname, render(doc))
        written += 1
    print(f"marsad: wrote {written} file(s) to {out_dir}", file=sys.stderr)
    return status


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MarsadError(Code.E011, exc.strerror or str(exc), source=str(path)) from None


if __name__ == "__main__":
    sys.exit(main())
