"""Throughput of `claimscrub.spark.scrub` against the CLI on the same claims and cores.

    python python/bench/spark_throughput.py [N]    (default 200,000 claims; CLAIMSCRUB
                                                   names a prebuilt binary)

Generates N NDJSON claims with `claimscrub gen`, then times:
  - `claimscrub check FILE --format ndjson --threads T` for T = 1, 2;
  - `scrub` of the same file read as text, on `local[T]` (one engine thread per task),
    written to Spark's `noop` sink so every finding is produced and none is stored.
Spark's start-up is excluded; the first (warm-up) Spark job is a separate, untimed run.
Prints claims/s for each, the Spark/CLI ratio and the 1→2-core scaling.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-07-01"


def cli_rate(cli: Path, path: Path, n: int, threads: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(cli), "check", str(path), "--format", "ndjson", "--fail-on", "never",
         "--as-of", AS_OF, "--threads", str(threads)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return n / (time.perf_counter() - start)


def spark_rate(path: Path, n: int, cores: int) -> float:
    from pyspark.sql import SparkSession

    from claimscrub.spark import scrub

    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.files.maxPartitionBytes", str(8 << 20))
        .getOrCreate()
    )
    try:
        df = spark.read.text(str(path))
        scrub(df.limit(1000), claim_col="value", as_of=AS_OF).write.format("noop").mode("overwrite").save()
        start = time.perf_counter()
        scrub(df, claim_col="value", as_of=AS_OF).write.format("noop").mode("overwrite").save()
        return n / (time.perf_counter() - start)
    finally:
        spark.stop()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    # CLAIMSCRUB names a prebuilt binary; else it is built here.
    if "CLAIMSCRUB" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "claimscrub"],
                       cwd=ROOT, check=True)
    cli = Path(os.environ.get("CLAIMSCRUB", ROOT / "target" / "release" / "claimscrub"))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "claims.ndjson"
        subprocess.run([str(cli), "gen", "--claims", str(n), "--seed", "1", "-o", str(path)],
                       check=True)
        rates = {}
        for t in (1, 2):
            rates[("cli", t)] = cli_rate(cli, path, n, t)
            rates[("spark", t)] = spark_rate(path, n, t)
        for (what, t), r in sorted(rates.items()):
            print(f"{what:5} {t} core(s): {r:9.0f} claims/s")
        for t in (1, 2):
            print(f"spark/cli on {t} core(s): {rates[('spark', t)] / rates[('cli', t)]:.2f}")
        for what in ("cli", "spark"):
            print(f"{what} 1 -> 2 cores: x{rates[(what, 2)] / rates[(what, 1)]:.2f}")


if __name__ == "__main__":
    main()
