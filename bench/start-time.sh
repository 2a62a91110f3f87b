#!/usr/bin/env bash
# Seconds from launching the built API until /healthz answers, on a cold data folder (initdb, migrations, demo data)
# and then on the same folder again (warm). Needs `pnpm build` first. Usage: bash bench/start-time.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
data=$(mktemp -d)
port=4190
measure() {
  local start end pid
  start=$(date +%s.%N)
  PORT=$port TANFANG_PG_PORT=54390 TANFANG_DATA_DIR="$data" node packages/api/dist/main.js >/dev/null 2>&1 &
  pid=$!
  until curl -sf "localhost:$port/healthz" >/dev/null; do sleep 0.02; done
  end=$(date +%s.%N)
  kill -INT "$pid"; wait "$pid" || true
  echo "$1 $(echo "$end - $start" | bc)"
}
for _ in $(seq "$runs"); do
  rm -rf "$data"/*
  measure cold
  measure warm
done
rm -rf "$data"
