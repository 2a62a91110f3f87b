#!/usr/bin/env bash
# Records per second of one 5,000-record sync batch: first load, replay (same key), and a second load under a new key
# (every record UNCHANGED). Start the API first (pnpm start). Usage: bash bench/sync-throughput.sh [url] [records]
set -euo pipefail
url=${1:-http://localhost:4000/graphql}
n=${2:-5000}
dir=$(mktemp -d)
token=$(curl -s "$url" -H 'content-type: application/json' \
  -d '{"query":"mutation { login(username: \"disability\", password: \"demo1234\") { token } }"}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["data"]["login"]["token"])')
key="bench-$(date +%s%N)"
python3 "$(dirname "$0")/sync-payload.py" "$n" "$key" > "$dir/first.json"
python3 "$(dirname "$0")/sync-payload.py" "$n" "$key-again" > "$dir/again.json"
post() {
  curl -s -o "$dir/out.json" -w '%{time_total}' "$url" -H 'content-type: application/json' -H "authorization: Bearer $token" --data-binary "@$1"
}
for label in first-load:first replay:first same-records-new-key:again; do
  name=${label%%:*}; file=${label##*:}
  t=$(post "$dir/$file.json")
  echo "$name ${t}s $(python3 -c "print(round($n / $t))") records/s $(python3 -c "import json; d=json.load(open('$dir/out.json')); print(d.get('errors') or d['data']['syncDisabilityCertificates'])")"
done
rm -rf "$dir"
