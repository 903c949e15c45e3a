#!/usr/bin/env bash
# End-to-end throughput of the release binary: generate N synthetic claims (NDJSON and X12
# 837P) with `claimscrub gen`, run `claimscrub check --format ndjson` over them, print
# claims/s, MB/s and peak memory. `scripts/bench` is the full side-by-side benchmark.
# Usage: scripts/throughput.sh [N]   (default 1,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build --release --quiet --bin claimscrub
for kind in ndjson x12; do
  file="$dir/claims.$kind"
  ./target/release/claimscrub gen --claims "$n" --seed 1 --format "$kind" -o "$file" 2>/dev/null
  bytes=$(stat -c %s "$file")
  start=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$dir/rss" ./target/release/claimscrub check "$file" --format ndjson --fail-on never --as-of 2026-07-01 > "$dir/out" 2>/dev/null || true
    rss_kb=$(tail -1 "$dir/rss")
  else
    ./target/release/claimscrub check "$file" --format ndjson --fail-on never --as-of 2026-07-01 > "$dir/out" 2>/dev/null || true
    rss_kb=0
  fi
  end=$(date +%s.%N)
  findings=$(grep -c '"type":"finding"' "$dir/out" || true)
  awk -v n="$n" -v b="$bytes" -v s="$start" -v e="$end" -v r="$rss_kb" -v k="$kind" -v f="$findings" -v cores="$(nproc)" 'BEGIN {
    t = e - s;
    printf "%-6s %9d claims  %7.1f MB  %6.2f s  %9.0f claims/s  %6.1f MB/s  peak RSS %6.1f MB  %d findings  (%d cores)\n",
      k, n, b / 1e6, t, n / t, b / 1e6 / t, r / 1024, f, cores
  }'
done
