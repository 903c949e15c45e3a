#!/usr/bin/env bash
# The long fuzz run: every target (or those named) for FUZZ_CPU_SECONDS (default 3600) of
# its own CPU time, FUZZ_JOBS (default 2) at a time at nice 19. CPU time, not wall time, so a
# run on a shared machine still gets its hour; the fuzzer is stopped with SIGINT once it has
# had it, which makes libFuzzer print its final statistics. Logs, new inputs and crashes go
# to FUZZ_OUT (default fuzz/long/<target>/, not committed); a summary line per target is
# appended to FUZZ_OUT/summary.tsv. Pause the whole run with `kill -STOP` on the fuzzers
# (for a benchmark) and resume with `kill -CONT`: stopped time costs no CPU.
#
#   fuzz/long.sh                 all six targets
#   fuzz/long.sh x12 json        only these
set -euo pipefail
cd "$(dirname "$0")/.."
cpu=${FUZZ_CPU_SECONDS:-3600}
jobs=${FUZZ_JOBS:-2}
out=${FUZZ_OUT:-fuzz/long}
mkdir -p "$out"
targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build >/dev/null 2>"$out/build.log"
tick=$(getconf CLK_TCK)

# one TARGET: fuzz it until its process has used $cpu seconds of CPU, then interrupt it.
one() {
  local t=$1 dir="$out/$1"
  mkdir -p "$dir/new" "$dir/artifacts"
  local dirs=("$dir/new" fuzz/corpus/"$t")
  [[ -d fuzz/regressions/$t ]] && dirs+=(fuzz/regressions/"$t")
  local start; start=$(date +%s)
  nice -n 19 cargo +nightly fuzz run "$t" "${dirs[@]}" -- \
    -max_total_time=86400 -rss_limit_mb=4096 -timeout=300 -detect_leaks=0 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" >"$dir/log" 2>&1 &
  local runner=$! pid="" used=0
  while kill -0 "$runner" 2>/dev/null; do
    sleep 15
    [[ -z $pid ]] && pid=$(pgrep -f "fuzz/target/.*/release/$t " | head -1 || true)
    [[ -z $pid ]] && continue
    # Once the fuzzer has exited (a crash) its CPU time is gone: keep the last reading.
    local now
    now=$(awk -v tick="$tick" '{ print int(($14 + $15) / tick) }' "/proc/$pid/stat" 2>/dev/null || true)
    [[ -n $now ]] && used=$now
    if ((${used:-0} >= cpu)); then
      kill -INT "$pid" 2>/dev/null || true
      break
    fi
  done
  local rc=0
  wait "$runner" || rc=$?
  local execs crashes slow
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$dir/log" | awk '{ print $2 }' | tail -1)
  # Crashes, leaks, timeouts and out-of-memory inputs are findings; a "slow unit" is timed in
  # wall-clock time, so a pause (kill -STOP) makes one: replay it before believing it.
  crashes=$(find "$dir/artifacts" -type f ! -name 'slow-unit-*' | wc -l)
  slow=$(find "$dir/artifacts" -type f -name 'slow-unit-*' | wc -l)
  # exit 72 is libFuzzer's "interrupted": the hour was up.
  printf '%s\t%s\tcpu_s=%s\twall_s=%s\texecs=%s\tcrashes=%s\tslow_units=%s\texit=%s\n' \
    "$(date -u +%FT%TZ)" "$t" "${used:-0}" "$(($(date +%s) - start))" "${execs:-?}" "$crashes" "$slow" "$rc" \
    >>"$out/summary.tsv"
}

running=0
for t in "${targets[@]}"; do
  one "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
cat "$out/summary.tsv"
