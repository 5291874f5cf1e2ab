"""marsad batch: both engines give the same tables, a killed batch resumes, bad records land
in the errors table, and JSONL, JSONL.gz and Parquet inputs are read alike."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from marsad.batch import TABLES, read_table, run_batch
from marsad.batch.progress import Progress
from marsad.cli import main
from marsad.errors import MarsadError

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

SENTENCES = [
    "التقى وزير الخارجية نظيره التونسي في الرباط يوم الأحد.",
    "وقال المتحدث باسم الحكومة إن المفاوضات ستستأنف الأسبوع المقبل.",
    "أعلنت وزارة الصحة تسجيل 120 إصابة جديدة خلال 24 ساعة.",
    "وتظاهر آلاف الطلاب أمام البرلمان للمطالبة بإصلاح التعليم.",
    "وأكد الرئيس أن بلاده لن تتراجع عن قرارها.",
    "ارتفعت أسعار النفط بنسبة 3 في المئة في تعاملات الخميس.",
    "ووصل الوفد إلى القاهرة صباح اليوم في زيارة تستمر يومين.",
    "ونفى الجيش صحة التقارير التي تحدثت عن انسحاب قواته.",
    "وقالت الشركة في بيان: «سنواصل الاستثمار في المنطقة».",
    "وفاز الفريق المحلي بهدفين مقابل هدف واحد.",
    "وأشار التقرير إلى أن نسبة البطالة بلغت 15.3 في المئة.",
    "ودعا الأمين العام إلى وقف فوري لإطلاق النار.",
]
N_GOOD = 300
SHARD = 40
KILL_SHARD = 2  # many small shards: the kill lands midway


def make_records(n: int = N_GOOD, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    recs = []
    for i in range(n):
        k = rng.randint(3, 12)
        paras = [
            " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
            for _ in range(k // 2 + 1)
        ]
        recs.append(
            {
                "id": f"doc-{i:04d}",
                "url": f"https://example.org/news/{i}",
                "outlet": rng.choice(["وكالة أ", "صحيفة ب"]),
                "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "text": "\n".join(paras),
            }
        )
    return recs


#: Bad records inserted at fixed positions: (position, JSONL line, expected code).
BAD = [
    (5, "this is not json", "E006"),
    (77, json.dumps({"id": "empty", "text": "   "}), "E003"),
    (150, json.dumps({"id": "no-text", "title": "بلا نص"}), "E007"),
    (151, json.dumps({"id": "bad-date", "text": "خبر قصير.", "published": "أمس"}), "E008"),
    (233, json.dumps(["a", "list"]), "E006"),
]


def jsonl_lines() -> list[str]:
    lines = [json.dumps(r, ensure_ascii=False) for r in make_records()]
    for pos, line, _code in BAD:
        lines.insert(pos, line)
    return lines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("in") / "news.jsonl"
    path.write_text("\n".join(jsonl_lines()) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_out(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    run_batch(
        [corpus],
        out,
        engine="local",
        workers=2,
        shard_size=SHARD,
        pipeline=["segment"],
        progress=False,
    )
    return out


def table_files(out: Path) -> dict[str, bytes]:
    """Every table file and shard marker (not the run log), by relative path."""
    files = {}
    for sub in (*TABLES, "_success"):
        for p in sorted((out / sub).iterdir()):
            files[f"{sub}/{p.name}"] = p.read_bytes()
    return files


def test_every_record_is_a_document_or_an_error_once(local_out: Path) -> None:
    n = N_GOOD + len(BAD)
    docs = read_table(local_out, "documents")
    errors = [r for r in read_table(local_out, "errors") if r["step"] == "input"]
    doc_idx = [r["doc_index"] for r in docs]
    err_idx = [r["doc_index"] for r in errors]
    assert sorted(doc_idx + err_idx) == list(range(n))
    assert len(docs) == N_GOOD
    assert (local_out / "_SUCCESS").is_file()
    assert len(list((local_out / "documents").iterdir())) == -(-n // SHARD)
    # documents are in input order, ids kept, and the JSON is a marsad document
    assert doc_idx == sorted(doc_idx)
    first = json.loads(docs[0]["document"])
    assert first["schema"] == "marsad.document/1"
    assert docs[0]["doc_id"] == first["id"] == "doc-0000"
    assert docs[0]["n_tokens"] > 0 and first["sentences"]


def test_bad_records_land_in_the_errors_table(local_out: Path) -> None:
    errors = {r["doc_index"]: r for r in read_table(local_out, "errors")}
    for pos, _line, code in BAD:
        assert errors[pos]["code"] == code, errors[pos]
        assert errors[pos]["message"].startswith(code)
        assert errors[pos]["source"].endswith(f"news.jsonl:{pos + 1}")
    assert errors[77]["doc_id"] == "empty"
    assert errors[151]["doc_id"] == "bad-date"
    assert len(errors) == len(BAD)


def test_local_and_dask_give_identical_tables(
    corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    s = run_batch(
        [corpus],
        tmp_path,
        engine="dask",
        workers=2,
        shard_size=SHARD,
        pipeline=["segment"],
        progress=False,
    )
    assert s.documents == N_GOOD and s.errors == len(BAD)
    assert len(s.worker_rss_mb) >= 1  # the work ran in worker processes
    assert os.getpid() not in s.worker_rss_mb
    a, b = table_files(local_out), table_files(tmp_path)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_dask_on_a_given_scheduler(corpus: Path, local_out: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        rc = main(
            ["batch", str(corpus), "--out", str(tmp_path), "--scheduler", cluster.scheduler_address,
             "--shard-size", str(SHARD), "--pipeline", "segment", "--quiet"]
        )  # fmt: skip
        # the pipeline was built once per worker, before any task, by the plugin
        built = cluster_pipelines(distributed, cluster.scheduler_address)
    assert rc == 0
    assert built == [["segment"], ["segment"]]
    assert table_files(tmp_path) == table_files(local_out)
    run = json.loads((tmp_path / "_runs.jsonl").read_text().splitlines()[-1])
    assert run["engine"] == "dask" and run["scheduler"] == cluster.scheduler_address


def cluster_pipelines(distributed: Any, address: str) -> list[list[str]]:
    def names() -> list[list[str]]:
        from marsad.batch import worker

        return [list(k) for k in worker._PIPELINES]

    with distributed.Client(address) as client:
        return sorted(x for v in client.run(names).values() for x in v)


def test_same_input_same_bytes_whatever_the_workers(
    corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    run_batch(
        [corpus],
        tmp_path,
        engine="local",
        workers=1,
        shard_size=SHARD,
        pipeline=["segment"],
        progress=False,
    )
    assert table_files(tmp_path) == table_files(local_out)


def test_killed_batch_resumes_without_loss_or_duplicates(
    corpus: Path, local_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    cmd = [
        sys.executable, "-m", "marsad.cli", "batch", str(corpus), "--out", str(out),
        "--workers", "1", "--shard-size", str(KILL_SHARD), "--pipeline", "segment", "--quiet",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.DEVNULL)
    markers = out / "_success"
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if markers.is_dir() and len(list(markers.iterdir())) >= 3:
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the batch and its worker processes
        proc.wait()
    n_shards = -(-(N_GOOD + len(BAD)) // KILL_SHARD)
    done_before = {p.name: p.stat().st_mtime_ns for p in markers.iterdir()}
    assert 3 <= len(done_before) < n_shards, "the batch was not killed midway"
    assert not (out / "_SUCCESS").exists()

    s = run_batch(
        [corpus],
        out,
        engine="local",
        workers=2,
        shard_size=KILL_SHARD,
        pipeline=["segment"],
        progress=False,
    )
    assert s.shards_skipped == len(done_before)
    assert (out / "_SUCCESS").is_file()
    for name, mtime in done_before.items():  # complete shards were not redone
        assert (markers / name).stat().st_mtime_ns == mtime
    assert not [p for sub in TABLES for p in (out / sub).iterdir() if p.name.startswith(".")]
    docs = read_table(out, "documents")
    errors = read_table(out, "errors")
    idx = [r["doc_index"] for r in docs] + [r["doc_index"] for r in errors]
    assert sorted(idx) == list(range(N_GOOD + len(BAD)))  # none lost, none twice
    # the same rows as an uninterrupted run (other shard size, so compare rows, not files)
    for table in ("documents", "errors"):
        assert read_table(out, table) == read_table(local_out, table)
    # a third run has nothing to do
    s2 = run_batch(
        [corpus],
        out,
        engine="local",
        workers=1,
        shard_size=KILL_SHARD,
        pipeline=["segment"],
        progress=False,
    )
    assert s2.shards_skipped == n_shards and s2.documents == N_GOOD


def test_gzip_and_parquet_inputs_read_like_jsonl(local_out: Path, tmp_path: Path) -> None:
    lines = jsonl_lines()
    gz = tmp_path / "news.jsonl.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    out_gz = tmp_path / "gz"
    run_batch([gz], out_gz, workers=2, shard_size=SHARD, pipeline=["segment"], progress=False)

    recs = make_records()
    table = pa.table(
        {
            "id": [r["id"] for r in recs],
            "url": [r["url"] for r in recs],
            "outlet": [r["outlet"] for r in recs],
            "published": pa.array(
                [__import__("datetime").date.fromisoformat(r["published"]) for r in recs]
            ),
            "text": [r["text"] for r in recs],
            "extra": list(range(len(recs))),
        }
    )
    pq_path = tmp_path / "news.parquet"
    pq.write_table(table, pq_path)
    out_pq = tmp_path / "pq"
    run_batch([pq_path], out_pq, workers=2, shard_size=SHARD, pipeline=["segment"], progress=False)

    def docs(out: Path) -> list[str]:
        return [r["document"] for r in read_table(out, "documents")]

    assert docs(out_gz) == docs(local_out)
    assert docs(out_pq) == docs(local_out)  # the same documents (date column read as a date)
    assert read_table(out_pq, "errors") == []
    gz_err = [(r["doc_index"], r["code"]) for r in read_table(out_gz, "errors")]
    assert gz_err == [(pos, code) for pos, _line, code in BAD]


def test_cli_jsonl_output_with_full_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    recs = make_records(12, seed=3)
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs), encoding="utf-8")
    out = tmp_path / "out"
    rc = main(
        ["batch", str(src), "--out", str(out), "--format", "jsonl", "--workers", "1",
         "--pipeline", "segment,entities,times,quantities,quotes,events", "--quiet"]
    )  # fmt: skip
    assert rc == 0
    assert "12 documents, 0 errors" in capsys.readouterr().err
    docs = read_table(out, "documents")
    assert len(docs) == 12
    assert (out / "documents" / "part-00000.jsonl").is_file()
    # the flat tables hold exactly what the documents hold
    for table, key in (("times", "times"), ("quantities", "quantities"), ("quotes", "quotes"),
                       ("events", "events"), ("entities", "entities")):  # fmt: skip
        rows = read_table(out, table)
        assert len(rows) == sum(len(json.loads(d["document"])[key]) for d in docs), table
    times = read_table(out, "times")
    assert times and all(r["text"] for r in times)
    text = {d["doc_index"]: json.loads(d["document"])["text"] for d in docs}
    for r in times + read_table(out, "quantities"):
        assert text[r["doc_index"]][r["start"] : r["end"]] == r["text"]


def test_other_settings_in_the_same_directory_are_refused(corpus: Path, local_out: Path) -> None:
    with pytest.raises(MarsadError) as exc:
        run_batch([corpus], local_out, shard_size=SHARD + 1, pipeline=["segment"], progress=False)
    assert exc.value.code.value == "E012" and "shard_size" in str(exc.value)


def test_bad_options_are_coded_errors(corpus: Path, tmp_path: Path) -> None:
    cases = [
        ({"engine": "spark"}, "E012"),
        ({"fmt": "csv"}, "E012"),
        ({"pipeline": ["segment", "nope"]}, "E010"),
        ({"pipeline": ["events"]}, "E010"),  # requires what no earlier component assigns
    ]
    for kwargs, code in cases:
        with pytest.raises(MarsadError) as exc:
            run_batch([corpus], tmp_path / "x", progress=False, **kwargs)
        assert exc.value.code.value == code, kwargs
    with pytest.raises(MarsadError) as exc:
        run_batch([tmp_path / "missing.jsonl"], tmp_path / "y", progress=False)
    assert exc.value.code.value == "E001"
    assert main(["batch", str(tmp_path / "a.csv"), "--out", str(tmp_path / "z")]) == 1


def test_progress_line_has_rate_and_eta() -> None:
    import io

    buf = io.StringIO()
    bar = Progress(200, stream=buf)
    bar.skip(50)
    bar.t0 -= 10  # ten seconds in
    bar.advance(50)
    line = bar.line()
    assert "100/200 docs" in line
    assert "5.0 docs/s" in line  # 50 analysed in 10 s (skipped records are not counted)
    assert "ETA 00:20" in line  # 100 left at 5 docs/s
    bar.close()
    assert "100/200" in buf.getvalue()


def test_a_dead_worker_or_an_interrupt_is_a_coded_error() -> None:
    from concurrent.futures.process import BrokenProcessPool

    from marsad.batch.run import _guarded

    def dies() -> Iterator[Any]:
        raise BrokenProcessPool("killed")
        yield

    def interrupted() -> Iterator[Any]:
        raise KeyboardInterrupt
        yield

    for gen in (dies, interrupted):
        with pytest.raises(MarsadError) as exc:
            list(_guarded(gen()))
        assert exc.value.code.value == "E018"
        assert "re-run" in str(exc.value)


def test_tables_are_written_in_row_groups_and_read_back_alike() -> None:
    import io

    from marsad.batch.tables import ROW_GROUP_ROWS, decode, encode

    n = 2 * ROW_GROUP_ROWS["documents"] + 5
    rows = [
        {"doc_index": i, "doc_id": f"d{i}", "n_chars": 10 + i, "document": "{}", "url": None}
        for i in range(n)
    ]
    data = encode("documents", rows, "parquet")
    assert pq.ParquetFile(io.BytesIO(data)).num_row_groups == 3
    back = decode(data, "parquet")
    assert back == decode(encode("documents", rows, "jsonl"), "jsonl")
    assert [r["doc_index"] for r in back] == list(range(n))
    assert back[7]["doc_id"] == "d7" and back[7]["url"] is None and back[7]["n_tokens"] is None
    assert encode("documents", rows, "parquet") == data  # deterministic
    empty = decode(encode("events", [], "parquet"), "parquet")
    assert empty == []
