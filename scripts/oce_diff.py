#!/usr/bin/env python3
"""Differential test: claimscrub's diagnosis edits against CMS's I/OCE (PyPI pyoce 0.1.0).

What
----
Generates random, seeded outpatient hospital claims (bill type 0131, Medicare Part B), runs
them through claimscrub (``claimscrub check FILE --format ndjson --as-of 2026-12-01``) and
through pyoce 0.1.0, a Python port of CMS's Integrated Outpatient Code Editor that is
parity-tested against CMS's Java, and compares, per claim, per edit and per diagnosis
position, the diagnosis edits the I/OCE shares with the Medicare Code Editor.

How to run
----------
    scripts/oce_diff.sh [--claims 3000] [--seed 1] [--show 10] [--dump PATH]

(the wrapper makes a Python 3.12 virtualenv in target/oce-venv with pyoce==0.1.0 and runs this
script with the binary in $CLAIMSCRUB, default target/release/claimscrub; it does not build
it). Directly: ``python3.12 scripts/oce_diff.py --claimscrub target/release/claimscrub`` with
pyoce importable. ``--claims-out FILE`` keeps the generated NDJSON. Exit 0 only when every
compared edit agrees on every claim; 1 on any disagreement; 2 on a setup error.

Mapping (I/OCE edit number -> claimscrub rules)
-----------------------------------------------
The I/OCE reports diagnosis edits per diagnosis (``principalDiagnosisCode.editList``,
``secondaryDiagnosisCodeList[i].editList``); the principal is claimscrub's ``/diagnoses/0``
and secondary i is ``/diagnoses/{i+1}`` (every generated claim lists its principal first,
then the others, all role ``other``; no reason-for-visit diagnoses are sent).

  edit 1   invalid diagnosis code   <- ICD001 invalid, ICD002 category header, ICD003 not
           effective on the date, ICD013 needs 7th character, ICD014 needs more digits,
           ICD011/ICD012 (ICD-9/ICD-10 date mismatch; cannot occur on these claims).
           Not one-to-one: the I/OCE has one edit for "not in the dx table of the claim's
           version", claimscrub splits it by reason. A position agrees when edit 1 is on it
           and at least one of these rules is, or neither.
  edit 2   diagnosis/age conflict   <- ICD009
  edit 3   diagnosis/sex conflict   <- ICD010 (see "sex" below)
  edit 5   external cause code as principal diagnosis   <- ICD007 (on /diagnoses/0 only)
  edit 86  manifestation code as principal diagnosis    <- ICD006 (on /diagnoses/0 only)

Per edit, a claim counts as "fired" when either side put that edit on any diagnosis of the
claim; it agrees when both sides put it on exactly the same positions.

What the I/OCE does (read in pyoce's source; it follows CMS's Java):
* Version: chosen by the claim's from date (``dateStarted``); quarterly versions 20.2
  (2019-07-01) ... 27.1 (2026-04-01, open-ended). The dx table (``data_dx10``) gives per
  version the valid codes, low/high age, sex, manifestation and external cause flags.
* Edit 1: the code has no row in the claim's version. Exception (DIAGNOSIS_VALID_IN_FUTURE_VERSION):
  a code without a row in the from-date version that has one in the version of the claim's
  through date, when that is the next version, is accepted (no edit 1), and then carries no
  age limits, no sex and no flags (so no edit 2, 5 or 86 either).
* Edit 2: only for codes valid in the version, whose (low, high) age is not (0, 124), on a
  patient age (an input field, in years) outside it. This script passes the age in years on
  the from date, and picks dates of birth whose birthday is at least two weeks from every
  day of the claim, so claimscrub (which computes the age from the date of birth on the
  earliest line date) and the I/OCE see the same age.
* Edit 3: on 13x claims the I/OCE never runs its diagnosis/sex logic (it is not in the 13x
  logic path, its edit table calls edit 3 "inactive" in every version 20.2-27.1, and the dx
  table carries no sex for any code in any of those versions). So the I/OCE never fires
  edit 3 on outpatient claims, before or after 2024-10-01.
* Edits 5 and 86: only on the principal, and only when the code is valid in the version (the
  flags come from the version's row).

Sex: the claims carry payer plan ``MB`` (Medicare Part B, the plan of an outpatient hospital
claim); claimscrub's ``medicare`` pack (plans MA, MB) disables ICD010. The sex row is then
a check that claimscrub raises no sex conflict on Medicare outpatient claims on any date in
2019-07 .. 2026-06, as the I/OCE raises none; the generator puts sex-specific codes (from
claimscrub's own ``codesets/icd10cm/attributes.tsv``, when present) on patients of the other
sex so that the row has something to catch (the line under the table counts those claims).
The I/OCE had no diagnosis/sex edit on any date it covers, so a disable limited to dates from
2024-10-01 on would show here as ICD010-only disagreements before that date. With ``--plan``
set to a non-Medicare plan (``CI``) every such claim is an ICD010-only disagreement, which is
expected: that is the setting where claimscrub deliberately goes beyond the I/OCE.

Claims
------
Dates 2019-07-01 .. 2026-06-30, half of them within five days of a quarter boundary; about a
tenth span a quarter boundary (from date in the last days of one quarter, through date in the
next), where the I/OCE's "valid in the next version" rule matters. Diagnoses are drawn from
pyoce's dx table by what they exercise: codes with age limits (the patient's age put on a
limit or one past it, for the limits of every version of the code), codes whose age limits
or flags changed between versions (each kind of change drawn as often as the others),
manifestation and external cause codes (often as principal), sex-specific codes, and invalid
ones: random code-shaped strings, category headers and subcategories (prefixes of valid
codes), codes deleted before the date (also at the start of the claim's quarter), codes added
after it, flagged and age-limited codes invalid on the date, and on spanning claims codes new
in, or deleted at, the through date's quarter. Service lines carry HCPCS Level II codes that
pyoce's ``data_hcpcs`` holds valid on the line date (no CPT code is used or written), with
revenue codes. ``--span-share 0`` leaves spanning claims out.

The output ends with the disagreements grouped into classes (edit, which side fired alone,
what the I/OCE's table says of the code in the claim's version, the claimscrub rules at that
position), each with a count and an example, then ``--show`` whole claims.

What is not compared, and why
-----------------------------
* Unacceptable principal diagnosis (I/OCE edit 113, from version 77 on; claimscrub ICD008):
  not among the edits the I/OCE shares with the MCE that this test covers; the I/OCE has its
  own list and exclusions (UNACCEPTABLE_PDX_EXCLUSION). Ignored on both sides.
* Edits on lines (HCPCS, revenue code, modifiers, NCCI, age/sex of procedures), claim-level
  edits (invalid age 25, invalid sex 26, dates, bill type): not diagnosis edits.
* Reason-for-visit diagnoses: the I/OCE applies edits 1-3 to them too, but claimscrub's
  ICD006/ICD007 look at the first-listed diagnosis whatever its role, and the I/OCE does not
  put edits 5/86 on reason-for-visit codes; none are generated.
* Excludes1 (ICD005), code set staleness (ICD004): no I/OCE counterpart.
* Timely filing and other payer-pack rules: the submission date is fixed; ignored.

No pyoce table content is written anywhere but to the files asked for with ``--dump`` and
``--claims-out`` (CMS diagnosis and HCPCS Level II data, public domain); nothing of it is
kept in this repository.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import datetime as dt
import json
import logging
import marshal
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# (key, title, I/OCE edit number, claimscrub rules)
EDITS = [
    ("invalid", "invalid diagnosis", "001",
     ("ICD001", "ICD002", "ICD003", "ICD011", "ICD012", "ICD013", "ICD014")),
    ("age", "diagnosis/age conflict", "002", ("ICD009",)),
    ("sex", "diagnosis/sex conflict", "003", ("ICD010",)),
    ("ecode", "external cause first", "005", ("ICD007",)),
    ("manif", "manifestation first", "086", ("ICD006",)),
]
OCE_EDIT = {num: key for key, _, num, _ in EDITS}
RULE_EDIT = {r: key for key, _, _, rules in EDITS for r in rules}

FIRST_DAY = dt.date(2019, 7, 1)
LAST_DAY = dt.date(2026, 6, 30)
AS_OF = "2026-12-01"
# HCPCS Level II rows with any of these flags are not put on lines
HCPCS_AVOID = (
    "questionable", "non_covered", "not_recognized_mcare", "not_recognized_opps", "statutory_exclusion",
    "skin_substitute", "skin_substitute_sg", "skin_substitute_lo", "skin_substitute_hi", "skin_substitute_sg_lo",
    "skin_substitute_sg_hi", "skin_substitute_application_procedure", "has_dev_req_proc",
    "device_dependent_procedure", "device_procedure", "trauma_revenue_code", "trauma_critical_care",
    "unclassified_drug", "observation", "mid_quarter_date_edit", "cms_mid_quarter_termination",
    "non_billable_mac", "dmerc_billable_only", "film_xray",
)
REVENUE_CODES = ["0250", "0300", "0320", "0450", "0510", "0636", "0730", "0921"]


def ymd(d: dt.date) -> str:
    return d.strftime("%Y%m%d")


def from_ymd(n: int) -> dt.date:
    return dt.date(n // 10000, n // 100 % 100, n % 100)


def dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


# ----------------------------------------------------------------------------- pyoce data

class OceData:
    """pyoce's I/OCE tables, read at run time from the LMDB file pyoce inflates."""

    def __init__(self) -> None:
        from pyoce.dao.provider import LmdbDataProvider

        self.env = LmdbDataProvider.get_instance().env
        self.versions = []  # (version, start, end) sorted
        for _, v in self._table("version_range"):
            self.versions.append((int(v["version"]), from_ymd(v["date_started"]), from_ymd(v["date_ended"])))
        self.versions.sort()
        self.starts = [s for _, s, _ in self.versions]
        self.vmin, self.vmax = self.versions[0][0], self.versions[-1][0]
        # code -> [(lo_v, hi_v, lo_age, hi_age, external_cause, manifestation)]
        self.dx: dict[str, list[tuple]] = collections.defaultdict(list)
        for k, v in self._table("data_dx10"):
            code = k.split("|", 1)[0]
            self.dx[code].append((int(v["lo_version"]), int(v["hi_version"]), int(v["lo_age"] or 0),
                                  int(v["hi_age"] or 0), bool(v["external_cause"]), bool(v["manifestation"])))
        self.codes = sorted(self.dx)
        self.code_set = set(self.codes)
        self._pools: dict[int, dict] = {}
        self._hcpcs: dict[int, list[str]] = collections.defaultdict(list)
        db = self.env.open_db(b"data_hcpcs", create=False)
        with self.env.begin(db=db) as t:
            for k, raw in t.cursor():
                key = bytes(k).decode()
                # HCPCS Level II only: a letter then four digits (CPT rows are never read)
                if not (key[0].isalpha() and key[1:5].isdigit() and key[5] == "|"):
                    continue
                v = marshal.loads(bytes(raw))
                # plain separately paid services, no age/sex limit, nothing that needs a
                # companion code (lines only carry the claim; their edits are not compared)
                if v.get("status_indicator") not in ("S", "T", "X") or v.get("sex") \
                        or int(v.get("lo_age") or 0) != 0 or int(v.get("hi_age") or 124) != 124 \
                        or any(v.get(f) for f in HCPCS_AVOID):
                    continue
                for ver in range(int(v["lo_version"]), int(v["hi_version"]) + 1):
                    self._hcpcs[ver].append(key[:5])
        for ver in self._hcpcs:
            self._hcpcs[ver] = sorted(set(self._hcpcs[ver]))

    def _table(self, name: str):
        db = self.env.open_db(name.encode(), create=False)
        with self.env.begin(db=db) as t:
            for k, v in t.cursor():
                yield bytes(k).decode(), marshal.loads(bytes(v))

    def version(self, day: dt.date) -> int:
        i = bisect.bisect_right(self.starts, day) - 1
        if i < 0 or day > self.versions[i][2]:
            raise ValueError(f"{day} outside pyoce's versions")
        return self.versions[i][0]

    def version_id(self, ver: int) -> str:
        return next(f"v{v} {s}..{e}" for v, s, e in self.versions if v == ver)

    def row(self, code: str, ver: int):
        for r in self.dx.get(code, ()):
            if r[0] <= ver <= r[1]:
                return r
        return None

    def nearest_row(self, code: str, ver: int):
        rows = self.dx.get(code)
        if not rows:
            return None
        return min(rows, key=lambda r: 0 if r[0] <= ver <= r[1] else min(abs(ver - r[0]), abs(ver - r[1])))

    def hcpcs(self, ver: int) -> list[str]:
        return self._hcpcs.get(ver) or ["G0008"]

    def pools(self, ver: int) -> dict:
        p = self._pools.get(ver)
        if p is not None:
            return p
        p = {k: [] for k in ("plain", "age", "ecode", "manif", "deleted", "added", "next_new",
                            "just_deleted", "flag_invalid")}
        changed = collections.defaultdict(list)
        for code in self.codes:
            r = self.row(code, ver)
            rows = self.dx[code]
            if r is not None:
                lo, hi = r[2], r[3]
                if r[4]:
                    p["ecode"].append(code)
                elif r[5]:
                    p["manif"].append(code)
                elif (lo, hi) != (0, 124):
                    p["age"].append(code)
                else:
                    p["plain"].append(code)
                if self.row(code, ver + 1) is None and ver < self.vmax:
                    p["just_deleted"].append(code)
                kinds = sorted({x[2:] for x in rows})
                if len(kinds) > 1:
                    changed[tuple(kinds)].append(code)
                continue
            first, last = min(x[0] for x in rows), max(x[1] for x in rows)
            if last < ver:
                p["deleted"].append(code)
            if first > ver:
                p["added"].append(code)
                if first == ver + 1:
                    p["next_new"].append(code)
            n = self.nearest_row(code, ver)
            if n[4] or n[5] or (n[2], n[3]) != (0, 124):
                p["flag_invalid"].append(code)
        # codes whose age limits or flags differ between versions, grouped by how they
        # change, so that a rare change is drawn as often as a common one
        p["changed"] = [changed[k] for k in sorted(changed)]
        self._pools[ver] = p
        return p


def claimscrub_sex_codes() -> list[tuple[str, str]]:
    """Sex-specific codes as claimscrub's own attribute table lists them (the I/OCE's table
    has none), to aim claims at ICD010: [(code, "M" | "F")]."""
    path = REPO / "codesets/icd10cm/attributes.tsv"
    sex = []
    if not path.exists():
        return sex
    with open(path, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        ix = {h: i for i, h in enumerate(head)}
        for line in f:
            c = line.rstrip("\n").split("\t")
            if c[ix["sex"]] in ("M", "F"):
                sex.append((c[ix["code"]], c[ix["sex"]]))
    return sex


# ----------------------------------------------------------------------------- generator

class Generator:
    def __init__(self, oce: OceData, seed: int, plan: str, span_share: float) -> None:
        self.oce = oce
        self.rng = random.Random(seed)
        self.plan = plan
        self.span_share = span_share
        self.sex_codes = claimscrub_sex_codes()
        self.sex_of = dict(self.sex_codes)
        self.boundaries = [s for _, s, _ in oce.versions[1:]]

    def pick_date(self) -> tuple[dt.date, dt.date]:
        rng = self.rng
        if rng.random() < self.span_share:
            b = rng.choice(self.boundaries)
            start = b - dt.timedelta(days=rng.randint(1, 5))
            end = b + dt.timedelta(days=rng.randint(0, 5))
            return start, min(end, LAST_DAY)
        if rng.random() < 0.5:
            b = rng.choice(self.boundaries + [FIRST_DAY])
            day = b + dt.timedelta(days=rng.randint(-5, 5))
        else:
            day = FIRST_DAY + dt.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
        day = min(max(day, FIRST_DAY), LAST_DAY)
        return day, day

    def bogus_code(self) -> str:
        rng = self.rng
        while True:
            c = rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + str(rng.randint(0, 9)) + \
                rng.choice("0123456789ABCDEFGHJKXZ")
            c += "".join(rng.choice("0123456789AXZ") for _ in range(rng.randint(0, 4)))
            if c not in self.oce.code_set:
                return c

    def header_code(self, ver: int) -> str:
        rng = self.rng
        pool = self.oce.pools(ver)["plain"] + self.oce.pools(ver)["age"]
        for _ in range(100):
            c = rng.choice(pool)
            if len(c) <= 3:
                continue
            h = c[:rng.randint(3, len(c) - 1)].rstrip("X") or c[:3]
            if len(h) >= 3 and self.oce.row(h, ver) is None:
                return h
        return "E11"

    def pick_dx(self, kind: str, ver: int, span_ver: int | None) -> str | None:
        rng = self.rng
        p = self.oce.pools(ver)
        if kind == "invalid":
            sub = rng.choices(["bogus", "header", "deleted", "added", "just_deleted_prev", "next_new"],
                              [2, 3, 3, 3, 2, 2])[0]
            if sub == "bogus":
                return self.bogus_code()
            if sub == "header":
                return self.header_code(ver)
            if sub == "just_deleted_prev":
                # deleted at the start of this version (valid in the one before)
                if ver > self.oce.vmin:
                    prev = self.oce.pools(ver - 1)["just_deleted"]
                    return rng.choice(prev) if prev else None
                return None
            lst = p[sub]
            return rng.choice(lst) if lst else None
        if kind == "span_new":
            lst = p["next_new"] if span_ver == ver + 1 else []
            return rng.choice(lst) if lst else None
        if kind == "span_deleted":
            lst = p["just_deleted"] if span_ver == ver + 1 else []
            return rng.choice(lst) if lst else None
        if kind == "sex":
            if not self.sex_codes:
                return None
            for _ in range(20):
                c, _s = rng.choice(self.sex_codes)
                if self.oce.row(c, ver) is not None:
                    return c
            return None
        if kind == "changed":
            groups = p["changed"]
            return rng.choice(rng.choice(groups)) if groups else None
        lst = p[kind]
        return rng.choice(lst) if lst else None

    def age_for(self, codes: list[str], ver: int) -> int:
        rng = self.rng
        edges = []
        for c in codes:
            # the limits of every version, so that a code whose limits changed is tried on both
            for lo, hi in {(r[2], r[3]) for r in self.oce.dx.get(c, ())}:
                if (lo, hi) != (0, 124):
                    edges += [lo - 1, lo, hi, hi + 1]
        edges = [e for e in edges if 0 <= e <= 124]
        if edges and rng.random() < 0.75:
            return rng.choice(edges)
        return rng.choices([rng.randint(0, 17), rng.randint(18, 64), rng.randint(65, 124)], [2, 3, 3])[0]

    def dob_for(self, age: int, start: dt.date, end: dt.date) -> dt.date:
        rng = self.rng
        for _ in range(100):
            y = start.year - age
            try:
                base = start.replace(year=y)
            except ValueError:  # Feb 29
                base = dt.date(y, 2, 28)
            dob = base - dt.timedelta(days=rng.randint(15, 340))
            if dob.month == 2 and dob.day == 29:
                dob -= dt.timedelta(days=1)
            # the same age on every day of the claim, two weeks from any birthday
            if age_on(dob, start) == age == age_on(dob, end) and \
                    age_on(dob, start - dt.timedelta(days=14)) == age == age_on(dob, end + dt.timedelta(days=14)):
                return dob
        raise RuntimeError(f"no date of birth for age {age} on {start}..{end}")

    def claim(self, n: int) -> tuple[dict, dict, dict]:
        rng = self.rng
        start, end = self.pick_date()
        ver = self.oce.version(start)
        end_ver = self.oce.version(end)
        span_ver = end_ver if end_ver != ver else None
        kinds = ["plain", "age", "changed", "manif", "ecode", "sex", "invalid", "flag_invalid"]
        pdx_w = [15, 15, 4, 17, 17, 4, 14, 14]
        sdx_w = [30, 16, 5, 8, 8, 10, 14, 10]
        if span_ver:
            kinds += ["span_new", "span_deleted"]
            pdx_w += [25, 8]
            sdx_w += [25, 8]
        ndx = 1 + rng.choices(range(8), [10, 20, 20, 15, 12, 10, 8, 5])[0]
        codes: list[str] = []
        tries = 0
        while len(codes) < ndx and tries < 200:
            tries += 1
            kind = rng.choices(kinds, pdx_w if not codes else sdx_w)[0]
            c = self.pick_dx(kind, ver, span_ver)
            if c and c not in codes:
                codes.append(c)
        age = self.age_for(codes, ver)
        dob = self.dob_for(age, start, end)
        specific = [self.sex_of[c] for c in codes if c in self.sex_of]
        if specific and rng.random() < 0.8:
            sex = "F" if specific[0] == "M" else "M"
        else:
            sex = rng.choice(["M", "F", "F", "M", "U"]) if rng.random() < 0.1 else rng.choice(["M", "F"])
        nlines = rng.choices([1, 2, 3], [6, 3, 1])[0]
        days = [start] + [start + dt.timedelta(days=rng.randint(0, (end - start).days)) for _ in range(nlines - 1)]
        lines, oce_lines, total = [], [], 0
        for d in sorted(days):
            h = rng.choice(self.oce.hcpcs(self.oce.version(d)))
            rev = rng.choice(REVENUE_CODES)
            cents = rng.randint(20, 900) * 100
            total += cents
            lines.append({"revenue_code": rev, "procedure": h, "units": 1, "charge": cents / 100,
                          "from": d.isoformat()})
            oce_lines.append({"serviceDate": ymd(d), "revenueCode": rev, "hcpcs": h, "unitsInput": "1",
                              "charge": str(cents)})
        cid = f"OCE-{n:06d}"
        cs = {
            "id": cid, "type": "institutional", "bill_type": "0131", "submission_date": AS_OF,
            "payer": {"id": "00435", "plan": self.plan},
            "patient": {"member_id": f"M{n:07d}", "date_of_birth": dob.isoformat(), "sex": sex},
            "billing_provider": {"npi": "1234567893", "tax_id": "987654321"},
            "statement_from": start.isoformat(), "statement_to": end.isoformat(),
            "diagnoses": [{"code": dotted(c), "role": "principal" if i == 0 else "other"}
                          for i, c in enumerate(codes)],
            "total_charge": total / 100, "lines": lines,
        }
        oc = {
            "claimId": cid, "billType": "131", "dateStarted": ymd(start), "dateEnded": ymd(end),
            "age": str(age), "sex": {"M": "1", "F": "2"}.get(sex, "0"),
            "principalDiagnosisCode": {"diagnosis": codes[0]},
            "secondaryDiagnosisCodeList": [{"diagnosis": c} for c in codes[1:]],
            "lineItemList": oce_lines,
        }
        meta = {"from": start.isoformat(), "to": end.isoformat(), "age": age, "sex": sex, "dob": dob.isoformat(),
                "version": ver, "end_version": end_ver, "codes": codes}
        return cs, oc, meta


# ----------------------------------------------------------------------------- running both

def run_oce(claims: list[dict]) -> dict[str, dict[str, set[int]]]:
    """claim id -> edit key -> positions, from pyoce's per-diagnosis edit lists."""
    import pyoce

    engine = pyoce.IoceComponent()
    out = {}
    for c in claims:
        r = engine.process(json.loads(json.dumps(c)))
        rc = r["processingInformation"]["returnCode"]
        if rc not in (0, "0", "00"):
            raise RuntimeError(f"pyoce returned {rc} on {c['claimId']}: {json.dumps(c)}")
        per = collections.defaultdict(set)
        dxs = [r["principalDiagnosisCode"]] + list(r["secondaryDiagnosisCodeList"])
        for pos, d in enumerate(dxs):
            for e in d.get("editList") or []:
                if e in OCE_EDIT:
                    per[OCE_EDIT[e]].add(pos)
        out[c["claimId"]] = {"per": per, "all": [list(d.get("editList") or []) for d in dxs]}
    return out


def run_claimscrub(binary: str, path: Path) -> dict[str, dict]:
    """claim id -> {"per": edit key -> positions, "rules": pos -> [(rule, message)]}."""
    p = subprocess.run([binary, "check", str(path), "--format", "ndjson", "--as-of", AS_OF],
                       capture_output=True, text=True)
    out: dict[str, dict] = collections.defaultdict(lambda: {"per": collections.defaultdict(set),
                                                           "rules": collections.defaultdict(list)})
    summary = None
    for line in p.stdout.splitlines():
        if not line.strip():
            continue
        ev = json.loads(line)
        if ev.get("type") == "summary":
            summary = ev["data"]
        if ev.get("type") != "finding":
            continue
        f = ev["data"]
        path_ = f.get("path") or ""
        if not path_.startswith("/diagnoses/"):
            continue
        pos = int(path_.split("/")[2])
        rec = out[f["claim_id"]]
        rec["rules"][pos].append((f["rule"], f.get("message", "")))
        if f["rule"] in RULE_EDIT:
            rec["per"][RULE_EDIT[f["rule"]]].add(pos)
    if summary is None:
        raise RuntimeError(f"claimscrub exited {p.returncode} without a summary:\n{p.stderr[-3000:]}")
    if summary.get("unreadable"):
        raise RuntimeError(f"claimscrub could not read {summary['unreadable']} claims:\n{p.stderr[-3000:]}")
    return out


# ----------------------------------------------------------------------------- comparison

def describe(oce: OceData, code: str, ver: int, end_ver: int) -> str:
    r = oce.row(code, ver)
    if r is None:
        nxt = oce.row(code, end_ver) if end_ver == ver + 1 else None
        rows = oce.dx.get(code)
        if nxt is not None:
            state = f"I/OCE: not in v{ver}, valid in next v{end_ver} (through-date version)"
        elif rows:
            state = f"I/OCE: not in v{ver} (rows v{min(x[0] for x in rows)}..v{max(x[1] for x in rows)})"
        else:
            state = "I/OCE: in no version"
        return state
    bits = [f"I/OCE v{ver}: valid", f"age {r[2]}-{r[3]}"]
    if r[4]:
        bits.append("external cause")
    if r[5]:
        bits.append("manifestation")
    return ", ".join(bits)


AGES_RE = re.compile(r"ages (\d+)\D(\d+)")


def signature(key: str, side: str, code: str, meta: dict, oce: OceData, findings: list[tuple[str, str]]) -> str:
    """A disagreement's class: the edit, the side that fired alone, what the I/OCE's table
    says of the code in the claim's version, and the compared claimscrub rules there."""
    ver, end_ver = meta["version"], meta["end_version"]
    r = oce.row(code, ver)
    if r is None:
        if end_ver == ver + 1 and oce.row(code, end_ver) is not None:
            state = "code valid only in the through date's (next) I/OCE version"
        elif code in oce.code_set:
            rows = oce.dx[code]
            state = "code deleted before the date" if max(x[1] for x in rows) < ver else \
                "code added after the date" if min(x[0] for x in rows) > ver else "code not valid in this version"
        else:
            state = "code in no I/OCE version"
    else:
        state = f"code valid, I/OCE age {r[2]}-{r[3]}" if key == "age" else "code valid"
    rules = sorted({f for f, _ in findings if f in RULE_EDIT})
    extra = ""
    if key == "age":
        ranges = sorted({"-".join(m.groups()) for f, msg in findings if f == "ICD009" for m in [AGES_RE.search(msg)] if m})
        if ranges:
            extra = f" (claimscrub ages {', '.join(ranges)})"
    return f"{key}: {side} only; {state}; claimscrub: {','.join(rules) or '-'}{extra}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--claims", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=10, help="example disagreements to print")
    ap.add_argument("--dump", type=Path, help="write every disagreement here (JSON lines)")
    ap.add_argument("--claims-out", type=Path, help="keep the generated claimscrub NDJSON here")
    ap.add_argument("--claimscrub", default=os.environ.get("CLAIMSCRUB", str(REPO / "target/release/claimscrub")))
    ap.add_argument("--plan", default="MB", help="payer plan on the claims (default MB: Medicare Part B)")
    ap.add_argument("--span-share", type=float, default=0.1,
                    help="share of claims that span a quarter boundary (default 0.1)")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    if sys.version_info < (3, 12):
        print("oce_diff: pyoce needs Python >= 3.12 (run scripts/oce_diff.sh)", file=sys.stderr)
        return 2
    try:
        import pyoce
    except ImportError:
        print("oce_diff: pyoce is not installed (pip install pyoce==0.1.0, or run scripts/oce_diff.sh)", file=sys.stderr)
        return 2
    if pyoce.__version__ != "0.1.0":
        print(f"oce_diff: warning: pyoce {pyoce.__version__}, the test was written against 0.1.0", file=sys.stderr)

    if not (Path(args.claimscrub).is_file() and os.access(args.claimscrub, os.X_OK)):
        print(f"oce_diff: no claimscrub binary at {args.claimscrub} (build it, or set CLAIMSCRUB)", file=sys.stderr)
        return 2
    t0 = time.time()
    oce = OceData()
    gen = Generator(oce, args.seed, args.plan, args.span_share)
    cs_claims, oce_claims, metas = [], [], {}
    for i in range(1, args.claims + 1):
        cs, oc, meta = gen.claim(i)
        cs_claims.append(cs)
        oce_claims.append(oc)
        metas[cs["id"]] = meta
    t1 = time.time()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.claims_out or Path(tmp) / "claims.ndjson"
        with open(path, "w", encoding="utf-8") as f:
            for c in cs_claims:
                f.write(json.dumps(c, separators=(",", ":")) + "\n")
        cs_out = run_claimscrub(args.claimscrub, path)
    t2 = time.time()
    oce_out = run_oce(oce_claims)
    t3 = time.time()

    stats = {k: collections.Counter() for k, *_ in EDITS}
    sex_chances = sum(
        1 for m in metas.values()
        if any(gen.sex_of.get(c) in ("M", "F") and m["sex"] in ("M", "F") and gen.sex_of[c] != m["sex"]
               and oce.row(c, m["version"]) is not None for c in m["codes"]))
    disagreements = []
    classes: dict[str, list] = collections.defaultdict(list)
    for cs in cs_claims:
        cid = cs["id"]
        meta = metas[cid]
        o = oce_out[cid]["per"]
        c = cs_out[cid]["per"] if cid in cs_out else {}
        bad = {}
        for key, *_ in EDITS:
            op, cp = o.get(key, set()), c.get(key, set())
            if not op and not cp:
                continue
            stats[key]["either"] += 1
            stats[key]["oce"] += bool(op)
            stats[key]["cs"] += bool(cp)
            if op == cp:
                stats[key]["agree"] += 1
                continue
            stats[key]["disagree"] += 1
            bad[key] = {"oce_only": sorted(op - cp), "claimscrub_only": sorted(cp - op)}
            for side, positions in (("I/OCE", op - cp), ("claimscrub", cp - op)):
                for pos in positions:
                    found = cs_out[cid]["rules"].get(pos, []) if cid in cs_out else []
                    sig = signature(key, side, meta["codes"][pos], meta, oce, found)
                    classes[sig].append((cid, pos))
        if bad:
            rules = cs_out[cid]["rules"] if cid in cs_out else {}
            disagreements.append({
                "claim_id": cid, "edits": bad, "from": meta["from"], "to": meta["to"], "age": meta["age"],
                "sex": meta["sex"], "date_of_birth": meta["dob"],
                "ioce_version": oce.version_id(meta["version"]),
                "diagnoses": [{"pos": i, "code": dotted(code),
                               "ioce_edits": oce_out[cid]["all"][i],
                               "ioce_table": describe(oce, code, meta["version"], meta["end_version"]),
                               "claimscrub": [f"{r}: {m}" for r, m in rules.get(i, [])]}
                              for i, code in enumerate(meta["codes"])],
                "claim": cs,
            })

    print(f"oce_diff: {args.claims} claims (seed {args.seed}, plan {args.plan}), I/OCE pyoce 0.1.0 "
          f"versions {oce.versions[0][1]}..{oce.versions[-1][1]}, claimscrub {args.claimscrub}")
    print(f"time: generate {t1 - t0:.1f}s, claimscrub {t2 - t1:.1f}s, pyoce {t3 - t2:.1f}s")
    print()
    hdr = f"{'edit':<28} {'I/OCE':>5} {'claimscrub rules':<44} {'fired':>6} {'I/OCE':>6} {'cs':>6} {'agree':>6} {'disagr':>6} {'agree%':>7}"
    print(hdr)
    print("-" * len(hdr))
    total_dis = 0
    for key, title, num, rules in EDITS:
        s = stats[key]
        pct = 100.0 * s["agree"] / s["either"] if s["either"] else 100.0
        total_dis += s["disagree"]
        print(f"{title:<28} {num:>5} {','.join(rules):<44} {s['either']:>6} {s['oce']:>6} {s['cs']:>6} "
              f"{s['agree']:>6} {s['disagree']:>6} {pct:>6.1f}%")
    print()
    print("(fired: claims where either side put the edit on a diagnosis; agree: both on the same positions)")
    print(f"(sex: {sex_chances} claims carry a code valid on the date that claimscrub's attributes.tsv marks "
          f"for the other sex than the patient's; plan {args.plan})")
    if classes:
        print()
        print("disagreement classes (diagnosis positions):")
        for sig, items in sorted(classes.items(), key=lambda kv: -len(kv[1])):
            cid, pos = items[0]
            m = metas[cid]
            print(f"  {len(items):>5}  {sig}")
            print(f"         e.g. {cid} /diagnoses/{pos} {dotted(m['codes'][pos])} on {m['from']}"
                  f"{'..' + m['to'] if m['to'] != m['from'] else ''}, age {m['age']}, sex {m['sex']}")
    for d in disagreements[:args.show]:
        print()
        print(f"{d['claim_id']}  {d['from']}..{d['to']}  age {d['age']} (dob {d['date_of_birth']})  sex {d['sex']}  "
              f"I/OCE {d['ioce_version']}  differs on: "
              + "; ".join(f"{k} I/OCE-only {v['oce_only']} claimscrub-only {v['claimscrub_only']}"
                          for k, v in d["edits"].items()))
        for dx in d["diagnoses"]:
            print(f"   /diagnoses/{dx['pos']} {dx['code']:<9} I/OCE edits {dx['ioce_edits'] or '-'}  [{dx['ioce_table']}]")
            for f in dx["claimscrub"]:
                print(f"        claimscrub {f}")
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for d in disagreements:
                f.write(json.dumps(d) + "\n")
        print(f"\n{len(disagreements)} disagreeing claims written to {args.dump}")
    print()
    if total_dis:
        print(f"FAIL: {len(disagreements)} of {args.claims} claims disagree")
        return 1
    print("OK: claimscrub and the I/OCE agree on every compared edit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
