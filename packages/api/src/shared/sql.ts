const NEEDS_ESCAPE = /[\\"]/;

/**
 * A PostgreSQL array literal for a `?` parameter (cast it: `?::uuid[]`, `?::text[]`). Knex would expand a JS array
 * into a comma list, which is not an array; this keeps one parameter, so the statement text stays the same.
 */
export function pgArray(values: readonly string[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // Most values (ids, codes, dates) have nothing to escape: tested once instead of two replacements each.
    out += `${i > 0 ? ',' : ''}"${NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : v}"`;
  }
  return `${out}}`;
}

/** Timestamps from raw SQL (em.execute) arrive as strings: the GraphQL layer and cursors want Dates. */
export function toDate(value: Date | string): Date;
export function toDate(value: Date | string | null): Date | null;
export function toDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}

/**
 * The one LIKE escaper: user text inside a LIKE/ILIKE pattern matches itself, so `%` or `_` typed into a search box
 * is a percent sign, not "anything" (PostgreSQL's default escape character is the backslash). Every pattern built
 * from user text goes through here.
 */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern for "starts with this text". */
export function likePrefix(value: string): string {
  return `${escapeLike(value)}%`;
}

/** A LIKE pattern for "contains this text". */
export function likeContains(value: string): string {
  return `%${escapeLike(value)}%`;
}
