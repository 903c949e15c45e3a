#!/usr/bin/env python3
"""The peers of scripts/bench, timed on the files it generated (not run on its own).

    bench_peers.py mce FILE.ndjson    msdrg 1.2.0's MceEditor on claimscrub inpatient claims
    bench_peers.py pyx12 FILE.x12     pyx12's X12Reader (segments) and x12n_document (full
                                      837P validation against its maps) on one 837 file

Each prints one JSON object: claims or bytes, seconds, and the rate. Converting claims to
msdrg's input happens before the clock starts; only the editing is timed.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import sys
import time

SEX = {"M": 0, "F": 1, "U": 2}
POA = {"Y", "N", "U", "W"}


def age_on(dob: dt.date, d: dt.date) -> int:
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


def to_msdrg(c: dict) -> dict:
    """msdrg's MceEditor input for a claimscrub claim (as scripts/mce_diff.py builds it)."""
    adm = dt.date.fromisoformat(c["statement_from"])
    dis = dt.date.fromisoformat(c["statement_to"])
    dob = dt.date.fromisoformat(c["patient"]["date_of_birth"])

    def dx(d):
        o = {"code": d["code"]}
        if d.get("poa") in POA:
            o["poa"] = d["poa"]
        return o

    out = {"discharge_date": int(dis.strftime("%Y%m%d")), "age": age_on(dob, adm),
           "sex": SEX[c["patient"]["sex"]], "discharge_status": int(c["discharge_status"]),
           "sdx": [], "procedures": [{"code": p["code"]} for p in c.get("procedures", [])]}
    for d in c["diagnoses"]:
        role = d.get("role", "other")
        if role == "principal":
            out["pdx"] = dx(d)
        elif role == "admitting":
            out["admit_dx"] = dx(d)
        else:
            out["sdx"].append(dx(d))
    return out


def mce(path: str) -> dict:
    import msdrg
    inputs = []
    with open(path) as f:
        for line in f:
            c = json.loads(line)
            # Claims a generator defect left without what msdrg needs are skipped.
            if c.get("patient", {}).get("date_of_birth") and c.get("patient", {}).get("sex"):
                inputs.append(to_msdrg(c))
    with msdrg.MceEditor() as editor:
        start = time.perf_counter()
        edits = 0
        for inp in inputs:
            edits += sum(1 for e in editor.edit(inp)["edits"] if e["count"])
        secs = time.perf_counter() - start
    return {"claims": len(inputs), "seconds": secs, "claims_per_s": len(inputs) / secs,
            "edits_fired": edits}


def pyx12_run(path: str) -> dict:
    import pyx12.error_handler
    import pyx12.params
    import pyx12.x12file
    import pyx12.x12n_document
    size = len(open(path, "rb").read())
    start = time.perf_counter()
    segments = 0
    with open(path) as f:
        for _seg in pyx12.x12file.X12Reader(f):
            segments += 1
    tokenize = time.perf_counter() - start
    param = pyx12.params.params()
    start = time.perf_counter()
    with open(path) as f:
        ok = pyx12.x12n_document.x12n_document(param=param, src_file=f, fd_997=io.StringIO(),
                                              fd_html=None, fd_xmldoc=None)
    validate = time.perf_counter() - start
    return {"bytes": size, "segments": segments, "reader_seconds": tokenize,
            "reader_mb_per_s": size / 1e6 / tokenize, "validate_seconds": validate,
            "validate_mb_per_s": size / 1e6 / validate, "valid": bool(ok)}


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("mce", "pyx12"):
        sys.exit(__doc__)
    what, path = sys.argv[1], sys.argv[2]
    print(json.dumps(mce(path) if what == "mce" else pyx12_run(path)))
