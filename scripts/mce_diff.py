#!/usr/bin/env python3
"""Differential test: claimscrub's Medicare Code Editor (MCE) findings against msdrg's MCE.

What it does
------------
Generates synthetic inpatient claims (seeded), writes them as NDJSON in claimscrub's JSON claim
format, runs ``claimscrub check FILE --format ndjson --as-of 2026-12-01`` on them, runs the same
claims through the reference MCE of PyPI ``msdrg`` 1.2.0 (``msdrg.MceEditor().edit``), and
compares, claim by claim and edit by edit, how many times each MCE edit fired.  msdrg returns
one count per edit name; claimscrub's findings are mapped to edit names with the table below
(RULE_TO_EDIT, ICD_INVALID_RULES) and counted per claim.  The run passes (exit 0) only when every claim agrees on every edit.

Claims come from three sources, all in the same comparison:

* random claims (``--claims N``, default 5000, ``--seed``): codes drawn from msdrg's own MCE
  master tables by attribute (adult, maternity, newborn, pediatric, sex, manifestation,
  e-code, unacceptable, requires-sdx, questionable admission, unspecified, wrong procedure,
  delivery outcome, type I diabetes, clinical trial, the non-covered / limited-coverage
  procedure families, c-section, vaginal delivery, length of stay), each on a discharge date
  inside or outside that attribute's window; invalid codes (random strings, category and
  subcategory headers such as E11 / I50 / I502, codes deleted before or added after the
  discharge, FY2027 codes added 2026-10-01); duplicates of the principal among the secondaries;
  claims without secondaries; ages 0..130 weighted on the MCE age-group edges; sex M/F/U;
  valid and invalid discharge statuses; discharges 2015-10-01..2026-09-30 weighted on stays
  that cross 2019-10-01, 2022-04-01, 2024-10-01, 2025-04-01, 2025-10-01 (and the days either
  side); plus context combinations (artificial heart pair with/without Z00.6, pancreas
  transplant with/without kidney transplant or type I diabetes, ncov6/ncov7/Z30.2 pairs,
  c-section / vaginal delivery with/without a delivery-outcome secondary, Z51.89 alone, ...).
* ``--sweep``: every master row that carries an MCE attribute, once on a discharge date inside
  its window and once outside (dates are the window edges and the days next to them, so each
  code is seen on both sides of its own boundaries).  About 19k extra claims (~5 s).  Codes
  that are principal-only edits' subjects (e-code, manifestation, unacceptable, questionable
  admission) are swept as the principal, the others as secondaries and procedures.
* ``--boundary``: the hand-built cases of scripts/mce_boundary.json (stays across 2025-04-01 and
  2025-10-01 with a code valid on one side only, ages 0/17/124/125 with newborn, pediatric and
  adult codes, maternity at 9/11/12/55/56/64 on 2019-09-30 vs 2019-10-01, every POA value, sex U
  before and after 2024-10-01, each attribute edit firing and not firing).  Each case also
  carries the msdrg result it was built to produce (``expect``); a case whose msdrg result
  differs is reported as mis-built and fails the run, so the cases keep testing what their
  names say.

The options add up: ``--claims 0 --boundary`` runs the boundary cases alone;
scripts/mce_diff.sh with no arguments runs ``--boundary --sweep`` on top of 5000 random claims.

How to run
----------
    scripts/mce_diff.sh                         # CI: venv in target/mce-venv, all three sources
    CLAIMSCRUB=path/to/claimscrub scripts/mce_diff.sh --claims 20000 --seed 7 --show 20
    python3 scripts/mce_diff.py --claimscrub target/release/claimscrub --boundary \\
        --dump /tmp/mce-disagreements.ndjson    # needs msdrg==1.2.0 and lmdb importable
    python3 scripts/mce_diff.py --cs-arg=--rules --cs-arg=my-rules/ ...   # extra check args

Options: --claims N, --seed S, --sweep, --boundary, --show N (example claims printed per run),
--dump PATH (every disagreeing claim, NDJSON: the claim, msdrg's input and counts,
claimscrub's counts and findings), --keep DIR (keep the generated NDJSON and claimscrub's
report), --claimscrub PATH (default $CLAIMSCRUB, else target/release/claimscrub),
--cs-arg ARG (repeatable, appended to ``claimscrub check``).

Length-of-stay note
-------------------
msdrg's INCONSISTENT_WITH_LENGTH_OF_STAY reads the AGE field where CMS's Java MCE reads the
length of stay (mz-drg's mce.zig: ``doInconsistentWithLOS(attrs, input.age, ...)``: the edit
fires when the ``los`` procedure, 5A1955Z, is on a claim whose "LOS" < 5).  So every generated
claim carrying a ``los``-flagged procedure is built with (age < 5) == (LOS < 5), LOS =
statement_to - statement_from in days; under either reading the edit fires the same way, and
claimscrub should implement CMS's reading (LOS < 5 days).

How the claims are read by each side
------------------------------------
claimscrub computes age from date_of_birth as of the admission date (statement_from) and looks
codes and their MCE attributes up as of the discharge date (statement_to).  Every generated DOB
gives the same age at admission and at discharge (no birthday inside the stay); that age is what
msdrg gets.  msdrg gets: discharge_date = statement_to as YYYYMMDD int; sex 0 (M) / 1 (F) /
2 (U); discharge_status as int; codes without dots, upper case (msdrg compares codes byte for
byte: "I50.20" or "i5020" are INVALID_CODE there, and DUPLICATE_OF_PDX is string equality);
pdx = the "principal" diagnosis, admit_dx = the "admitting" one, sdx = the "other" ones in order,
procedures = all ICD-10-PCS procedures in order.  Claimscrub gets codes with or without dots
(and a few in lower case).

Admitting diagnosis: msdrg counts only INVALID_ADMIT_DX for it.  It evaluates age and sex
conflicts on it but never counts them, and its attributes do not count as claim context
(Z00.6, type I diabetes, ncov6/ncov7/Z30.2, delivery outcome are read from pdx + sdx only;
delivery outcome from sdx only).  Generated claims include such admitting codes, so a
claimscrub rule that counts them shows up as a disagreement.

Not compared, and why
---------------------
* POA.  msdrg accepts POA values and ignores them (its Python layer even rejects anything but
  Y, N, U, W or " ", so 1, "" and X are not passed to it); claimscrub's POA rule (MCE019) is not
  compared.  The boundary cases only check that each POA value disturbs no other edit.
* Edits that cannot fire on ICD-10 data in msdrg's tables (no code carries their attribute):
  NONSPECIFIC_PDX, MEDICARE_IS_SECONDARY_PAYER, NONSPECIFIC_OR, OPEN_BIOPSY, BILATERAL, the
  ICD-9 LIMITED_COVERAGE_* variants, TYPE_OF_AGE_CONFLICT, INVALID_POA.  They are not in the
  table; if msdrg ever reports one with a non-zero count the run fails as "unmapped".
* claimscrub findings of rules outside the table (ICD009 age, ICD010 sex, ICD005 Excludes1,
  MCR001 timely filing, MCE019 POA, ...) are counted in a footnote, not compared.
* Empty and all-zero codes: msdrg treats them as "no code" (valid, no edit, except an all-zero
  principal, which is INVALID_CODE); they are not generated.
* Other diagnosis roles (reason-for-visit, external-cause) have no MCE slot; not generated.
* Discharges after 2026-09-30: discharges are kept inside 2015-10-01..2026-09-30 (FY2016 to
  FY2026).  msdrg's tables technically run to 2027-03-31 (they already hold the FY2027 codes
  added 2026-10-01, which the generator uses as invalid codes on earlier discharges).  An msdrg
  INVALID_DISCHARGE_DATE result would mean the generator is wrong, and fails the run.
"""
from __future__ import annotations

import argparse
import bisect
import collections
import datetime as dt
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# --------------------------------------------------------------------------------------------
# The mapping: msdrg MCE edit name  <-  claimscrub findings counted for it (per claim)
#
#   INVALID_CODE                      ICD001 ICD002 ICD003 ICD012 ICD013 ICD014 on a diagnosis
#                                     whose role is not "admitting"; PRC006 on a procedure
#   INVALID_ADMIT_DX                  ICD001 ICD002 ICD003 ICD012 ICD013 ICD014 on the
#                                     "admitting" diagnosis
#   AGE_CONFLICT                      MCE001
#   SEX_CONFLICT                      MCE002 + MCE003
#   INVALID_AGE                       MCE004
#   INVALID_SEX                       MCE005
#   INVALID_DISCHARGE_STATUS          MCE006
#   E_CODE_AS_PDX                     MCE007
#   MANIFESTATION_AS_PDX              MCE008
#   UNACCEPTABLE_PDX                  MCE009
#   REQUIRES_SDX                      MCE010
#   DUPLICATE_OF_PDX                  MCE011
#   QUESTIONABLE_ADMISSION            MCE012
#   QUESTIONABLE_OBSTETRIC_ADMISSION  MCE013
#   NON_COVERED                       MCE014
#   LIMITED_COVERAGE                  MCE015
#   WRONG_PROCEDURE_PERFORMED         MCE016
#   INCONSISTENT_WITH_LENGTH_OF_STAY  MCE017
#   UNSPECIFIED                       MCE018
#
# The ICD rules are mapped by the role of the diagnosis their finding's path points at
# (/diagnoses/<i>/...); an ICD finding whose path is not a diagnosis counts as INVALID_CODE.
# Any other msdrg edit name with a non-zero count is a failure ("unmapped").
# --------------------------------------------------------------------------------------------
ICD_INVALID_RULES = ("ICD001", "ICD002", "ICD003", "ICD012", "ICD013", "ICD014")
RULE_TO_EDIT = {
    "PRC006": "INVALID_CODE",
    "MCE001": "AGE_CONFLICT",
    "MCE002": "SEX_CONFLICT",
    "MCE003": "SEX_CONFLICT",
    "MCE004": "INVALID_AGE",
    "MCE005": "INVALID_SEX",
    "MCE006": "INVALID_DISCHARGE_STATUS",
    "MCE007": "E_CODE_AS_PDX",
    "MCE008": "MANIFESTATION_AS_PDX",
    "MCE009": "UNACCEPTABLE_PDX",
    "MCE010": "REQUIRES_SDX",
    "MCE011": "DUPLICATE_OF_PDX",
    "MCE012": "QUESTIONABLE_ADMISSION",
    "MCE013": "QUESTIONABLE_OBSTETRIC_ADMISSION",
    "MCE014": "NON_COVERED",
    "MCE015": "LIMITED_COVERAGE",
    "MCE016": "WRONG_PROCEDURE_PERFORMED",
    "MCE017": "INCONSISTENT_WITH_LENGTH_OF_STAY",
    "MCE018": "UNSPECIFIED",
}
EDITS = [
    "INVALID_CODE", "INVALID_ADMIT_DX", "AGE_CONFLICT", "SEX_CONFLICT", "INVALID_AGE",
    "INVALID_SEX", "INVALID_DISCHARGE_STATUS", "E_CODE_AS_PDX", "MANIFESTATION_AS_PDX",
    "UNACCEPTABLE_PDX", "REQUIRES_SDX", "DUPLICATE_OF_PDX", "QUESTIONABLE_ADMISSION",
    "QUESTIONABLE_OBSTETRIC_ADMISSION", "NON_COVERED", "LIMITED_COVERAGE",
    "WRONG_PROCEDURE_PERFORMED", "INCONSISTENT_WITH_LENGTH_OF_STAY", "UNSPECIFIED",
]
EDIT_RULES = {e: sorted(r for r, x in RULE_TO_EDIT.items() if x == e) for e in EDITS}
EDIT_RULES["INVALID_CODE"] = list(ICD_INVALID_RULES) + EDIT_RULES["INVALID_CODE"]
EDIT_RULES["INVALID_ADMIT_DX"] = list(ICD_INVALID_RULES)

AS_OF = "2026-12-01"
COV_START = dt.date(2015, 10, 1)   # first ICD-10 discharge
COV_END = dt.date(2026, 9, 30)     # last discharge compared (end of FY2026)
MAIN_BOUNDARIES = ["2024-10-01", "2025-04-01", "2025-10-01", "2019-10-01", "2022-04-01"]
MORE_BOUNDARIES = ["2016-10-01", "2017-10-01", "2018-10-01", "2020-10-01", "2021-10-01",
                   "2022-10-01", "2023-04-01", "2023-10-01", "2024-04-01", "2026-04-01"]

DX_FLAGS = ["adult", "maternity", "newborn", "pediatric", "female", "male", "manifestation",
            "ecodepdx", "unacceptable", "reqsdx", "qadm", "unspecified", "wrngproc", "delout",
            "diabtypeI", "clintrial", "ncov6", "ncov7", "ncov_z302"]
PDX_FLAGS = ["manifestation", "ecodepdx", "unacceptable", "reqsdx", "qadm"]  # edits on the pdx only
PR_FLAGS = ["noncovered", "ncov45", "kidneyxp", "lcov", "lcov_artheartxpa", "lcov_artheartxpb",
            "ncov6", "ncov7", "ncov_z302", "ncov12agele60", "csect", "vagdel", "los", "female",
            "male"]
NOFLAG = "-"   # pseudo attribute: rows without flags
SPECIAL_AGES = [0, 9, 12, 15, 17, 55, 60, 61, 64, 65, 124, 125]
NEAR_AGES = [1, 4, 5, 8, 11, 13, 14, 16, 18, 54, 56, 59, 62, 63, 77, 78, 123, 126, 130]
POAS = ["Y", "N", "U", "W", "1", "", None, "X"]
POA_WEIGHTS = [40, 15, 8, 8, 5, 5, 15, 4]
MSDRG_POA = {"Y", "N", "U", "W"}
SEX_TO_MSDRG = {"M": 0, "F": 1, "U": 2}
PCS_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def d2i(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def i2d(i: int) -> dt.date:
    return dt.date(i // 10000, i // 100 % 100, i % 100)


def iso(d: dt.date) -> str:
    return d.isoformat()


def age_on(dob: dt.date, d: dt.date) -> int:
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


def norm(code: str) -> str:
    return code.replace(".", "").strip().upper()


def dotted(code: str) -> str:
    return code[:3] + "." + code[3:] if len(code) > 3 else code


# --------------------------------------------------------------------------------------------
# msdrg's tables (read-only; the layout of mz-drg's scripts/compile_mce_data.py)
# --------------------------------------------------------------------------------------------
class Master:
    """One MCE code master (i10dx or i10sg): rows (code, start, end, flags) in file order."""

    def __init__(self, blob: bytes, kind: str):
        self.kind = kind
        magic, n, eo, so, self.termination = struct.unpack_from("<IIIIi", blob, 0)
        if magic != 0x4D434544:
            raise SystemExit(f"msdrg {kind} master: bad magic {magic:#x}")
        self.rows = []
        for i in range(n):
            code, ds, de, fo, fc = struct.unpack_from("<8siiIH", blob, eo + 24 * i)
            flags, o = [], so + fo
            for _ in range(fc):
                e = blob.index(b"\0", o)
                flags.append(blob[o:e].decode())
                o = e + 1
            self.rows.append((code.rstrip(b"\0").decode(), ds, de, tuple(flags)))
        self.by_code = collections.defaultdict(list)
        for r in self.rows:
            self.by_code[r[0]].append(r)
        self.codes = sorted(self.by_code)
        # attribute -> [(start, end, [codes])]: windows in which the code carries the attribute
        win = collections.defaultdict(lambda: collections.defaultdict(list))
        for code, ds, de, flags in self.rows:
            for f in flags or (NOFLAG,):
                win[f][(ds, de)].append(code)
        self.windows = {f: [(ds, de, sorted(set(cs))) for (ds, de), cs in sorted(w.items())]
                        for f, w in win.items()}
        # codes valid over the whole compared period without any attribute
        self.neutral = sorted(c for c, rs in self.by_code.items()
                              if len(rs) == 1 and not rs[0][3]
                              and rs[0][1] <= d2i(COV_START) and rs[0][2] >= d2i(COV_END))
        self.by_last_end = sorted((max(r[2] for r in rs), c) for c, rs in self.by_code.items())
        self.by_first_start = sorted((min(r[1] for r in rs), c) for c, rs in self.by_code.items())
        self.fy2027 = [c for s, c in self.by_first_start if s >= 20261001]


class MsdrgTables:
    def __init__(self):
        import lmdb
        import msdrg
        path = Path(msdrg.__file__).parent / "data" / "msdrg.mdb"
        env = lmdb.open(str(path), subdir=False, readonly=True, lock=False, max_dbs=200)
        blobs = {}
        with env.begin() as t:
            for k, v in t.cursor():
                name = bytes(k).rstrip(b"\0").decode()
                if name in ("mce_i10dx_master", "mce_i10sg_master", "mce_discharge_status"):
                    blobs[name] = bytes(v)
        env.close()
        self.dx = Master(blobs["mce_i10dx_master"], "dx")
        self.sg = Master(blobs["mce_i10sg_master"], "sg")
        d = blobs["mce_discharge_status"]
        n, eo = struct.unpack_from("<II", d, 4)
        self.statuses = [struct.unpack_from("<iii", d, eo + 12 * i) for i in range(n)]
        self.termination = self.dx.termination
        if d2i(COV_END) > self.termination:
            raise SystemExit(f"msdrg tables end {self.termination}, before {COV_END}")

    def valid_statuses(self, d: int):
        return sorted({c for c, ds, de in self.statuses if ds <= d <= de})


# --------------------------------------------------------------------------------------------
# Claim building
# --------------------------------------------------------------------------------------------
def make_dob(rng: random.Random, age: int, adm: dt.date, dis: dt.date) -> dt.date:
    """A date of birth giving `age` at admission and at discharge (no birthday in the stay)."""
    for _ in range(10000):
        y = adm.year - age - rng.choice((0, 1))
        m = rng.randint(1, 12)
        day = rng.randint(1, 28 if m == 2 else 30 if m in (4, 6, 9, 11) else 31)
        try:
            dob = dt.date(y, m, day)
        except ValueError:
            continue
        if dob <= adm and age_on(dob, adm) == age and age_on(dob, dis) == age:
            return dob
    raise ValueError(f"no DOB for age {age} over {adm}..{dis}")


def build_claim(cid, adm, dis, dob, sex, status, diagnoses, procedures, rng):
    """claimscrub JSON claim. diagnoses: [(code, role, poa)]; procedures: [code or
    {"code", "date"}] (a bare code gets a date inside the stay)."""
    dx = []
    for code, role, poa in diagnoses:
        o = {"code": code, "role": role}
        if poa is not None:
            o["poa"] = poa
        dx.append(o)
    span = (dis - adm).days
    pr = [dict(c) if isinstance(c, dict) else
          {"code": c, "date": iso(adm + dt.timedelta(days=rng.randint(0, span)))}
          for c in procedures]
    return {
        "id": cid, "type": "institutional", "bill_type": "0111", "submission_date": AS_OF,
        "payer": {"id": "00435", "plan": "MA"},
        "patient": {"member_id": "X" + cid.replace("-", ""), "date_of_birth": iso(dob),
                    "sex": sex},
        "billing_provider": {"npi": "1234567893", "tax_id": "987654321"},
        "admission_date": iso(adm), "statement_from": iso(adm), "statement_to": iso(dis),
        "discharge_status": status,
        "diagnoses": dx, "procedures": pr,
        "total_charge": 100.0,
        "lines": [{"revenue_code": "0100", "units": 1, "charge": 100.0, "from": iso(adm)}],
    }


def to_msdrg(claim: dict) -> dict:
    """The msdrg MceEditor input for a claimscrub claim (see the module docstring)."""
    adm = dt.date.fromisoformat(claim["statement_from"])
    dis = dt.date.fromisoformat(claim["statement_to"])
    dob = dt.date.fromisoformat(claim["patient"]["date_of_birth"])
    age = age_on(dob, adm)
    if age_on(dob, dis) != age:
        raise ValueError(f"{claim['id']}: birthday inside the stay")

    def dxo(d):
        o = {"code": norm(d["code"])}
        if d.get("poa") in MSDRG_POA:
            o["poa"] = d["poa"]
        return o

    out = {"discharge_date": d2i(dis), "age": age, "sex": SEX_TO_MSDRG[claim["patient"]["sex"]],
           "discharge_status": int(claim["discharge_status"]), "sdx": [], "procedures": []}
    for d in claim["diagnoses"]:
        role = d.get("role", "other")
        if role == "principal":
            out["pdx"] = dxo(d)
        elif role == "admitting":
            out["admit_dx"] = dxo(d)
        elif role == "other":
            out["sdx"].append(dxo(d))
    out["procedures"] = [{"code": norm(p["code"])} for p in claim["procedures"]]
    return out


class Generator:
    def __init__(self, tables: MsdrgTables, seed: int):
        self.t = tables
        self.rng = random.Random(seed)
        dx = tables.dx
        codes = set(dx.by_code)
        self.headers = sorted({c[:n] for c in codes for n in range(3, len(c))} - codes)
        self.headers3 = [h for h in self.headers if len(h) == 3]
        self.los_codes = sorted({c for _, _, cs in tables.sg.windows.get("los", []) for c in cs})
        self.flag_codes = {}
        for m in (tables.dx, tables.sg):
            for f, ws in m.windows.items():
                self.flag_codes[(m.kind, f)] = sorted({c for _, _, cs in ws for c in cs})

    # -- dates, people ------------------------------------------------------------------------
    def pick_stay(self):
        rng = self.rng
        if rng.random() < 0.5:
            b = dt.date.fromisoformat(rng.choice(MAIN_BOUNDARIES * 3 + MORE_BOUNDARIES))
            r = rng.random()
            if r < 0.6:      # admitted before, discharged on or after the boundary
                adm, dis = b - dt.timedelta(days=rng.randint(1, 4)), b + dt.timedelta(days=rng.randint(0, 4))
            elif r < 0.8:    # discharged the day before
                dis = b - dt.timedelta(days=1)
                adm = dis - dt.timedelta(days=rng.randint(0, 5))
            else:            # admitted on the boundary
                adm = b
                dis = b + dt.timedelta(days=rng.randint(0, 5))
        else:
            dis = COV_START + dt.timedelta(days=rng.randint(0, (COV_END - COV_START).days))
            los = rng.choices([0, rng.randint(1, 4), rng.randint(5, 10), rng.randint(11, 30)],
                              weights=[10, 40, 35, 15])[0]
            adm = dis - dt.timedelta(days=los)
        if adm < COV_START:
            dis += COV_START - adm
            adm = COV_START
        return adm, min(dis, COV_END)

    def pick_age(self):
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            return rng.choice(SPECIAL_AGES)
        if r < 0.65:
            return rng.choice(NEAR_AGES)
        return rng.randint(0, 130)

    def pick_status(self, d: dt.date):
        rng = self.rng
        valid = self.t.valid_statuses(d2i(d))
        if rng.random() < 0.75:
            s = 1 if rng.random() < 0.4 else rng.choice(valid)
        elif rng.random() < 0.6:
            s = rng.choice([0, 8, 10, 22, 99])
        else:
            s = rng.choice([x for x in range(100) if x not in valid])
        return f"{s:02d}"

    # -- codes ----------------------------------------------------------------------------------
    def attr_code(self, m: Master, flag: str, d: dt.date, inside: bool):
        """A code of master m that carries `flag` on d (inside) or in a window not holding d."""
        di = d2i(d)
        ws = [w for w in m.windows.get(flag, ()) if (w[0] <= di <= w[1]) == inside]
        if not ws:
            return None
        if self.rng.random() < 0.5:
            w = self.rng.choice(ws)
        else:
            w = self.rng.choices(ws, weights=[len(x[2]) for x in ws])[0]
        return self.rng.choice(w[2])

    def neutral(self, m: Master, d: dt.date):
        if self.rng.random() < 0.7:
            return self.rng.choice(m.neutral)
        return self.attr_code(m, NOFLAG, d, True) or self.rng.choice(m.neutral)

    def invalid(self, m: Master, d: dt.date):
        rng, di = self.rng, d2i(d)
        r = rng.random()
        if r < 0.25:                               # random string
            while True:
                if m.kind == "dx":
                    c = (rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + str(rng.randint(0, 9))
                         + rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")
                         + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")
                                   for _ in range(rng.randint(0, 4))))
                else:
                    c = "".join(rng.choice(PCS_ALPHABET) for _ in range(7))
                if c not in m.by_code:
                    return c
        if r < 0.45 and m.kind == "dx":            # header (E11, I50, I502, S72001 ...)
            return rng.choice(self.headers3 if rng.random() < 0.5 else self.headers)
        if r < 0.55:                               # FY2027 code
            return rng.choice(m.fy2027)
        if r < 0.78:                               # deleted before the discharge
            i = bisect.bisect_left(m.by_last_end, (di, ""))
            if i:
                j = bisect.bisect_left(m.by_last_end, (d2i(d - dt.timedelta(days=400)), ""))
                k = rng.randrange(j, i) if rng.random() < 0.6 and j < i else rng.randrange(i)
                return m.by_last_end[k][1]
        i = bisect.bisect_right(m.by_first_start, (di, "\x7f"))  # added after the discharge
        if i < len(m.by_first_start):
            j = bisect.bisect_right(m.by_first_start, (d2i(d + dt.timedelta(days=400)), "\x7f"))
            k = rng.randrange(i, j) if rng.random() < 0.6 and i < j else rng.randrange(i, len(m.by_first_start))
            return m.by_first_start[k][1]
        return rng.choice(m.fy2027)

    def straddle(self, m: Master, adm: dt.date, dis: dt.date):
        """A code valid on one side of the stay only: first valid in (adm, dis], or last valid
        in [adm, dis) (valid at discharge but not admission, or the reverse)."""
        a, d = d2i(adm), d2i(dis)
        if a >= d:
            return None
        if self.rng.random() < 0.5:
            lst, i, j = m.by_first_start, (a + 1, ""), (d, "\x7f")
        else:
            lst, i, j = m.by_last_end, (a, ""), (d - 1, "\x7f")
        lo, hi = bisect.bisect_left(lst, i), bisect.bisect_right(lst, j)
        return lst[self.rng.randrange(lo, hi)][1] if lo < hi else None

    def dx_code(self, d: dt.date, pos: str, adm: dt.date = None):
        rng = self.rng
        r = rng.random()
        if adm is not None and rng.random() < 0.08:
            c = self.straddle(self.t.dx, adm, d)
            if c:
                return c
        if r < 0.5:
            flags = PDX_FLAGS * 3 + DX_FLAGS if pos == "pdx" else DX_FLAGS
            c = self.attr_code(self.t.dx, rng.choice(flags), d, rng.random() < 0.75)
            if c:
                return c
        if r < 0.62:
            return self.invalid(self.t.dx, d)
        return self.neutral(self.t.dx, d)

    def pr_code(self, d: dt.date, adm: dt.date = None):
        rng = self.rng
        r = rng.random()
        if adm is not None and rng.random() < 0.08:
            c = self.straddle(self.t.sg, adm, d)
            if c:
                return c
        if r < 0.5:
            c = self.attr_code(self.t.sg, rng.choice(PR_FLAGS), d, rng.random() < 0.75)
            if c:
                return c
        if r < 0.6:
            return self.invalid(self.t.sg, d)
        return self.neutral(self.t.sg, d)

    def write_dx(self, code: str):
        c = dotted(code) if self.rng.random() < 0.5 else code
        return c.lower() if self.rng.random() < 0.03 else c

    def poa(self):
        return self.rng.choices(POAS, weights=POA_WEIGHTS)[0]

    # -- claims ---------------------------------------------------------------------------------
    def finish(self, cid, adm, dis, age, sex, status, pdx, admit, sdx, procs, admit_pos=None):
        """Apply the LOS rule, build the DOB and the claimscrub claim."""
        rng = self.rng
        if any(p in self.los_codes for p in procs):
            los = rng.randint(0, 4) if age < 5 else rng.randint(5, 20)
            adm = dis - dt.timedelta(days=los)
            if adm < COV_START:
                adm, dis = COV_START, COV_START + dt.timedelta(days=los)
        dob = make_dob(rng, age, adm, dis)
        dx = [(self.write_dx(pdx), "principal", self.poa())]
        dx += [(self.write_dx(c), "other", self.poa()) for c in sdx]
        if admit is not None:
            pos = admit_pos if admit_pos is not None else rng.choice([1, 1, len(dx)])
            dx.insert(min(pos, len(dx)), (self.write_dx(admit), "admitting",
                                          None if rng.random() < 0.7 else self.poa()))
        procs = [p.lower() if rng.random() < 0.02 else p for p in procs]
        return build_claim(cid, adm, dis, dob, sex, status, dx, procs, rng)

    def random_claim(self, cid: str):
        rng = self.rng
        adm, dis = self.pick_stay()
        age = self.pick_age()
        sex = rng.choices("MFU", weights=[40, 40, 20])[0]
        status = self.pick_status(dis)
        pdx = self.dx_code(dis, "pdx", adm)
        n_sdx = 0 if rng.random() < 0.2 else rng.choices(range(1, 9), weights=[8, 8, 6, 5, 4, 3, 2, 2])[0]
        sdx = [self.dx_code(dis, "sdx", adm) for _ in range(n_sdx)]
        admit = None
        if rng.random() < 0.5:
            admit = pdx if rng.random() < 0.1 else self.dx_code(dis, "admit", adm)
        n_pr = 0 if rng.random() < 0.35 else rng.choices(range(1, 7), weights=[6, 5, 4, 3, 2, 1])[0]
        procs = [self.pr_code(dis, adm) for _ in range(n_pr)]
        if n_pr and rng.random() < 0.05:
            procs.append(rng.choice(procs))                     # a repeated procedure

        def place_dx(code):
            nonlocal pdx, admit
            r = rng.random()
            if r < 0.6:
                sdx.insert(rng.randint(0, len(sdx)), code)
            elif r < 0.85:
                pdx = code
            else:
                admit = code

        fc = self.flag_codes
        if rng.random() < 0.04:                                 # artificial heart pair
            procs += rng.choice([["02RK0JZ", "02RL0JZ"], ["02RK0JZ", "02RL0JZ"], ["02RK0JZ"], ["02RL0JZ"]])
            if rng.random() < 0.5:
                place_dx(rng.choice(fc[("dx", "clintrial")]))
        if rng.random() < 0.04:                                 # pancreas transplant context
            procs.append(rng.choice(fc[("sg", "ncov45")]))
            if rng.random() < 0.5:
                procs.append(rng.choice(fc[("sg", "kidneyxp")]))
            if rng.random() < 0.5:
                place_dx(rng.choice(fc[("dx", "diabtypeI")]))
        if rng.random() < 0.08:                                 # ncov6 / ncov7 / Z30.2 pairs
            f = rng.choice(["ncov6", "ncov7", "ncov_z302"])
            procs.append(rng.choice(fc[("sg", f)]))
            if rng.random() < 0.7:
                place_dx(rng.choice(fc[("dx", f)]))
        if rng.random() < 0.05:                                 # delivery
            procs.append(rng.choice(fc[("sg", "csect")] + fc[("sg", "vagdel")]))
            if rng.random() < 0.6:
                place_dx(rng.choice(fc[("dx", "delout")]))
        if rng.random() < 0.03:                                 # Z51.89: requires a secondary
            pdx = "Z5189"
            if rng.random() < 0.5:
                sdx = []
        if rng.random() < 0.03:
            procs.append(rng.choice(self.los_codes))
        if rng.random() < 0.03:
            procs.append(rng.choice(fc[("sg", "ncov12agele60")]))
            if rng.random() < 0.6:
                age = rng.choice([58, 59, 60, 61, 62, 63])
        if rng.random() < 0.02:
            place_dx(rng.choice(fc[("dx", "wrngproc")]))
        if rng.random() < 0.08:                                 # duplicates of the principal
            for _ in range(rng.choice([1, 1, 2])):
                sdx.insert(rng.randint(0, len(sdx)), pdx)
        return self.finish(cid, adm, dis, age, sex, status, pdx, admit, sdx, procs)

    # -- the sweep --------------------------------------------------------------------------------
    def sweep_claims(self, prefix="SWP"):
        """Every attribute-bearing master row inside and outside its window."""
        rng = self.rng
        t = self.t
        lo, hi = d2i(COV_START), d2i(COV_END)
        probes = {lo, hi}
        for m in (t.dx, t.sg):
            for _, ds, de, _ in m.rows:
                for d in (i2d(ds), i2d(ds) - dt.timedelta(days=1)) + (
                        (i2d(de), i2d(de) + dt.timedelta(days=1)) if de < 99991231 else ()):
                    if lo <= d2i(d) <= hi:
                        probes.add(d2i(d))
        probes = sorted(probes)
        groups = collections.defaultdict(lambda: {"pdx": [], "sdx": [], "pr": []})
        want = {"dx": set(DX_FLAGS), "sg": set(PR_FLAGS)}
        for m in (t.dx, t.sg):
            for code, ds, de, flags in m.rows:
                if not want[m.kind] & set(flags):
                    continue
                inside = [p for p in probes if ds <= p <= de]
                outside = [p for p in probes if not ds <= p <= de]
                edges = [p for p in (ds, de) if p in inside]
                near = [p for p in (d2i(i2d(ds) - dt.timedelta(days=1)),
                                    d2i(i2d(min(de, 99991230)) + dt.timedelta(days=1)))
                        if p in outside]
                slot = "pr" if m.kind == "sg" else ("pdx" if set(flags) & set(PDX_FLAGS) else "sdx")
                if inside:
                    p = rng.choice(edges) if edges and rng.random() < 0.7 else rng.choice(inside)
                    groups[p][slot].append((code, "inside"))
                if outside:
                    p = rng.choice(near) if near and rng.random() < 0.7 else rng.choice(outside)
                    groups[p][slot].append((code, "outside"))
        out, n = [], 0
        for p in sorted(groups):
            g = groups[p]
            for lst in g.values():
                rng.shuffle(lst)
            dis = i2d(p)
            while g["pdx"] or g["sdx"] or g["pr"]:
                n += 1
                pdx = g["pdx"].pop()[0] if g["pdx"] else self.neutral(t.dx, dis)
                sdx = [g["sdx"].pop()[0] for _ in range(rng.randint(1, 4)) if g["sdx"]]
                procs = [g["pr"].pop()[0] for _ in range(rng.randint(0, 4)) if g["pr"]]
                los = rng.choice([0, 1, 2, 3, 5, 8])
                adm = max(COV_START, dis - dt.timedelta(days=los))
                age = self.pick_age()
                sex = rng.choices("MFU", weights=[40, 40, 20])[0]
                status = self.pick_status(dis) if rng.random() < 0.3 else "01"
                claim = self.finish(f"{prefix}-{n:06d}", adm, dis, age, sex, status, pdx,
                                    None, sdx, procs)
                out.append((claim, f"sweep {p}"))
        return out

    # -- boundary cases -----------------------------------------------------------------------------
    def boundary_claims(self, path: Path):
        spec = json.loads(path.read_text())
        out = []
        for i, case in enumerate(spec["cases"], 1):
            rng = random.Random(case["name"])
            adm = dt.date.fromisoformat(case["admission"])
            dis = dt.date.fromisoformat(case["discharge"])
            dob = (dt.date.fromisoformat(case["dob"]) if "dob" in case
                   else make_dob(rng, case["age"], adm, dis))
            dx = [(d["code"], d.get("role", "other"), d.get("poa")) for d in case["diagnoses"]]
            claim = build_claim(f"BND-{i:03d}", adm, dis, dob, case.get("sex", "F"),
                                case.get("status", "01"), dx, case.get("procedures", []), rng)
            out.append((claim, "boundary " + case["name"], case))
        return out


# --------------------------------------------------------------------------------------------
# Running both sides
# --------------------------------------------------------------------------------------------
def run_msdrg(claims):
    import msdrg
    results, names = {}, collections.Counter()
    with msdrg.MceEditor() as mce:
        for claim in claims:
            inp = to_msdrg(claim)
            res = mce.edit(inp)
            counts = {}
            for e in res["edits"]:
                if e["count"]:
                    counts[e["name"]] = counts.get(e["name"], 0) + e["count"]
                    names[e["name"]] += 1
            results[claim["id"]] = (inp, res["edit_type"], counts)
    return results, names


def run_claimscrub(binary, claims, workdir: Path, extra):
    src = workdir / "mce-claims.ndjson"
    rep = workdir / "mce-claimscrub.ndjson"
    with src.open("w") as f:
        for c in claims:
            f.write(json.dumps(c, separators=(",", ":")) + "\n")
    cmd = [binary, "check", str(src), "--format", "ndjson", "--as-of", AS_OF, "-o", str(rep)] + extra
    p = subprocess.run(cmd, capture_output=True, text=True)
    problems = []
    if p.returncode not in (0, 1):
        raise SystemExit(f"claimscrub exited {p.returncode}: {' '.join(cmd)}\n{p.stderr[-3000:]}")
    findings = collections.defaultdict(list)
    summary = None
    with rep.open() as f:
        for line in f:
            o = json.loads(line)
            if o["type"] == "finding":
                findings[o["data"].get("claim_id")].append(o["data"])
            elif o["type"] == "error":
                problems.append(f"claimscrub could not read a claim: {json.dumps(o['data'])}")
            elif o["type"] == "summary":
                summary = o["data"]
    if summary is None:
        problems.append("claimscrub wrote no summary")
    elif summary.get("checked") != len(claims) or summary.get("unreadable"):
        problems.append(f"claimscrub checked {summary.get('checked')} of {len(claims)} claims, "
                        f"{summary.get('unreadable')} unreadable")
    return findings, problems


def claimscrub_counts(claim, findings, ignored):
    roles = [d.get("role", "other") for d in claim["diagnoses"]]
    counts = collections.Counter()
    for f in findings:
        rule = f.get("rule")
        if rule in ICD_INVALID_RULES:
            edit = "INVALID_CODE"
            parts = (f.get("path") or "").split("/")
            if len(parts) > 2 and parts[1] == "diagnoses" and parts[2].isdigit():
                i = int(parts[2])
                if i < len(roles) and roles[i] == "admitting":
                    edit = "INVALID_ADMIT_DX"
            counts[edit] += 1
        elif rule in RULE_TO_EDIT:
            counts[RULE_TO_EDIT[rule]] += 1
        else:
            ignored[rule] += 1
    return dict(counts)


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------
def describe(claim, inp):
    dx = ", ".join(f"{d['code']}[{d.get('role', 'other')[:3]}"
                   + (f" poa={d['poa']!r}" if "poa" in d else "") + "]" for d in claim["diagnoses"])
    pr = ", ".join(p["code"] for p in claim["procedures"]) or "-"
    los = (dt.date.fromisoformat(claim["statement_to"]) - dt.date.fromisoformat(claim["statement_from"])).days
    return (f"  stay {claim['statement_from']}..{claim['statement_to']} (LOS {los}), age {inp['age']} "
            f"(dob {claim['patient']['date_of_birth']}), sex {claim['patient']['sex']}, "
            f"status {claim['discharge_status']}\n  dx: {dx}\n  pcs: {pr}")


def main(argv=None):
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--claims", type=int, default=5000, help="random claims (default 5000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--sweep", action="store_true",
                    help="add claims putting every attribute-bearing code inside and outside its window")
    ap.add_argument("--boundary", action="store_true",
                    help="add the hand-built cases of scripts/mce_boundary.json")
    ap.add_argument("--boundary-file", type=Path, default=here / "mce_boundary.json")
    ap.add_argument("--show", type=int, default=10, help="example disagreeing claims to print")
    ap.add_argument("--dump", type=Path, help="write every disagreeing claim here (NDJSON)")
    ap.add_argument("--keep", type=Path, help="keep the claims and claimscrub's report in this dir")
    ap.add_argument("--claimscrub", default=os.environ.get("CLAIMSCRUB", "target/release/claimscrub"))
    ap.add_argument("--cs-arg", action="append", default=[], help="extra `claimscrub check` argument")
    a = ap.parse_args(argv)

    t0 = time.time()
    if not Path(a.claimscrub).exists():
        raise SystemExit(f"claimscrub binary not found: {a.claimscrub} (build it first)")
    tables = MsdrgTables()
    gen = Generator(tables, a.seed)
    source, expect = {}, {}
    claims = []
    for i in range(a.claims):
        c = gen.random_claim(f"MCE-{i + 1:06d}")
        claims.append(c)
        source[c["id"]] = "random"
    if a.sweep:
        for c, s in gen.sweep_claims():
            claims.append(c)
            source[c["id"]] = s
    if a.boundary:
        for c, s, case in gen.boundary_claims(a.boundary_file):
            claims.append(c)
            source[c["id"]] = s
            expect[c["id"]] = case.get("expect", {})
    if not claims:
        raise SystemExit("no claims to compare")
    t_gen = time.time()

    ms, ms_names = run_msdrg(claims)
    t_ms = time.time()
    with tempfile.TemporaryDirectory(prefix="mce-diff-") as tmp:
        work = a.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        findings, problems = run_claimscrub(a.claimscrub, claims, work, a.cs_arg)
    t_cs = time.time()

    # generator / reference sanity
    for c in claims:
        inp, etype, counts = ms[c["id"]]
        if etype == "INVALID_DISCHARGE_DATE":
            problems.append(f"generator error: msdrg INVALID_DISCHARGE_DATE on {c['id']} "
                            f"({inp['discharge_date']})")
    unmapped = {n: k for n, k in ms_names.items() if n not in EDITS}
    for n, k in sorted(unmapped.items()):
        problems.append(f"msdrg edit {n} is not in the mapping table (non-zero on {k} claims)")
    misbuilt = []
    for cid, exp in expect.items():
        got = ms[cid][2]
        if got != exp:
            misbuilt.append((cid, exp, got))
    for cid, exp, got in misbuilt:
        problems.append(f"boundary case mis-built: {cid} {source[cid]}: built for msdrg {exp}, "
                        f"msdrg gives {got}")

    # compare
    ignored = collections.Counter()
    stat = {e: collections.Counter() for e in EDITS}
    bad = []          # (claim, inp, ms_counts, cs_counts, diff)
    pairs_by_edit = collections.defaultdict(list)
    for c in claims:
        inp, _, mc = ms[c["id"]]
        cc = claimscrub_counts(c, findings.get(c["id"], []), ignored)
        diff = {}
        for e in EDITS:
            m, s = mc.get(e, 0), cc.get(e, 0)
            st = stat[e]
            st["ms"] += m > 0
            st["cs"] += s > 0
            if m or s:
                st["either"] += 1
                if m == s:
                    st["agree"] += 1
                else:
                    diff[e] = (m, s)
                    pairs_by_edit[e].append(len(bad))
        if diff:
            bad.append((c, inp, mc, cc, diff))

    n = len(claims)
    srcs = collections.Counter(s.split()[0] for s in source.values())
    print(f"mce_diff: {n} claims ({', '.join(f'{k} {v}' for k, v in srcs.items())}), seed {a.seed}; "
          f"claimscrub {a.claimscrub}")
    print(f"time: generate {t_gen - t0:.1f}s, msdrg {t_ms - t_gen:.1f}s, claimscrub {t_cs - t_ms:.1f}s\n")
    hdr = (f"{'msdrg edit':<34} {'rules':<14} {'either':>7} {'msdrg':>7} {'cs':>7} "
           f"{'agree':>7} {'differ':>7} {'agree%':>7}")
    print(hdr)
    print("-" * len(hdr))
    for e in EDITS:
        st = stat[e]
        rules = "ICD00x/PRC006" if e == "INVALID_CODE" else "ICD00x" if e == "INVALID_ADMIT_DX" \
            else "+".join(EDIT_RULES[e])
        pct = f"{100.0 * st['agree'] / st['either']:.1f}" if st["either"] else "-"
        print(f"{e:<34} {rules:<14} {st['either']:>7} {st['ms']:>7} {st['cs']:>7} {st['agree']:>7} "
              f"{st['either'] - st['agree']:>7} {pct:>7}")
    agree = n - len(bad)
    print("-" * len(hdr))
    print(f"claims fully agreeing: {agree} / {n} ({100.0 * agree / n:.2f}%); "
          f"disagreeing claim-edit pairs: {sum(len(b[4]) for b in bad)}")
    never = [e for e in EDITS if not stat[e]["ms"]]
    if never:
        print(f"note: msdrg never fired {', '.join(never)} in this run (edit not exercised)")
    if ignored:
        print("claimscrub findings not compared: "
              + ", ".join(f"{r} {k}" for r, k in sorted(ignored.items())))
    if expect:
        print(f"boundary cases: {len(expect)}, mis-built: {len(misbuilt)}")

    if bad and a.show:
        print(f"\nexamples (up to {a.show}, one per differing edit in turn):")
        picked, seen = [], set()
        queues = [list(pairs_by_edit[e]) for e in EDITS if pairs_by_edit[e]]
        while len(picked) < a.show and any(queues):
            for q in queues:
                while q and q[0] in seen:
                    q.pop(0)
                if q and len(picked) < a.show:
                    seen.add(q[0])
                    picked.append(q.pop(0))
        for i in picked:
            c, inp, mc, cc, diff = bad[i]
            print(f"\n{c['id']} ({source[c['id']]}): "
                  + "; ".join(f"{e} msdrg {m} claimscrub {s}" for e, (m, s) in diff.items()))
            print(describe(c, inp))
            fs = [f"{f['rule']} {f.get('path')} {f.get('code')}" for f in findings.get(c["id"], [])
                  if f["rule"] in RULE_TO_EDIT or f["rule"] in ICD_INVALID_RULES]
            print("  claimscrub: " + ("; ".join(fs) or "no mapped findings"))
            print("  msdrg: " + (", ".join(f"{k} {v}" for k, v in sorted(mc.items())) or "no edits"))
    if a.dump:
        with a.dump.open("w") as f:
            for c, inp, mc, cc, diff in bad:
                f.write(json.dumps({
                    "id": c["id"], "source": source[c["id"]],
                    "diff": {e: {"msdrg": m, "claimscrub": s} for e, (m, s) in diff.items()},
                    "msdrg": mc, "claimscrub": cc, "msdrg_input": inp, "claim": c,
                    "findings": [{k: x.get(k) for k in ("rule", "path", "code", "message")}
                                 for x in findings.get(c["id"], [])],
                }) + "\n")
        print(f"\n{len(bad)} disagreeing claims written to {a.dump}")
    for p in problems[:50]:
        print("FAIL: " + p, file=sys.stderr)
    if len(problems) > 50:
        print(f"FAIL: ... {len(problems) - 50} more", file=sys.stderr)
    ok = not bad and not problems
    print("\nRESULT: " + ("PASS (100% agreement)" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
