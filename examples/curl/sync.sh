#!/usr/bin/env sh
# A partner agency's first sync with curl (docs/partners.md): a dry run, the real run, then the change feed's first
# page. TANFANG_KEY=tfk_... sh sync.sh   (TANFANG_API defaults to http://localhost:4000/graphql)
set -eu
API=${TANFANG_API:-http://localhost:4000/graphql}
KEY=${TANFANG_KEY:?set TANFANG_KEY to the agency key (tfk_...)}
BATCH_KEY=${TANFANG_BATCH_KEY:-cdpf-curl-$(date +%F)}
# The demo elder of the guide (a fixed ID number): the record matches her archive, no survey candidate is queued.
RECORDS='[{"externalId":"CDPF-DEMO-0001","idNumber":"440783194605080023","certificateNumber":"44078319460508002342","category":"PHYSICAL","grade":2,"issuedOn":"2026-10-01"}]'
SYNC='mutation($b: DisabilityCertificateBatch!) { syncDisabilityCertificates(batch: $b) { dryRun batchId created updated unchanged rejected results { externalId status match errors { field message } } } }'

gql() { # $1: query, $2: variables (JSON)
  curl -sS "$API" -H 'content-type: application/json' -H "authorization: Bearer $KEY" \
    -d "{\"query\":\"$1\",\"variables\":$2}"
  echo
}

echo '# dry run'
gql "$SYNC" "{\"b\":{\"idempotencyKey\":\"$BATCH_KEY\",\"dryRun\":true,\"records\":$RECORDS}}"
echo '# real run'
gql "$SYNC" "{\"b\":{\"idempotencyKey\":\"$BATCH_KEY\",\"records\":$RECORDS}}"
echo '# change feed (call again with since: endCursor until hasMore is false)'
gql 'query { changes(first: 1000) { endCursor hasMore entries { seq entity op elderId } } }' '{}'
