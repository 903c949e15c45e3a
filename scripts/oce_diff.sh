#!/usr/bin/env bash
# Differential test of claimscrub's diagnosis edits against CMS's I/OCE (PyPI pyoce 0.1.0):
# see scripts/oce_diff.py for what it compares. Makes (or reuses) a Python 3.12 virtualenv
# with pyoce==0.1.0 and runs the test with the claimscrub binary in $CLAIMSCRUB (default
# target/release/claimscrub; this script does not build it). Arguments go to oce_diff.py
# (--claims N, --seed S, --show N, --dump PATH, --claims-out PATH, --plan P, --span-share F).
# Exits non-zero on any disagreement.
#
# Environment: CLAIMSCRUB (binary), OCE_VENV (virtualenv, default target/oce-venv),
# OCE_PYTHON (a Python >= 3.12 to make the virtualenv with, found by itself otherwise).
set -euo pipefail
abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
venv=${OCE_VENV:+$(abs "$OCE_VENV")}
bin=${CLAIMSCRUB:+$(abs "$CLAIMSCRUB")}
cd "$(dirname "$0")/.."
venv=${venv:-target/oce-venv}
bin=${bin:-target/release/claimscrub}

if [ ! -x "$bin" ]; then
  echo "oce_diff: no claimscrub binary at $bin (build it with cargo build --release, or set CLAIMSCRUB)" >&2
  exit 2
fi

is_py312() {  # a Python >= 3.12 that can make a virtualenv
  [ -n "$1" ] && [ -x "$1" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' 2>/dev/null
}

find_python() {
  local c
  if [ -n "${OCE_PYTHON:-}" ]; then
    is_py312 "$OCE_PYTHON" && { echo "$OCE_PYTHON"; return; }
    echo "oce_diff: OCE_PYTHON=$OCE_PYTHON is not a Python >= 3.12" >&2
    return 1
  fi
  if command -v pyenv >/dev/null 2>&1; then
    local root
    root=$(pyenv root 2>/dev/null || true)
    for c in "$root"/versions/3.12.1/bin/python3 "$root"/versions/3.12*/bin/python3; do
      is_py312 "$c" && { echo "$c"; return; }
    done
    c=$(PYENV_VERSION=3.12.1 pyenv which python3.12 2>/dev/null || true)
    is_py312 "$c" && { echo "$c"; return; }
  fi
  c=$(command -v python3.12 2>/dev/null || true)
  is_py312 "$c" && { echo "$c"; return; }
  return 1
}

if ! "$venv/bin/python" -c 'import sys, pyoce; sys.exit(pyoce.__version__ != "0.1.0" or sys.version_info < (3, 12))' 2>/dev/null; then
  if [ -x "$venv/bin/python" ] && ! is_py312 "$venv/bin/python"; then
    echo "oce_diff: $venv has Python $("$venv/bin/python" -V 2>&1); pyoce needs >= 3.12: remove $venv" >&2
    exit 2
  fi
  if [ ! -x "$venv/bin/python" ]; then
    py=$(find_python) || {
      echo "oce_diff: pyoce needs Python >= 3.12 and none was found: looked for \$(pyenv root)/versions/3.12*/bin/python3," >&2
      echo "  pyenv's python3.12 and python3.12 on PATH; install one (pyenv install 3.12) or set OCE_PYTHON" >&2
      exit 2
    }
    echo "oce_diff: making $venv with $py" >&2
    "$py" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pyoce==0.1.0
fi

exec "$venv/bin/python" scripts/oce_diff.py --claimscrub "$bin" "$@"
