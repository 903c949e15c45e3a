"""Shared fixtures: the `claimscrub` binary the findings are compared with, and synthetic
claims generated deterministically by `claimscrub gen`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-07-01"
#: Claims in the generated files: the issue asks for at least 2,000.
N_CLAIMS = 2400


def cargo(*args: str) -> None:
    subprocess.run(["cargo", *args], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def cli() -> Path:
    """The release `claimscrub` binary (`CLAIMSCRUB`, else built in the repository)."""
    given = os.environ.get("CLAIMSCRUB")
    if given:
        return Path(given)
    cargo("build", "--release", "--locked", "--quiet")
    return ROOT / "target" / "release" / "claimscrub"


def run_cli(cli: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI; exit codes 0–2 are reports (clean, findings, unreadable claims)."""
    p = subprocess.run([str(cli), *args], capture_output=True, text=True)
    assert p.returncode in (0, 1, 2), p.stderr
    return p


def cli_json(cli: Path, *args: str) -> dict:
    """`check --format json` of the arguments, parsed."""
    p = run_cli(cli, "check", "--format", "json", "--as-of", AS_OF, *args)
    return json.loads(p.stdout)


@pytest.fixture(scope="session")
def generated(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`N_CLAIMS` claims as NDJSON and as one 837P file, from `claimscrub gen` (seed 1)."""
    out = tmp_path_factory.mktemp("claims")
    files = {"ndjson": out / "claims.ndjson", "x12": out / "claims.837"}
    for kind, path in files.items():
        subprocess.run([str(cli), "gen", "--claims", str(N_CLAIMS), "--seed", "1",
                        "--format", kind, "-o", str(path)], check=True)
    return files


def finding_key(f: dict) -> tuple:
    return (f["claim_id"], f["line"] or 0, f["rule"], f["path"], f["message"])
