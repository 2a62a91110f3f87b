/**
 * JSON with sorted keys and no nulls: the fingerprint of a request, whatever order a client sends its fields in.
 * Written as plain loops (no entries/filter/map arrays per object): a 5,000-record sync batch is hashed through here.
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += stableJson(value[i]) ?? '';
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Keys are unique, so the default (UTF-16 code unit) order is the order `a < b` gives.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const k of keys) {
    const v = record[k];
    if (v === null || v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(k)}:${stableJson(v)}`;
  }
  return `${out}}`;
}
