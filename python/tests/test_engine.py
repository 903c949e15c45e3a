"""`claimscrub.Engine.check`: the findings and error records of `check --format json`, the
command line's messages, thread safety."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

import claimscrub
from conftest import AS_OF, ROOT, cli_json, finding_key, run_cli

EXAMPLE = ROOT / "examples" / "claims.json"

CLAIM = {
    "id": "CLM-1",
    "patient": {"sex": "M", "date_of_birth": "1970-05-01"},
    "diagnoses": [{"code": "E11"}],
    "lines": [{"procedure": "G0103", "charge": 40, "units": 1, "from": "2026-03-02",
               "diagnosis_pointers": [1]}],
}


@pytest.fixture(scope="module")
def engine() -> claimscrub.Engine:
    return claimscrub.Engine(as_of=AS_OF)


def test_example_file_matches_the_cli(engine, cli):
    want = cli_json(cli, str(EXAMPLE))
    got = engine.check(EXAMPLE.read_text(), name=str(EXAMPLE))
    assert got.claims == want["claims"]
    assert got.summary == want["summary"]
    assert got.findings == [f for c in want["claims"] for f in c["findings"]]
    assert got.findings, "the example batch has deliberate defects"


def test_finding_fields_are_the_json_reports(engine):
    f = next(f for f in engine.check(CLAIM).findings if f["rule"] == "ICD002")
    assert list(f) == ["claim_id", "rule", "category", "severity", "line", "code",
                       "display_code", "path", "location", "carc", "rarc", "message", "help",
                       "rule_file", "rule_line"]
    assert (f["code"], f["carc"]) == ("E11", "CO-16")


def test_dicts_lists_text_and_x12(engine, generated, cli):
    one = engine.check(CLAIM)
    assert engine.check(json.dumps(CLAIM).encode()).findings == one.findings

    def unlocated(fs):
        return [{k: v for k, v in f.items() if k != "location"} for f in fs]

    # In a list the claim is element 0: its locations say `/0/…`.
    listed = engine.check([CLAIM]).findings
    assert unlocated(listed) == unlocated(one.findings)
    assert all(f["location"]["pointer"].startswith("/0/") for f in listed)
    x12 = generated["x12"].read_bytes()
    want = cli_json(cli, str(generated["x12"]))
    got = engine.check(x12, format="x12", name=str(generated["x12"]))
    assert got.claims == want["claims"]
    assert got.summary["checked"] == 2400


def test_fhir_bundle(engine, cli):
    path = next((ROOT / "tests" / "fixtures" / "fhir").glob("*.json"))
    want = cli_json(cli, str(path))
    got = engine.check(path.read_text(), name=str(path))
    assert got.claims == want["claims"]


def test_unreadable_claims_are_error_records(engine, cli, tmp_path):
    text = json.dumps(CLAIM) + "\n" + '{"id": "BAD", "lines": 7}\n' + json.dumps(CLAIM | {"id": "C2"}) + "\n"
    path = tmp_path / "mixed.ndjson"
    path.write_text(text)
    want = cli_json(cli, str(path))
    got = engine.check(text, name=str(path))
    assert got.claims == want["claims"]
    assert len(got.errors) == 1 and got.errors[0]["index"] == 1
    assert got.summary["unreadable"] == 1


def test_input_errors_carry_the_cli_message(engine, cli, tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(b"\x00\x01 not claims")
    stderr = run_cli(cli, "check", str(path)).stderr
    with pytest.raises(claimscrub.InputError) as e:
        engine.check(path.read_bytes(), name=str(path))
    assert f"claimscrub: error: {e.value}" in stderr


@pytest.mark.parametrize(
    "kwargs,args",
    [
        ({"rules": "/nonexistent/rules"}, ["--rules", "/nonexistent/rules"]),
        ({"rules": str(ROOT / "tests/fixtures/broken-rules")},
         ["--rules", str(ROOT / "tests/fixtures/broken-rules")]),
        ({"default_rules": False}, ["--no-default-rules"]),
        ({"payer": "NOSUCHPAYER"}, ["--payer", "NOSUCHPAYER"]),
        ({"as_of": "2026-13-45"}, ["--as-of", "2026-13-45"]),
        ({"codesets": "/nonexistent/codesets"}, ["--codesets", "/nonexistent/codesets"]),
    ],
)
def test_config_errors_carry_the_cli_message(kwargs, args, cli):
    kwargs = {"as_of": AS_OF} | kwargs
    p = run_cli(cli, "check", *(["--as-of", AS_OF] if "--as-of" not in args else []), *args,
                str(EXAMPLE))
    assert p.returncode == 2
    with pytest.raises(claimscrub.ConfigError) as e:
        claimscrub.Engine(**kwargs)
    # The CLI prints the rule diagnostics, then `claimscrub: error: <message>`: the same text.
    assert "claimscrub: error: " in p.stderr
    assert p.stderr.rstrip("\n").replace("claimscrub: error: ", "", 1) == str(e.value)


def test_as_of_takes_a_date(cli):
    a = claimscrub.Engine(as_of=date(2026, 7, 1)).check(EXAMPLE.read_text())
    b = claimscrub.Engine(as_of="2026-07-01").check(EXAMPLE.read_text())
    assert a == b


def test_bad_format_and_type(engine):
    with pytest.raises(ValueError, match="unknown input format `csv`"):
        engine.check("{}", format="csv")
    with pytest.raises(TypeError):
        engine.check(42)  # type: ignore[arg-type]


def test_threads_share_one_engine(engine, generated):
    text = generated["ndjson"].read_bytes()
    want = engine.check(text)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: engine.check(text), range(4)))
    assert all(g == want for g in got)


def test_checking_releases_the_gil(generated):
    # One thread checks 2,400 claims (single-threaded, so it takes a while); the main thread
    # counts meanwhile. Holding the GIL would stop the count for the whole check.
    eng = claimscrub.Engine(as_of=AS_OF, threads=1)
    text = generated["ndjson"].read_bytes() * 4
    inside = threading.Event()
    done = threading.Event()
    ticks_during = 0

    def work():
        inside.set()
        eng.check(text)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    inside.wait()
    while not done.is_set():
        ticks_during += 1
        done.wait(0.001)
    t.join()
    assert ticks_during > 5
