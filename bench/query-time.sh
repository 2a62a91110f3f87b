#!/usr/bin/env bash
# Wall time and SQL statements of the visit engine's heavy queries on the demo data, through HTTP.
# Start the API first (pnpm start); usage: bash bench/query-time.sh [url]
set -euo pipefail
url=${1:-http://localhost:4000/graphql}
token=$(curl -s "$url" -H 'content-type: application/json' \
  -d '{"query":"mutation { login(username: \"admin\", password: \"demo1234\") { token } }"}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["data"]["login"]["token"])')
run() {
  local name=$1 body=$2
  for i in 1 2 3; do
    curl -s -o /tmp/tanfang-bench.json -w "$name %{time_total}s " "$url" -H 'content-type: application/json' -H "authorization: Bearer $token" -d "$body"
    python3 -c "import json; d=json.load(open('/tmp/tanfang-bench.json')); print('errors' if d.get('errors') else '', 'sql', d.get('extensions', {}).get('sqlStatements'))"
  done
}
run overdue-town '{"query":"{ overdueElders(regionCode: \"440783001\", first: 50) { totalCount nodes { daysOverdue elder { name region { name } } requirements { description } } } }"}'
run overdue-city '{"query":"{ overdueElders(first: 50) { totalCount nodes { daysOverdue elder { name } } } }"}'
run rate-city '{"query":"{ visitRate(period: {kind: MONTH, date: \"2026-10-01\"}) { numerator denominator rate } }"}'
run elders-50-nested '{"query":"{ elders(first: 50) { nodes { name region { name } classification { class } compliance { overdue } visits(first: 3) { totalCount } assignments { visitor { name } } } } }"}'
