"""`Engine.check_arrow`: a RecordBatch of inputs in, a RecordBatch of findings out."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

import claimscrub
from conftest import AS_OF, finding_key
from test_engine import CLAIM


@pytest.fixture(scope="module")
def engine() -> claimscrub.Engine:
    return claimscrub.Engine(as_of=AS_OF)


def rows_of(batch: pa.RecordBatch) -> list[dict]:
    return batch.to_pylist()


def as_record(row: dict) -> dict:
    """A check_arrow row as the JSON report's finding record."""
    keys = [n for n, _ in claimscrub.FINDING_COLUMNS if n not in ("status", "error")]
    rec = {k: row[k] for k in keys}
    if rec["location"] is None:
        del rec["location"]
    else:
        rec["location"] = json.loads(rec["location"])
    return rec


def test_columns_are_the_finding_keys_then_status(engine):
    f = engine.check(CLAIM).findings[0]
    names = [n for n, _ in claimscrub.FINDING_COLUMNS]
    assert names == list(f) + ["status", "error"]


def test_findings_match_check_and_keys_are_carried(engine, generated):
    lines = generated["ndjson"].read_text().splitlines()
    batch = pa.RecordBatch.from_pydict(
        {"batch_id": list(range(len(lines))), "claim": lines, "source": ["gen"] * len(lines)}
    )
    out = engine.check_arrow(batch)
    assert out.schema.names[:2] == ["batch_id", "source"]
    rows = rows_of(out)
    want = engine.check("\n".join(lines)).findings
    got = [as_record(r) for r in rows]
    # Each row is its own document: a location's text line is the row's (1), not the file's.
    for w in want:
        if "location" in w:
            w["location"]["line"] = 1
    assert sorted(got, key=finding_key) == sorted(want, key=finding_key)
    assert all(r["status"] == "checked" for r in rows)
    for r in rows:
        assert lines[r["batch_id"]].startswith('{"id":"' + r["claim_id"] + '"')


def test_broken_and_null_rows_become_error_rows(engine):
    batch = pa.RecordBatch.from_pydict(
        {"k": [1, 2, 3, 4], "claim": [json.dumps(CLAIM), "{not json", None, "   "]}
    )
    rows = rows_of(engine.check_arrow(batch))
    errors = [r for r in rows if r["status"] == "unreadable"]
    assert [r["k"] for r in errors] == [2, 3, 4]
    want = engine.check("{not json").errors[0]
    assert json.loads(errors[0]["error"])["message"] == want["message"] == errors[0]["message"]
    assert {r["k"] for r in rows if r["status"] == "checked"} == {1}


def test_binary_and_large_columns_and_x12(engine, generated):
    x12 = generated["x12"].read_bytes()
    for t in (pa.binary(), pa.large_binary()):
        batch = pa.RecordBatch.from_arrays([pa.array([x12], t), pa.array(["f.837"])],
                                           names=["content", "file"])
        out = engine.check_arrow(batch, claim_col="content", format="x12")
        want = engine.check(x12, format="x12").findings
        assert sorted(map(as_record, rows_of(out)), key=finding_key) == sorted(want, key=finding_key)
        assert set(out.column("file").to_pylist()) == {"f.837"}


def test_wrong_column_and_type(engine):
    with pytest.raises(ValueError, match="no column `claim`"):
        engine.check_arrow(pa.RecordBatch.from_pydict({"x": ["{}"]}))
    with pytest.raises(ValueError, match="not string or binary"):
        engine.check_arrow(pa.RecordBatch.from_pydict({"claim": [1]}))
    with pytest.raises(ValueError, match="name of a finding column"):
        engine.check_arrow(pa.RecordBatch.from_pydict({"claim": ["{}"], "rule": ["x"]}))


def test_summary_matches_check(engine, generated):
    lines = generated["ndjson"].read_text().splitlines()
    s = engine.summary_arrow(pa.RecordBatch.from_pydict({"claim": lines}))
    want = engine.check("\n".join(lines)).summary
    assert {k: v for k, v in s.items() if k != "by_carc"} == want
    assert sum(s["by_carc"].values()) <= want["errors"] + want["warnings"] + want["infos"]
