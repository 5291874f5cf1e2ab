"""The workbench app: the HTTP API and the browser UI in one FastAPI application.

Limits are named constants below. Every error is JSON with a code from
:mod:`marsad.errors`::

    {"error": {"code": "E004", "message": "input is over the size limit", "detail": "..."}}

413 (E004) for a body or document over the limit, 400 (E014) for malformed JSON, 400 (E003,
E005, E007, E008, E009) for unusable input, 404 (E015) for an unknown id or path, 408/504
(E016) when reading the body or the analysis takes too long, 415 (E012) for an unsupported
content type, 500 (E017) for a bug. CORS is off unless origins are given.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import csv
import io
import json
import re
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad.errors import MESSAGES, Code, MarsadError
from marsad.model import Document
from marsad.pipeline import DEFAULT_PIPELINE, Pipeline

#: Largest document accepted, in bytes of UTF-8 text (1 MiB).
MAX_DOCUMENT_BYTES = 1024 * 1024
#: Largest request body for one document: JSON escapes can make text up to six times longer
#: (``\\u0627``), plus the other fields.
MAX_SINGLE_BODY_BYTES = 6 * MAX_DOCUMENT_BYTES + 64 * 1024
#: Most documents in one ``POST /documents`` request.
MAX_BATCH_DOCUMENTS = 100
#: Largest request body for a batch of documents.
MAX_BATCH_BODY_BYTES = 32 * 1024 * 1024
#: Seconds a client may take to send its body (per chunk) before 408.
BODY_TIMEOUT_S = 30.0
#: Seconds one analysis may take before 504 (the request ends; the worker finishes alone).
ANALYZE_TIMEOUT_S = 60.0
#: Seconds one corpus query or write may take before 504.
STORE_TIMEOUT_S = 60.0
#: Threads analysing documents.
ANALYZE_WORKERS = 4

STATIC_DIR = Path(__file__).with_name("static")

#: ``Host`` names a loopback server answers to (with any port).
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "[::1]")
#: Content types a cross-site HTML form can send without a CORS preflight: refused by the
#: endpoints that store anything, so another web page cannot write into the corpus.
FORM_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)

#: Content-Security-Policy of the UI: only the app's own scripts and styles, nothing inline;
#: so even markup that slipped into the page could not run.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

T = TypeVar("T")


class ApiError(Exception):
    """An HTTP error with a marsad code."""

    def __init__(self, status: int, code: Code, detail: str = "") -> None:
        super().__init__(f"{code.value} {detail}")
        self.status = status
        self.code = code
        self.detail = detail


def error_body(code: Code, detail: str = "") -> dict[str, Any]:
    return {"error": {"code": code.value, "message": MESSAGES[code], "detail": detail}}


def _status_of(code: Code) -> int:
    return {Code.E004: 413, Code.E015: 404, Code.E016: 504, Code.E013: 500, Code.E017: 500}.get(
        code, 400
    )


class _Backend:
    """The pipeline, the analysis threads and the corpus (on one thread of its own)."""

    def __init__(
        self,
        db: str | Path | None,
        pipeline: Pipeline | Sequence[str] | None,
        upload_dir: Path,
    ) -> None:
        self.db_path = None if db is None else str(db)
        self._pipeline_spec = pipeline
        self._pipeline: Pipeline | None = pipeline if isinstance(pipeline, Pipeline) else None
        self._lock = threading.Lock()
        self.analyzers = concurrent.futures.ThreadPoolExecutor(
            ANALYZE_WORKERS, thread_name_prefix="marsad-analyze"
        )
        self.store_thread = concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="marsad-store"
        )
        self.upload_dir = upload_dir
        self._corpus: Any = None

    @property
    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                spec = self._pipeline_spec
                names = DEFAULT_PIPELINE if spec is None or isinstance(spec, Pipeline) else spec
                self._pipeline = Pipeline(list(names))
            return self._pipeline

    def corpus(self) -> Any:
        """The :class:`~marsad.web.corpus.Corpus` (call on the store thread only)."""
        if self.db_path is None:
            raise ApiError(404, Code.E015, "no corpus: start the server with --db FILE")
        if self._corpus is None:
            from marsad.store import open_store
            from marsad.web.corpus import Corpus

            self._corpus = Corpus(open_store(self.db_path, pipeline=self.pipeline))
        return self._corpus

    def close(self) -> None:
        def shut() -> None:
            if self._corpus is not None:
                self._corpus.store.close()
                self._corpus = None

        self.store_thread.submit(shut).result(timeout=30)
        self.store_thread.shutdown(wait=True)
        self.analyzers.shutdown(wait=False, cancel_futures=True)

    async def analyze(self, rec: Mapping[str, Any]) -> Document:
        pipeline = self.pipeline

        def run() -> Document:
            return pipeline.analyze(
                rec["text"],
                published=rec.get("published"),
                outlet=rec.get("outlet"),
                url=rec.get("url"),
                id=rec.get("id"),
            )

        return await _run(self.analyzers, run, ANALYZE_TIMEOUT_S, "analysis")

    async def query(self, fn: Callable[[Any], T]) -> T:
        def run() -> T:
            return fn(self.corpus())

        return await _run(self.store_thread, run, STORE_TIMEOUT_S, "corpus query")


async def _run(
    pool: concurrent.futures.ThreadPoolExecutor, fn: Callable[[], T], timeout: float, what: str
) -> T:
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(pool, fn), timeout)
    except TimeoutError:
        raise ApiError(504, Code.E016, f"{what} took over {timeout:g} s") from None


# --- request bodies ---------------------------------------------------------------------------


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, at most ``limit`` bytes (413 E004 beyond), each chunk within
    :data:`BODY_TIMEOUT_S` (408 E016)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            n = int(declared)
        except ValueError:
            raise ApiError(400, Code.E008, "bad Content-Length") from None
        if n > limit:
            raise ApiError(413, Code.E004, f"request body of {n:,} bytes > {limit:,} bytes")
    chunks: list[bytes] = []
    size = 0
    stream = request.stream().__aiter__()
    while True:
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), BODY_TIMEOUT_S)
        except StopAsyncIteration:
            break
        except TimeoutError:
            raise ApiError(408, Code.E016, "request body not received in time") from None
        size += len(chunk)
        if size > limit:
            raise ApiError(413, Code.E004, f"request body over {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes) -> Any:
    if not body.strip():
        raise ApiError(400, Code.E014, "empty body")
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ApiError(400, Code.E002, f"byte at offset {exc.start}") from None
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, Code.E014, str(exc)[:200]) from None


_FIELDS = ("published", "outlet", "url", "id")


def check_record(obj: Any, where: str = "") -> dict[str, Any]:
    """A document record (``text`` and optional fields) checked field by field."""
    at = f"{where}: " if where else ""
    if not isinstance(obj, dict):
        raise ApiError(400, Code.E007, f"{at}expected an object with a 'text' field")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ApiError(400, Code.E007, f"{at}'text' must be a string")
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_DOCUMENT_BYTES:
        raise ApiError(
            413,
            Code.E004,
            f"{at}text of {size:,} bytes > {MAX_DOCUMENT_BYTES:,} bytes (MAX_DOCUMENT_BYTES)",
        )
    rec: dict[str, Any] = {"text": text}
    for k in _FIELDS:
        v = obj.get(k)
        if (v is not None and not isinstance(v, str | int)) or isinstance(v, bool):
            raise ApiError(400, Code.E008, f"{at}{k!r} must be a string")
        rec[k] = None if v is None or v == "" else str(v)
    return rec


def doc_json(doc: Document, tokens: bool = False) -> dict[str, Any]:
    return doc.to_dict(tokens=tokens)


#: Uploads of one name kept side by side (``a.txt``, ``a-1.txt`` …) before the last is reused.
MAX_UPLOAD_VERSIONS = 1000
#: Characters kept in an uploaded file's name; anything else becomes ``_``.
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


def safe_upload_path(folder: Path, name: str) -> Path:
    """Where an upload called ``name`` is saved: always a plain file directly in ``folder``.

    Only the last path component is kept (``../../etc/passwd`` → ``passwd``); characters
    other than letters, digits, ``.``, ``-`` and ``_`` become ``_``; leading dots go. The
    result is checked to lie inside ``folder`` after resolving links; an existing file is
    not overwritten (``a.txt`` → ``a-1.txt``).
    """
    base = re.split(r"[\\/]", name)[-1]
    base = _UNSAFE_NAME.sub("_", base).lstrip(".")[:120] or "upload"
    root = folder.resolve()
    path = (root / base).resolve()
    stem, suffix = path.stem, path.suffix
    n = 1
    while path.exists() and n < MAX_UPLOAD_VERSIONS:  # never overwrite an earlier upload
        path = root / f"{stem}-{n}{suffix}"
        n += 1
    if path.parent != root or path.is_symlink():
        raise ApiError(400, Code.E008, f"unsafe file name {name!r}")
    return path


def _csv(rows: list[dict[str, Any]], cols: Sequence[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(cols)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    return buf.getvalue()


def _cell(v: Any) -> str:
    s = "" if v is None else str(v)
    # spreadsheet formula injection: a cell starting with = + - @ is shown as text
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


# --- the app ----------------------------------------------------------------------------------


def create_app(
    db: str | Path | None = None,
    *,
    pipeline: Pipeline | Sequence[str] | None = None,
    upload_dir: str | Path | None = None,
    cors_origins: Sequence[str] = (),
    allowed_hosts: Sequence[str] | None = LOOPBACK_HOSTS,
) -> FastAPI:
    """The workbench app. ``db`` is the corpus file (corpus endpoints answer 404 E015
    without one); uploads are saved in ``upload_dir`` (a fresh temporary folder if None).

    ``allowed_hosts`` are the ``Host`` header values served (others get 400): by default
    the loopback names only, which stops DNS-rebinding pages from reaching a local server;
    ``None`` serves any host (for a server bound to a public interface)."""
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if upload_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="marsad-uploads-")
        folder = Path(tmp.name)
    else:
        folder = Path(upload_dir)
        folder.mkdir(parents=True, exist_ok=True)
    backend = _Backend(db, pipeline, folder)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # build the pipeline (data loading, about a second) before serving the first request
        await asyncio.get_running_loop().run_in_executor(
            backend.analyzers, lambda: backend.pipeline
        )
        yield
        backend.close()
        if tmp is not None:
            tmp.cleanup()

    app = FastAPI(
        title="marsad workbench",
        version=_version(),
        summary="Arabic news → entities, times, quantities, quotes and events, with offsets.",
        description=(
            "Every fact points to exact character offsets in the article text. Errors are "
            'JSON objects `{"error": {"code", "message", "detail"}}` with codes '
            "from `marsad.errors`."
        ),
        docs_url=None,  # the bundled /docs page works offline (no CDN)
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.backend = backend
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
        )

    hosts = None if allowed_hosts is None else {h.lower().strip("[]") for h in allowed_hosts}

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        if hosts is not None:
            name = _host_name(request.headers.get("host", ""))
            if name not in hosts:
                return JSONResponse(
                    error_body(Code.E008, f"Host {name!r} is not served here"), status_code=400
                )
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.detail), status_code=exc.status)

    @app.exception_handler(MarsadError)
    async def on_marsad_error(request: Request, exc: MarsadError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.detail), status_code=_status_of(exc.code))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: Code.E015, 405: Code.E012, 413: Code.E004}.get(exc.status_code, Code.E012)
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors()[:5]:
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{loc}: {e.get('msg', '')}")
        return JSONResponse(error_body(Code.E008, "; ".join(parts)), status_code=400)

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(error_body(Code.E017, type(exc).__name__), status_code=500)

    record_schema = {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "description": "the article text (≤ 1 MiB UTF-8)"},
            "published": {"type": "string", "format": "date", "example": "2024-10-11"},
            "outlet": {"type": "string"},
            "url": {"type": "string"},
            "id": {"type": "string"},
        },
    }
    error_responses: dict[int | str, dict[str, Any]] = {
        400: {"description": "malformed JSON (E014) or unusable input (E003, E007, E008 …)"},
        413: {"description": "document over 1 MiB (E004)"},
        504: {"description": "analysis timed out (E016)"},
    }

    # --- analysis ---------------------------------------------------------------------------

    @app.post(
        "/analyze",
        tags=["analysis"],
        summary="Analyse one article (nothing is stored)",
        response_description="the marsad.document/1 JSON",
        responses=error_responses,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": record_schema},
                    "text/plain": {"schema": {"type": "string"}},
                },
            }
        },
    )
    async def analyze(
        request: Request,
        tokens: bool = Query(False, description="include tokens and clitic segments"),
        published: str | None = Query(None, description="for a text/plain body"),
        outlet: str | None = Query(None, description="for a text/plain body"),
    ) -> dict[str, Any]:
        body = await read_body(request, MAX_SINGLE_BODY_BYTES)
        ctype = _content_type(request) or "application/json"
        if ctype == "text/plain":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ApiError(400, Code.E002, f"byte at offset {exc.start}") from None
            rec = check_record({"text": text, "published": published, "outlet": outlet})
        elif ctype == "application/json":
            rec = check_record(parse_json(body))
        else:
            raise ApiError(415, Code.E012, f"content type {ctype!r}: use application/json")
        doc = await backend.analyze(rec)
        return doc_json(doc, tokens)

    @app.post(
        "/uploads",
        tags=["analysis"],
        summary="Upload one article file (text or HTML) and analyse it",
        description=(
            "The raw file is the body; `name` is its file name. It is saved inside the "
            "server's upload folder under a sanitised name (never outside it) and analysed; "
            "`ingest=true` also stores it in the corpus."
        ),
        responses=error_responses,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        },
    )
    async def upload(
        request: Request,
        name: str = Query("upload.txt", max_length=255),
        published: str | None = None,
        outlet: str | None = None,
        ingest: bool = False,
    ) -> dict[str, Any]:
        from marsad.io import check_text, decode, detect_format, html_to_text

        _refuse_form_types(request)
        body = await read_body(request, MAX_DOCUMENT_BYTES)
        path = safe_upload_path(backend.upload_dir, name)
        path.write_bytes(body)
        text = decode(body, path.name)
        fmt = detect_format(path.name, text[:65536])
        if fmt == "jsonl":
            raise ApiError(415, Code.E012, "JSONL uploads: use POST /documents")
        if fmt == "html":
            text = html_to_text(text)
        check_text(text, path.name)
        rec = check_record(
            {"text": text, "published": published, "outlet": outlet, "id": Path(path).stem}
        )
        doc = await backend.analyze(rec)
        if fmt == "html":
            doc = doc.warn(Code.W005.value, "offsets index the extracted text", "input")
        out = doc_json(doc)
        out["upload"] = {"file": path.name}
        if ingest:
            stored = await backend.query(lambda c: c.add(doc))
            out["upload"].update(stored)
        return out

    # --- the corpus -------------------------------------------------------------------------

    @app.post(
        "/documents",
        tags=["corpus"],
        summary="Analyse and store one document, or a list of them",
        description=(
            f"One object, or a list of at most {MAX_BATCH_DOCUMENTS} objects. With a list, "
            "each item gets its own result (a bad item does not stop the others)."
        ),
        responses=error_responses,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                record_schema,
                                {"type": "array", "items": record_schema},
                            ]
                        }
                    }
                },
            }
        },
    )
    async def post_documents(request: Request) -> dict[str, Any]:
        ctype = _content_type(request)
        if ctype != "application/json":
            raise ApiError(415, Code.E012, f"content type {ctype!r}: use application/json")
        body = await read_body(request, MAX_BATCH_BODY_BYTES)
        obj = parse_json(body)
        if isinstance(obj, list):
            if len(obj) > MAX_BATCH_DOCUMENTS:
                raise ApiError(
                    413, Code.E004, f"{len(obj)} documents > {MAX_BATCH_DOCUMENTS} per request"
                )
            if not obj:
                raise ApiError(400, Code.E007, "empty list")
            results: list[dict[str, Any]] = []
            for i, item in enumerate(obj):
                try:
                    results.append(await _ingest_one(check_record(item, f"[{i}]")))
                except (ApiError, MarsadError) as exc:
                    err = error_body(exc.code, exc.detail)["error"]
                    results.append({"status": "failed", "index": i, "error": err})
            counts = {
                s: sum(1 for r in results if r["status"] == s)
                for s in ("added", "updated", "unchanged", "failed")
            }
            return {**counts, "results": results}
        return await _ingest_one(check_record(obj))

    async def _ingest_one(rec: dict[str, Any]) -> dict[str, Any]:
        doc = await backend.analyze(rec)
        result: dict[str, Any] = await backend.query(lambda c: c.add(doc))
        return result

    @app.get("/documents", tags=["corpus"], summary="List stored documents")
    async def list_documents(
        outlet: str | None = None,
        date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
        date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
        limit: int = Query(100, ge=1, le=1000),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        _dates(date_from, date_to)
        result: dict[str, Any] = await backend.query(
            lambda c: c.documents(
                outlet=outlet, date_from=date_from, date_to=date_to, limit=limit, offset=offset
            )
        )
        return result

    @app.get(
        "/documents/{doc_id}",
        tags=["corpus"],
        summary="One stored document (marsad.document/1); by corpus number or document id",
        responses={404: {"description": "unknown id (E015)"}},
    )
    async def get_document(doc_id: str, tokens: bool = False) -> dict[str, Any]:
        doc = await backend.query(lambda c: c.document(doc_id))
        if doc is None:
            raise ApiError(404, Code.E015, f"no document {doc_id!r}")
        d = doc_json(doc, tokens)
        return d

    @app.get("/entities", tags=["corpus"], summary="Entities in the corpus, by name or id")
    async def list_entities(
        q: str = Query("", max_length=200, description="Arabic or English name, KB or QID"),
        type: str | None = Query(None, description="PERSON, ORG, GPE …"),
        limit: int = Query(100, ge=1, le=1000),
    ) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await backend.query(
            lambda c: c.entities(q, type=type, limit=limit)
        )
        return result

    @app.get(
        "/entities/{entity_id:path}/timeline",
        tags=["corpus"],
        summary="Events and quotes of one entity, in date order",
        responses={404: {"description": "unknown id (E015)"}},
    )
    async def entity_timeline(entity_id: str) -> dict[str, Any]:
        def run(c: Any) -> dict[str, Any] | None:
            info = c.entity(entity_id)
            if info is None:
                return None
            return {
                "entity": {k: info[k] for k in ("id", "name_ar", "name_en", "wikidata", "type")},
                "items": c.timeline(entity_id),
            }

        out = await backend.query(run)
        if out is None:
            raise ApiError(404, Code.E015, f"no entity {entity_id!r}")
        return out

    @app.get(
        "/entities/{entity_id:path}",
        tags=["corpus"],
        summary="One entity: names, counts, and whom it met, praised, accused or attacked",
        responses={404: {"description": "unknown id (E015)"}},
    )
    async def get_entity(entity_id: str) -> dict[str, Any]:
        info = await backend.query(lambda c: c.entity(entity_id))
        if info is None:
            raise ApiError(404, Code.E015, f"no entity {entity_id!r}")
        result: dict[str, Any] = info
        return result

    event_cols = (
        "event doc published date type label cameo trigger source target location "
        "modality merged outlet url sentence"
    ).split()

    @app.get(
        "/events",
        tags=["corpus"],
        summary="Events, filtered; format=csv downloads a CSV file",
        response_model=None,
    )
    async def list_events(
        actor: str | None = Query(None, description="entity id or name (source or target)"),
        type: str | None = Query(None, description="PLOVER type or finer label"),
        date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
        date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
        modality: str | None = Query(None, description="asserted, reported, denied …"),
        doc: int | None = Query(None, description="corpus number of one document"),
        limit: int = Query(1000, ge=1, le=1000),
        format: str = Query("json", pattern="^(json|csv)$"),
    ) -> list[dict[str, Any]] | Response:
        from marsad.model import MODALITIES
        from marsad.web.corpus import check_choice

        _dates(date_from, date_to)
        mod = check_choice(modality, MODALITIES, "modality")
        rows: list[dict[str, Any]] = await backend.query(
            lambda c: c.events(
                actor=actor,
                type=type,
                date_from=date_from,
                date_to=date_to,
                modality=mod,
                doc=doc,
                limit=limit,
            )
        )
        if format == "csv":
            return Response(
                _csv(rows, event_cols),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="marsad-events.csv"'},
            )
        return rows

    @app.get(
        "/locations",
        tags=["corpus"],
        summary="Where events happened: places with coordinates and event counts (the map)",
    )
    async def list_locations(
        actor: str | None = Query(None, description="entity id or name (source or target)"),
        type: str | None = Query(None, description="PLOVER type or finer label"),
        date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
        date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
        modality: str | None = Query(None, description="asserted, reported, denied …"),
    ) -> list[dict[str, Any]]:
        from marsad.model import MODALITIES
        from marsad.web.corpus import check_choice

        _dates(date_from, date_to)
        mod = check_choice(modality, MODALITIES, "modality")
        rows: list[dict[str, Any]] = await backend.query(
            lambda c: c.locations(
                actor=actor, type=type, date_from=date_from, date_to=date_to, modality=mod
            )
        )
        return rows

    @app.get("/quotes", tags=["corpus"], summary="Quotes by speaker and/or relaying outlet")
    async def list_quotes(
        speaker: str | None = Query(None, description="entity id or name"),
        via: str | None = Query(None, description="entity id or name of the relaying outlet"),
        limit: int = Query(100, ge=1, le=1000),
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = await backend.query(
            lambda c: c.quotes(speaker=speaker, via=via, limit=limit)
        )
        return rows

    @app.get("/search", tags=["corpus"], summary="Full-text search (Arabic-aware) with filters")
    async def search(
        q: str = Query("", max_length=500),
        date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
        date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
        outlet: str | None = None,
        entity: str | None = None,
        type: str | None = Query(None, description="documents with an event of this type"),
        limit: int = Query(20, ge=1, le=1000),
    ) -> list[dict[str, Any]]:
        _dates(date_from, date_to)
        rows: list[dict[str, Any]] = await backend.query(
            lambda c: c.search(
                q,
                date_from=date_from,
                date_to=date_to,
                outlet=outlet,
                entity=entity,
                event_type=type,
                limit=limit,
            )
        )
        return rows

    @app.get("/health", tags=["service"], summary="Liveness and corpus status")
    async def health() -> dict[str, Any]:
        out: dict[str, Any] = {"status": "ok", "version": _version(), "corpus": None}
        if backend.db_path is not None:
            out["corpus"] = {"documents": await backend.query(lambda c: c.store.count())}
        return out

    # --- the UI -------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/docs", include_in_schema=False)
    async def docs() -> FileResponse:
        return FileResponse(STATIC_DIR / "docs.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _host_name(header: str) -> str:
    """``127.0.0.1:8000`` → ``127.0.0.1``; ``[::1]:8000`` → ``::1``."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[1:].split("]", 1)[0]
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _refuse_form_types(request: Request) -> None:
    ctype = _content_type(request)
    if ctype in FORM_CONTENT_TYPES:
        raise ApiError(
            415, Code.E012, f"content type {ctype!r}: send the file as application/octet-stream"
        )


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _dates(*values: str | None) -> None:
    for v in values:
        if v and not _DATE.match(v):
            raise ApiError(400, Code.E008, f"dates are YYYY-MM-DD, got {v!r}")


def _version() -> str:
    from marsad import __version__

    return __version__
