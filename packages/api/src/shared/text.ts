/**
 * Text PostgreSQL cannot store: the NUL character (`\u0000`, refused by every text column with "invalid byte
 * sequence") and UTF-16 halves without their other half (node-postgres would silently turn them into U+FFFD, so
 * what is stored is not what was sent). Such input is the client's mistake and is answered BAD_USER_INPUT before it
 * reaches SQL, never an internal error.
 */
const INVALID_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Nearly all text has neither: a plain character-class test first (a 5,000-record sync batch: ~2 ms, not ~10).
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !SUSPECT.test(value) || !INVALID_TEXT.test(value);
}

/** The path (`a.b.2.c`) of the first string inside `value` that PostgreSQL cannot store, or null. */
export function findInvalidText(value: unknown, path: string): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findInvalidText(value[i], `${path}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      // A key is text too (JSON scalars, input objects given by a client).
      if (!isStorableText(key)) return `${path}.${key.replace(INVALID_TEXT, '?')}`;
      const found = findInvalidText(v, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** An ISO 8601 instant as our cursors carry it (`2026-11-15T02:00:00.000Z`); nothing looser reaches SQL. */
export function isIsoInstant(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}
