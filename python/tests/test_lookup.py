"""`claimscrub.lookup`: the JSON of `claimscrub codes lookup --json`, the same errors."""

from __future__ import annotations

import json
from datetime import date

import pytest

import claimscrub
from conftest import run_cli


@pytest.mark.parametrize(
    "args",
    [["E11.9"], ["E11"], ["E1199"], ["22"], ["250.00"], ["J1100", "2026-03-01"], ["ZZZ99"],
     ["99213", "2026-03-01", "hcpcs"]],
)
def test_matches_the_cli(cli, args):
    code, *rest = args
    when = rest[0] if rest else "2026-07-01"
    system = rest[1] if len(rest) > 1 else None
    extra = ["--system", system] if system else []
    p = run_cli(cli, "codes", "lookup", code, "--date", when, "--json", *extra)
    assert claimscrub.lookup(code, date=when, system=system) == json.loads(p.stdout)


def test_takes_a_date():
    assert claimscrub.lookup("E11.9", date(2026, 7, 1)) == claimscrub.lookup("E11.9", "2026-07-01")


@pytest.mark.parametrize(
    "kwargs,args,exc",
    [
        ({"code": " "}, [" "], claimscrub.CodeError),
        ({"code": "E11", "system": "icd9"}, ["E11", "--system", "icd9"], claimscrub.CodeError),
        ({"code": "99213", "system": "cpt"}, ["99213", "--system", "cpt"], claimscrub.CodeError),
        ({"code": "E11", "date": "2026-02-30"}, ["E11", "--date", "2026-02-30"], claimscrub.ConfigError),
    ],
)
def test_errors_carry_the_cli_message(cli, kwargs, args, exc):
    p = run_cli(cli, "codes", "lookup", *args)
    with pytest.raises(exc) as e:
        claimscrub.lookup(**kwargs)
    assert p.stderr.strip() == f"claimscrub: error: {e.value}"
