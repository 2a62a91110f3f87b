#!/usr/bin/env python3
"""A partner agency's sync in Python with requests (docs/partners.md).

    TANFANG_KEY=tfk_... python3 sync.py [records.json]

Sends a batch of the disability federation's certificates as a dry run, then for real if the dry run rejected
nothing, then mirrors the change feed to its end. TANFANG_API (default http://localhost:4000/graphql);
TANFANG_CURSOR_FILE (default .tanfang-cursor) keeps the feed's endCursor between runs; TANFANG_BATCH_KEY overrides
the batch's idempotency key. Prints one JSON line with the figures at the end.
"""
import datetime
import json
import os
import sys
import time

import requests

API = os.environ.get("TANFANG_API", "http://localhost:4000/graphql")
KEY = os.environ.get("TANFANG_KEY")
CURSOR_FILE = os.environ.get("TANFANG_CURSOR_FILE", ".tanfang-cursor")

SYNC = """mutation Sync($batch: DisabilityCertificateBatch!) {
  syncDisabilityCertificates(batch: $batch) {
    batchId dryRun replayed received created updated unchanged rejected conflicts
    results { externalId status match elderId candidateId errors { field message messageEn } }
  }
}"""
CHANGES = """query Changes($since: String, $first: Int) {
  changes(since: $since, first: $first) { endCursor hasMore entries { seq entity entityId elderId op } }
}"""

# The person of the guide: a demo elder (fixed ID number), so the real run matches her archive.
SAMPLE = [{
    "externalId": "CDPF-DEMO-0001",
    "idNumber": "440783194605080023",
    "certificateNumber": "44078319460508002342",
    "category": "PHYSICAL",
    "grade": 2,
    "issuedOn": "2026-10-01",
}]


class ApiError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


def call(query, variables):
    """One GraphQL request; retries a 503 (database restarting) after its Retry-After, raises the first error."""
    for attempt in range(5):
        res = requests.post(
            API,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {KEY}", "Accept-Language": "en"},
            timeout=60,
        )
        if res.status_code == 503 and attempt < 4:
            time.sleep(int(res.headers.get("Retry-After", "5")))
            continue
        body = res.json()
        if body.get("errors"):
            err = body["errors"][0]
            raise ApiError(err.get("extensions", {}).get("code", "UNKNOWN"), err["message"])
        return body["data"]


def summary(answer):
    return ", ".join(f"{k} {answer[k]}" for k in ("received", "created", "updated", "unchanged", "rejected", "conflicts"))


def main():
    if not KEY:
        sys.exit("Set TANFANG_KEY to the agency's API key (tfk_...)")
    records = SAMPLE
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as f:
            records = json.load(f)
    key = os.environ.get("TANFANG_BATCH_KEY", f"cdpf-py-{datetime.date.today().isoformat()}")

    dry = call(SYNC, {"batch": {"idempotencyKey": key, "records": records, "dryRun": True}})["syncDisabilityCertificates"]
    print("dry run:", summary(dry))
    for r in dry["results"]:
        errors = "".join(f" [{e['field']}: {e['messageEn']}]" for e in r["errors"])
        print(f"  {r['externalId']}: {r['status']} {r['match']}{errors}")

    real = None
    if dry["rejected"] == 0 and dry["conflicts"] == 0:
        real = call(SYNC, {"batch": {"idempotencyKey": key, "records": records}})["syncDisabilityCertificates"]
        print("real run:", summary(real), "batch", real["batchId"] or "replayed")
    else:
        print("the dry run found problems: fix the records above and run again (nothing was written)")

    since = None
    if os.path.exists(CURSOR_FILE):
        with open(CURSOR_FILE, encoding="utf-8") as f:
            since = f.read().strip() or None
    entries = 0
    while True:
        page = call(CHANGES, {"since": since, "first": 1000})["changes"]
        entries += len(page["entries"])
        # A real system updates its copy here (read ELDER entries through agencyElders, drop one on LEAVE).
        since = page["endCursor"] or since
        if not page["hasMore"]:
            break
    if since:
        with open(CURSOR_FILE, "w", encoding="utf-8") as f:
            f.write(since)
    print("change feed:", entries, "entries, endCursor", since)
    print(json.dumps({
        "dryRun": {"created": dry["created"], "rejected": dry["rejected"], "batchId": dry["batchId"],
                   "matches": [r["match"] for r in dry["results"]]},
        "real": real and {"created": real["created"], "updated": real["updated"], "unchanged": real["unchanged"],
                          "batchId": real["batchId"], "replayed": real["replayed"]},
        "changes": entries,
        "endCursor": since,
    }))


if __name__ == "__main__":
    try:
        main()
    except ApiError as e:
        sys.exit(str(e))
