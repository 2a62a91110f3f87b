#!/usr/bin/env python3
"""Writes a syncDisabilityCertificates request with N records (valid ID numbers, certificates matching them).

Usage: python3 bench/sync-payload.py N KEY > payload.json
Half the people are born 1940-1965 in 440783 (60+ ones become survey candidates when not registered)."""
import json
import random
import sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
C = '10X98765432'


def id_number(rng: random.Random, n: int) -> str:
    year = rng.randint(1940, 1965)
    first17 = f'440783{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{n % 1000:03d}'
    return first17 + C[sum(int(d) * w for d, w in zip(first17, W)) % 11]


n, key = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
categories = [('VISUAL', 1), ('HEARING', 2), ('SPEECH', 3), ('PHYSICAL', 4), ('INTELLECTUAL', 5), ('MENTAL', 6), ('MULTIPLE', 7)]
records = []
for i in range(n):
    idn = id_number(rng, i)
    cat, digit = rng.choice(categories)
    grade = rng.randint(1, 4)
    records.append({
        'externalId': f'CDPF-{i:06d}', 'idNumber': idn, 'name': '测试', 'regionCode': '440783001020',
        'certificateNumber': f'{idn}{digit}{grade}', 'category': cat, 'grade': grade, 'issuedOn': '2025-06-01', 'sourceVersion': 1,
    })
query = 'mutation($b: DisabilityCertificateBatch!) { syncDisabilityCertificates(batch: $b) { replayed created updated unchanged rejected conflicts } }'
json.dump({'query': query, 'variables': {'b': {'idempotencyKey': key, 'records': records}}}, sys.stdout, ensure_ascii=False)
