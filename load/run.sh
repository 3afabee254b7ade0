#!/usr/bin/env bash
# Load test of `writ serve` with wrk (Debian's `wrk`): POST /v1/decide with every example
# request of the default pack in turn, the decision log on, over loopback. Prints wrk's report
# (throughput, latency percentiles), then verifies the log that the run wrote.
#
#   load/run.sh                      # 30 s, 1 wrk thread, 32 connections
#   DURATION=60s CONNECTIONS=64 THREADS=2 load/run.sh
#   NO_LOG=1 load/run.sh             # the same without the decision log, for comparison
#   SCRIPT=batch load/run.sh         # every example in one POST /v1/decide/batch per request
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { echo "error: wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --quiet
writ="${CARGO_TARGET_DIR:-target}/release/writ"
dir=$(mktemp -d)
log="$dir/decisions.jsonl"
log_args=(--log "$log")
[ -n "${NO_LOG:-}" ] && log_args=()
"$writ" serve --addr 127.0.0.1:0 "${log_args[@]}" 2> "$dir/serve.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

addr=""
for _ in $(seq 1 100); do
  addr=$(sed -n 's/^writ: listening on //p' "$dir/serve.err")
  [ -n "$addr" ] && break
  sleep 0.1
done
[ -n "$addr" ] || { cat "$dir/serve.err" >&2; exit 1; }

wrk --latency -t"${THREADS:-1}" -c"${CONNECTIONS:-32}" -d"${DURATION:-30s}" \
  -s "load/${SCRIPT:-decide}.lua" "$addr" -- policies/examples/*/*.json

kill -TERM "$pid"
wait "$pid" || true
if [ -z "${NO_LOG:-}" ]; then
  "$writ" log verify "$log"
  ls -l "$log" | awk '{ print "log size: " $5 " bytes" }'
fi
