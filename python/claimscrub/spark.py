"""claimscrub on Apache Spark: ``scrub`` and ``scrub_summary`` over a DataFrame.

Both run on ``DataFrame.mapInArrow``: each Arrow batch goes to the Rust engine whole (never a
call per row), and each Python worker builds its engine once (a lazy singleton) and keeps it
for every batch it is given. Rule directories and a compiled code-set directory named on the
driver are shipped to the executors (``SparkContext.addArchive`` for a directory,
``addFile`` for a file) and loaded from there (the code-set files are memory-mapped). Unreadable claims become error rows, never a failed task.

Findings match ``claimscrub check`` on the same claims, with one difference: a repeated
claim (same id twice) is recognised within an Arrow batch, not across the whole DataFrame.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from . import FINDING_COLUMNS, Engine

if TYPE_CHECKING:
    import pyarrow
    from pyspark.sql import DataFrame

__all__ = ["scrub", "scrub_summary", "read_x12"]

#: Most rows of one output batch: a file of a million findings leaves in bounded pieces.
OUTPUT_ROWS = 8192

_ENGINES: dict[str, Engine] = {}
#: Archives this driver has added to its SparkContext.
_SHIPPED: set[str] = set()
_LOCK = threading.Lock()


def _key(options: dict[str, Any]) -> str:
    return json.dumps(options, sort_keys=True)


def _engine(options: dict[str, Any]) -> Engine:
    """This worker's engine for these options, built on first use."""
    key = _key(options)
    with _LOCK:
        eng = _ENGINES.get(key)
        if eng is None:
            opts = dict(options)
            shipped = opts.pop("shipped", {})
            if shipped:
                from pyspark import SparkFiles

                def local(p: str) -> str:
                    return SparkFiles.get(shipped[p]) if p in shipped else p

                opts["rules"] = [local(r) for r in opts.get("rules", [])]
                if opts.get("codesets") is not None:
                    opts["codesets"] = local(opts["codesets"])
            eng = Engine(**opts)
            _ENGINES[key] = eng
        return eng


def _options(df: "DataFrame", engine_options: dict[str, Any], ship: bool) -> dict[str, Any]:
    """Engine options as every executor will read them: the driver's `as_of` (so a job that
    runs past midnight checks with one date), one thread per Spark task, and the rule and
    code-set directories shipped with `addFile`."""
    opts = dict(engine_options)
    rules = opts.get("rules")
    if rules is None:
        rules = []
    elif isinstance(rules, (str, os.PathLike)):
        rules = [rules]
    opts["rules"] = [os.fspath(r) for r in rules]
    if opts.get("codesets") is not None:
        opts["codesets"] = os.fspath(opts["codesets"])
    as_of = opts.get("as_of")
    opts["as_of"] = (as_of or date.today()).isoformat() if not isinstance(as_of, str) else as_of
    opts.setdefault("threads", 1)
    # Build the engine once on the driver: bad rules or code sets fail here, with the
    # command line's message, before any task starts.
    Engine(**opts)
    if ship:
        sc = df.sparkSession.sparkContext
        shipped: dict[str, str] = {}
        for p in opts["rules"] + ([opts["codesets"]] if opts.get("codesets") else []):
            shipped[p] = _ship(sc, os.path.abspath(p))
        opts["shipped"] = shipped
    return opts


def _ship(sc: Any, path: str) -> str:
    """Send a file (``addFile``) or a directory to every executor, and return the name
    ``SparkFiles.get`` finds it by there. Spark's ``addFile`` takes directories on local
    masters only, so a directory goes as a zip with ``addArchive``, unpacked on each node;
    the zip is named by the directory's content, so a changed directory is sent again."""
    if not os.path.isdir(path):
        sc.addFile(path)
        return os.path.basename(path)
    entries = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for f in sorted(files):
            st = os.stat(os.path.join(root, f))
            entries.append(f"{os.path.relpath(os.path.join(root, f), path)}:{st.st_size}:{st.st_mtime_ns}")
    digest = hashlib.sha256("\n".join([path, *entries]).encode()).hexdigest()[:16]
    name = f"{os.path.basename(path.rstrip(os.sep))}-{digest}"
    archive = os.path.join(tempfile.gettempdir(), "claimscrub-spark", name)
    if not os.path.exists(archive + ".zip"):
        os.makedirs(os.path.dirname(archive), exist_ok=True)
        shutil.make_archive(archive, "zip", root_dir=path)
    if name + ".zip" not in _SHIPPED:
        sc.addArchive(archive + ".zip")
        _SHIPPED.add(name + ".zip")
    return name + ".zip"


def _spark_type(arrow_type: str) -> Any:
    from pyspark.sql.types import LongType, StringType

    return {"string": StringType(), "int64": LongType()}[arrow_type]


def _conform(batch: "pyarrow.RecordBatch", like: "pyarrow.Schema") -> "pyarrow.RecordBatch":
    """Cast columns to the Arrow types Spark sends for the same Spark types (e.g. large
    strings), so Spark takes the batch back."""
    import pyarrow as pa

    if batch.schema.equals(like):
        return batch
    cols = [c.cast(f.type) for c, f in zip(batch.columns, like)]
    return pa.RecordBatch.from_arrays(cols, schema=like)


def scrub(
    df: "DataFrame",
    claim_col: str = "claim",
    format: str = "json",
    *,
    ship: bool = True,
    **engine_options: Any,
) -> "DataFrame":
    """Findings of every claim in ``df[claim_col]`` as a DataFrame.

    Each row of ``claim_col`` (string or binary) is one input: a JSON claim, NDJSON, a FHIR
    Claim or Bundle, or a whole X12 file (``format="x12"``; see ``read_x12``), which becomes
    one row per finding of each of its claims. The output has the input's other columns, then
    the finding columns of ``check --format json`` (``claimscrub.FINDING_COLUMNS``) with
    ``status`` (``checked`` or ``unreadable``) and ``error`` (an unreadable claim's error
    record as JSON). ``engine_options`` are ``claimscrub.Engine``'s; ``ship`` sends the rule
    and code-set directories to the executors with ``addFile``.
    """
    from pyspark.sql.types import StructField, StructType

    opts = _options(df, engine_options, ship)
    keys = [f for f in df.schema.fields if f.name != claim_col]
    schema = StructType(
        keys + [StructField(n, _spark_type(t), True) for n, t in FINDING_COLUMNS]
    )
    expected: list["pyarrow.Schema"] = []

    def run(batches: Iterable["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        import pyarrow as pa

        eng = _engine(opts)
        for b in batches:
            out = eng.check_arrow(b, claim_col, format)
            if not expected:
                big = b.schema.field(claim_col).type in (pa.large_string(), pa.large_binary())
                text = pa.large_string() if big else pa.string()
                added = [
                    pa.field(n, text if t == "string" else pa.int64(), True)
                    for n, t in FINDING_COLUMNS
                ]
                kept = [f for f in b.schema if f.name != claim_col]
                expected.append(pa.schema(kept + added))
            out = _conform(out, expected[0])
            for off in range(0, out.num_rows, OUTPUT_ROWS):
                yield out.slice(off, OUTPUT_ROWS)

    return df.mapInArrow(run, schema)


#: Counts of ``scrub_summary``, summed over batches.
_COUNTS = ["claims", "checked", "unreadable", "clean", "errors", "warnings", "infos", "findings"]
_MONEY = ["charges_at_risk", "total_charges"]


def _summary_rows(s: dict[str, Any]) -> list[dict[str, Any]]:
    """One batch's summary as long rows: the totals, then one row per rule, CARC, category."""
    zero = {k: 0 for k in _COUNTS} | {k: 0.0 for k in _MONEY}
    total = dict(zero)
    for k in _COUNTS:
        if k != "findings":
            total[k] = s[k]
    total["findings"] = s["errors"] + s["warnings"] + s["infos"]
    for k in _MONEY:
        total[k] = float(s[k])
    rows = [{"group": "all", "key": None} | total]
    for group, field in (("rule", "by_rule"), ("carc", "by_carc"), ("category", "by_category")):
        for key, n in s[field].items():
            rows.append({"group": group, "key": key} | zero | {"findings": n})
    return rows


def scrub_summary(
    df: "DataFrame",
    claim_col: str = "claim",
    format: str = "json",
    *,
    ship: bool = True,
    **engine_options: Any,
) -> "DataFrame":
    """The billing metrics of ``check``'s summary over a DataFrame of claims.

    One row with ``group = "all"``: claims, checked, unreadable, clean, ``clean_rate``
    (clean / claims), errors, warnings, infos, findings, ``charges_at_risk`` and
    ``total_charges``; then one row per rule (``group = "rule"``), expected CARC (``"carc"``)
    and category (``"category"``) with its ``findings``. Arguments are ``scrub``'s.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    opts = _options(df, engine_options, ship)
    fields = [StructField("group", StringType(), False), StructField("key", StringType(), True)]
    fields += [StructField(k, LongType(), False) for k in _COUNTS]
    fields += [StructField(k, DoubleType(), False) for k in _MONEY]
    schema = StructType(fields)

    def run(batches: Iterable["pyarrow.RecordBatch"]) -> Iterator["pyarrow.RecordBatch"]:
        import pyarrow as pa

        eng = _engine(opts)
        arrow = pa.schema(
            [pa.field("group", pa.string(), False), pa.field("key", pa.string(), True)]
            + [pa.field(k, pa.int64(), False) for k in _COUNTS]
            + [pa.field(k, pa.float64(), False) for k in _MONEY]
        )
        for b in batches:
            yield pa.RecordBatch.from_pylist(_summary_rows(eng.summary_arrow(b, claim_col, format)), schema=arrow)

    sums = [F.sum(k).alias(k) for k in _COUNTS + _MONEY]
    out = df.mapInArrow(run, schema).groupBy("group", "key").agg(*sums)
    rate = F.when(F.col("claims") > 0, F.col("clean") / F.col("claims")).otherwise(F.lit(0.0))
    out = out.withColumn("clean_rate", F.when(F.col("group") == "all", rate))
    return out.orderBy(F.col("group") != "all", "group", "key")


def read_x12(spark: Any, path: str) -> "DataFrame":
    """X12 files as a DataFrame of one row per file (``file``, ``modificationTime``,
    ``length``, ``content``), for ``scrub(df, "content", "x12")``. Spark's ``binaryFile``
    calls the file column ``path``, which is a finding column: it is renamed ``file``."""
    return spark.read.format("binaryFile").load(path).withColumnRenamed("path", "file")
