/**
 * The one jurisdiction rule. Every user, agency, visitor, team and elder belongs to a region; a region's subtree is
 * every region whose code starts with its code (440783 开平市 ⊃ 440783001 三埠街道 ⊃ 440783001020 东河社区). A user sees
 * and acts on exactly the rows of their subtree; outside it a record is NOT_FOUND, like a missing one
 * (`notFound` in graphql/errors.ts), never FORBIDDEN, so that nobody learns what exists elsewhere.
 *
 * It is written here once, in the three forms the code needs: SQL (`starts_with`, which PostgreSQL can answer from
 * a btree on a `C`-collated code column), the ORM's filter, and a plain check on a code already read. Region codes
 * are digits only (checked where they enter), so a prefix never needs LIKE escaping.
 */

/** SQL: `column` lies in the subtree of `prefix` (a `?` parameter by default, or another column or expression). */
export function inSubtree(column: string, prefix = '?'): string {
  return `starts_with(${column}, ${prefix})`;
}

/**
 * `inSubtree` as a range of codes, for a statement on its generic plan: there PostgreSQL cannot turn `starts_with` of a
 * parameter into index bounds, and a town's page read the whole city's index. Codes are digits and ':' sorts right
 * after '9' (the column must be `C`-collated). Its two `?` take the same prefix.
 */
export function inSubtreeRange(column: string): string {
  return `(${column} >= ?::text and ${column} < ?::text || ':')`;
}

/**
 * SQL: `column` is `code` or one of its ancestors (the regions above a user: standards and campaigns set there apply
 * to the user's subtree too). The reverse of `inSubtree`.
 */
export function isAncestorOrSelf(column: string, code = '?'): string {
  return `starts_with(${code}, ${column})`;
}

/** The ORM's form of the rule, for a `region` relation or a region-code property. */
export function subtreeFilter(prefix: string): { $like: string } {
  return { $like: `${prefix}%` };
}

/** A region code already read: is it inside the subtree of `prefix`? */
export function isWithin(regionCode: string | null | undefined, prefix: string): boolean {
  return typeof regionCode === 'string' && regionCode.startsWith(prefix);
}
