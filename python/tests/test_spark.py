"""`claimscrub.spark` on PyPI pyspark: `local[2]` and, with separate executor processes,
`local-cluster[2,1,1024]`. Findings must be the CLI's on the same claims."""

from __future__ import annotations

import json
import os
import sys

import pytest

pyspark = pytest.importorskip("pyspark")
from pyspark import SparkFiles  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

import claimscrub  # noqa: E402
from claimscrub import spark as cs  # noqa: E402
from conftest import AS_OF, cli_json, finding_key, run_cli  # noqa: E402
from test_arrow import as_record  # noqa: E402
from test_engine import CLAIM  # noqa: E402

MASTERS = os.environ.get("CLAIMSCRUB_SPARK_MASTERS", "local[2];local-cluster[2,1,1024]").split(";")


@pytest.fixture(scope="module", params=MASTERS)
def spark(request):
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    s = (
        SparkSession.builder.master(request.param)
        .appName("claimscrub-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.executorEnv.PYTHONPATH", os.pathsep.join(sys.path))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "500")
        .getOrCreate()
    )
    yield s
    s.stop()


def records(df) -> list[dict]:
    return sorted((as_record(r.asDict()) for r in df.collect()), key=finding_key)


def cli_records(doc: dict, row_lines: bool = False) -> list[dict]:
    out = []
    for c in doc["claims"]:
        for f in c["findings"]:
            if row_lines and "location" in f:
                # One claim per row: a location's text line is the row's (1), not the file's.
                f["location"]["line"] = 1
            out.append(f)
    return sorted(out, key=finding_key)


def test_ndjson_findings_match_the_cli(spark, cli, generated):
    df = spark.read.text(str(generated["ndjson"])).withColumn("row", F.monotonically_increasing_id())
    got = cs.scrub(df, claim_col="value", format="json", as_of=AS_OF)
    assert got.columns[:1] == ["row"]
    want = cli_records(cli_json(cli, str(generated["ndjson"])), row_lines=True)
    assert len(want) > 100
    assert records(got) == want


def test_x12_files_match_the_cli(spark, cli, generated, tmp_path):
    # Two files, each one row, exploded into the findings of every claim in it.
    d = tmp_path / "x12"
    d.mkdir()
    (d / "a.837").write_bytes(generated["x12"].read_bytes())
    (d / "b.837").write_bytes(generated["x12"].read_bytes().replace(b"*C0", b"*D0"))
    df = cs.read_x12(spark, str(d))
    got = cs.scrub(df, claim_col="content", format="x12", as_of=AS_OF)
    assert {"file", "length"} <= set(got.columns)
    want = cli_records(cli_json(cli, str(d / "a.837"))) + cli_records(cli_json(cli, str(d / "b.837")))
    assert records(got) == sorted(want, key=finding_key)


def test_broken_claims_are_error_rows(spark, cli, tmp_path):
    broken = ['{"id": "BAD", "lines": 7}', "{not json", json.dumps(CLAIM)[:-1]]
    good = [json.dumps(CLAIM | {"id": f"OK-{i}"}) for i in range(20)]
    df = spark.createDataFrame([(i, t) for i, t in enumerate(good + broken)], "n long, claim string")
    rows = [r.asDict() for r in cs.scrub(df, as_of=AS_OF).collect()]
    errors = sorted((r for r in rows if r["status"] == "unreadable"), key=lambda r: r["n"])
    assert [r["n"] for r in errors] == list(range(20, 23))
    for r, text in zip(errors, broken):
        path = tmp_path / f"broken-{r['n']}.json"
        path.write_text(text)
        doc = json.loads(run_cli(cli, "check", "--format", "json", "--input-format", "json", "--as-of", AS_OF, str(path)).stdout)
        (entry,) = doc["claims"]
        want = entry["error"] | {"file": "claim"}
        assert json.loads(r["error"]) == want
        assert r["message"] == want["message"]
    assert {r["claim_id"] for r in rows if r["status"] == "checked"} == {f"OK-{i}" for i in range(20)}


def test_user_code_sets_are_shipped_to_the_executors(spark, cli, generated, tmp_path):
    # A CPT file of our own (generated here, never committed) that lacks 99214 and 93000.
    src = tmp_path / "cms"
    src.mkdir()
    (src / "cpt_user.txt").write_text(
        "code\tdescription\n" + "".join(f"{c}\tsynthetic test code {c}\n" for c in ("99213", "36415", "80053", "87880"))
    )
    sets = tmp_path / "my-codesets"
    run_cli(cli, "codesets", "build", "--from", str(src), "--out", str(sets))
    df = spark.read.text(str(generated["ndjson"]))
    got = records(cs.scrub(df, claim_col="value", as_of=AS_OF, codesets=str(sets)))
    want = cli_records(cli_json(cli, "--codesets", str(sets), str(generated["ndjson"])), row_lines=True)
    assert got == want
    assert got != records(cs.scrub(df, claim_col="value", as_of=AS_OF))
    # The executors read the shipped copy: the directory, unpacked in their SparkFiles root.
    sc = spark.sparkContext

    def shipped(_):
        root = SparkFiles.getRootDirectory()
        return sorted(
            sorted(os.listdir(os.path.join(root, d)))
            for d in os.listdir(root)
            if d.startswith("my-codesets-") and os.path.isdir(os.path.join(root, d))
        )

    want_files = sorted(os.listdir(sets))
    assert sc.parallelize(range(2), 2).map(shipped).collect() == [[want_files], [want_files]]


def test_summary_matches_the_cli(spark, cli, generated):
    df = spark.read.text(str(generated["ndjson"]))
    rows = [r.asDict() for r in cs.scrub_summary(df, claim_col="value", as_of=AS_OF).collect()]
    want = cli_json(cli, str(generated["ndjson"]))["summary"]
    total = rows[0]
    assert total["group"] == "all"
    for k in ("claims", "checked", "unreadable", "clean", "errors", "warnings", "infos"):
        assert total[k] == want[k], k
    assert total["clean_rate"] == pytest.approx(want["clean_rate"])
    assert total["charges_at_risk"] == pytest.approx(want["charges_at_risk"])
    assert total["total_charges"] == pytest.approx(want["total_charges"])
    by_rule = {r["key"]: r["findings"] for r in rows if r["group"] == "rule"}
    assert by_rule == want["by_rule"]
    by_category = {r["key"]: r["findings"] for r in rows if r["group"] == "category"}
    assert by_category == want["by_category"]
    carcs = {r["key"] for r in rows if r["group"] == "carc"}
    assert carcs and all(c[:2] in ("CO", "PR", "OA", "PI", "CR") for c in carcs)


def test_bad_rules_fail_on_the_driver_with_the_cli_message(spark):
    df = spark.createDataFrame([("{}",)], "claim string")
    with pytest.raises(claimscrub.ConfigError, match="cannot read rules from"):
        cs.scrub(df, rules="/nonexistent/rules")
