import type { RawFigures } from './reports.service.js';
import { createHash } from 'node:crypto';
import { stableJson } from '../../shared/json.js';

/**
 * Small-count suppression that survives differencing (issue 12, item 5).
 *
 * Integrators get counts of 1 to 4 withheld (primary suppression). On its own that leaks: a parent of 117 with
 * children showing 114 gives the withheld village its 3, and a row's total minus its shown categories gives the
 * withheld category. So this module also withholds complementary cells (secondary suppression, the classic method of
 * statistical offices, e.g. τ-ARGUS's "hypercube" idea): wherever a withheld count could be solved from the figures
 * published beside it, another figure of the same relation is withheld too, until none can.
 *
 * What we chose and why:
 * - One pattern for the whole table. A report shows a region and its children, the spreadsheet every level below, and
 *   an integrator may ask for any region: if each answer chose its own complements, two answers together would undo
 *   them. The pattern is computed once over the whole region tree of the period (or the whole closed subtree of a
 *   closed period's version) and every answer reads its cells from it.
 * - The relations an integrator can subtract with: for every figure and key, a parent equals the sum of its children
 *   plus what sits at the parent itself (visitors, teams and candidates may hang on a town, not a village: that
 *   remainder is never published, so it is an unknown of its own, withheld if not zero); and inside one region's
 *   row, the totals shown: 在册老年人数 = Σ class, 探访次数 = Σ method, 新增预警 = Σ kind = Σ agency,
 *   探访人员 = Σ visitor kind. Circumstances overlap (one elder counts under several), so they add up only across
 *   regions. The visit rate is numerator / denominator, so it is withheld whenever either is.
 * - Zero is shown (it singles no one out), so a withheld cell is known to be at least 1. Two withheld 1s that must add
 *   up to 2 are therefore as good as shown: a relation whose withheld cells all sit on one side needs at least one of
 *   them above its floor.
 * - Complements are the smallest non-zero cells of the relation, children before the parent and categories before the
 *   total, so aggregate figures stay visible as long as possible and the least information is lost.
 * - A local rule (no relation with exactly one unknown, none pinned by the floor) misses combinations of relations:
 *   a cell on a "bridge" between two closed loops, or a town's withheld 4 that its four withheld villages (each at
 *   least 1) push up to 4 while its row (total 10 = 5 shown + it + another withheld) caps it at 4. So the pattern is
 *   then audited: Gaussian elimination over all withheld cells finds any that the equations determine, bound
 *   propagation any that the floors pin, and a further complement is withheld in one of its relations, until the
 *   audit finds none.
 * Not covered: differences between periods (a quarter minus two months gives the third for flow figures) and between
 * versions of a closed period; the amendments' versions are each protected as a whole table of their own.
 */

export const SUPPRESS_BELOW = 5;

/** Totals published beside the raw figures: the API's `elders` and `visits`, the spreadsheet's 探访人员 and 新增预警. */
export const TOTAL = 'total';
const TOTAL_PARTS: Record<string, string[]> = {
  elders: ['eldersByClass'],
  visits: ['visitsByMethod'],
  visitors: ['visitorsByKind'],
  alerts: ['alertsOpenedByKind', 'alertsOpenedByAgency'],
};

/** Code lengths of the region levels: a region's parent is the longest shorter prefix present in the table. */
const LENGTHS = [2, 4, 6, 9, 12];

export interface Withholding {
  /** Whether the cell (region, figure, key) is withheld. `figure` may be `total` with keys elders, visits, visitors, alerts. */
  withheld(code: string, figure: string, key: string): boolean;
  /** How many cells are withheld, split by reason (for logs and tests). */
  readonly counts: { primary: number; complementary: number };
}

export function valueOf(f: RawFigures | undefined, figure: string, key: string): number {
  if (!f) return 0;
  if (figure === TOTAL) return Object.values(f[TOTAL_PARTS[key]![0]!] ?? {}).reduce((a, b) => a + b, 0);
  return f[figure]?.[key] ?? 0;
}

interface Term {
  cell: number;
  /** +1 for the whole (parent, row total), -1 for a part. */
  sign: 1 | -1;
}

/**
 * The pattern depends on the table's figures alone, and finding it costs seconds on a city's table: the last few
 * patterns are kept by a fingerprint of the figures, so integrators' answers between two changes (the rollups
 * refresh every 30 s, often with nothing new) reuse it. Same figures, same pattern: the cache cannot change an answer.
 */
const PATTERNS = new Map<string, Withholding>();
const PATTERNS_KEPT = 8;

/** Withholds counts of 1 to 4 and enough complements that none of them can be solved from the rest of the table. */
export function protectTable(table: Map<string, RawFigures>): Withholding {
  const key = createHash('sha256').update(stableJson(Object.fromEntries(table))).digest('base64');
  const kept = PATTERNS.get(key);
  if (kept) {
    PATTERNS.delete(key);
    PATTERNS.set(key, kept); // most recently used last
    return kept;
  }
  const pattern = findPattern(table);
  PATTERNS.set(key, pattern);
  if (PATTERNS.size > PATTERNS_KEPT) PATTERNS.delete(PATTERNS.keys().next().value!);
  return pattern;
}

function findPattern(table: Map<string, RawFigures>): Withholding {
  const codes = [...table.keys()].sort();
  const ids = new Map<string, number>();
  const value: number[] = [];
  const published: boolean[] = [];
  /** Unpublished unknowns: what sits at a parent itself (a count: protected when 1 to 4) or an inequality's slack (not a count of anyone in the table). */
  const slack = new Set<number>();
  const cell = (code: string, figure: string, key: string): number => {
    const id = `${code}\u0000${figure}\u0000${key}`;
    let i = ids.get(id);
    if (i === undefined) {
      i = value.length;
      ids.set(id, i);
      value.push(valueOf(table.get(code), figure, key));
      published.push(true);
    }
    return i;
  };
  const keysOf = (code: string): [string, string][] => {
    const f = table.get(code) ?? {};
    const out: [string, string][] = Object.keys(TOTAL_PARTS).map((k) => [TOTAL, k]);
    for (const [figure, keys] of Object.entries(f)) for (const key of Object.keys(keys)) out.push([figure, key]);
    return out;
  };

  const equations: Term[][] = [];
  // Inside each region's row: a total equals the sum of its parts.
  for (const code of codes) {
    const f = table.get(code) ?? {};
    for (const [total, parts] of Object.entries(TOTAL_PARTS)) {
      for (const part of parts) {
        const terms: Term[] = [{ cell: cell(code, TOTAL, total), sign: 1 }];
        for (const key of Object.keys(f[part] ?? {}).sort()) terms.push({ cell: cell(code, part, key), sign: -1 });
        equations.push(terms);
      }
    }
  }
  // Inequalities an integrator knows, as equations with a slack of at least 0: a circumstance, the elders with a
  // contact, the refusals and the visit rate's denominator are each at most the elders; the numerator and the overdue
  // are disjoint parts of the denominator. (A village showing 5 living alone has at least 5 elders: with its town's
  // total shown, that caps its withheld neighbour.)
  for (const code of codes) {
    const f = table.get(code) ?? {};
    const atMost: [string[][], string[]][] = [
      ...Object.keys(f.eldersByCircumstance ?? {}).sort().map((k): [string[][], string[]] => [[['eldersByCircumstance', k]], [TOTAL, 'elders']]),
      [[['eldersWithContact', 'n']], [TOTAL, 'elders']],
      [[['misc', 'refusals']], [TOTAL, 'elders']],
      [[['rate', 'denominator']], [TOTAL, 'elders']],
      [[['rate', 'numerator'], ['rate', 'overdue']], ['rate', 'denominator']],
    ];
    for (const [parts, [figure, key]] of atMost) {
      const terms: Term[] = [{ cell: cell(code, figure!, key!), sign: 1 }];
      for (const [pf, pk] of parts) terms.push({ cell: cell(code, pf!, pk!), sign: -1 });
      const s = value.length;
      ids.set(`${code}\u0000slack\u0000${parts.flat().join('+')}`, s);
      value.push(value[terms[0]!.cell]! - terms.slice(1).reduce((sum, t) => sum + value[t.cell]!, 0));
      published.push(false);
      slack.add(s);
      terms.push({ cell: s, sign: -1 });
      equations.push(terms);
    }
  }
  // Across levels: a parent equals the sum of its children plus what sits at the parent itself (never published).
  const children = new Map<string, string[]>();
  for (const code of codes) {
    const parentLength = [...LENGTHS].reverse().find((l) => l < code.length && table.has(code.slice(0, l)));
    if (parentLength === undefined) continue;
    const parent = code.slice(0, parentLength);
    children.set(parent, [...(children.get(parent) ?? []), code]);
  }
  for (const [parent, kids] of children) {
    const pairs = new Map<string, [string, string]>();
    for (const code of [parent, ...kids]) for (const [figure, key] of keysOf(code)) pairs.set(`${figure}\u0000${key}`, [figure, key]);
    for (const [id, [figure, key]] of [...pairs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const terms: Term[] = [{ cell: cell(parent, figure, key), sign: 1 }];
      for (const kid of kids) terms.push({ cell: cell(kid, figure, key), sign: -1 });
      const rest = value[terms[0]!.cell]! - terms.slice(1).reduce((s, t) => s + value[t.cell]!, 0);
      if (rest !== 0) {
        // The remainder at the parent is an unknown of its own: never published, so withheld from the start.
        const r = value.length;
        ids.set(`${parent}\u0000rest\u0000${id}`, r);
        value.push(rest);
        published.push(false);
        terms.push({ cell: r, sign: -1 });
      }
      equations.push(terms);
    }
  }

  const n = value.length;
  // A published withheld cell is known to be at least 1 (zeros are shown); a remainder only at least 0.
  const floor = (i: number) => (published[i] ? 1 : 0);
  const hidden: boolean[] = Array.from({ length: n }, (_, i) => !published[i] || (value[i]! > 0 && value[i]! < SUPPRESS_BELOW));
  const primary = hidden.filter((h, i) => h && published[i]).length;
  const equationsOf: number[][] = Array.from({ length: n }, () => []);
  equations.forEach((terms, e) => terms.forEach((t) => equationsOf[t.cell]!.push(e)));

  // Every withheld published cell must stay unknown (a complement that can be solved protects nothing); a remainder
  // only when it is itself a small count.
  const mustProtect = (i: number) => hidden[i]! && (published[i]! || (!slack.has(i) && value[i]! > 0 && value[i]! < SUPPRESS_BELOW));
  /**
   * A relation leaks when a cell that must stay unknown follows from it alone: it is the only withheld cell, or the
   * withheld cells all sit on one side and all are at their floor (each can be at most the sum minus the others'
   * floors, which is then its value: two withheld 1s adding up to 2).
   */
  const leaks = (terms: Term[], extra = -1): boolean => {
    const h = terms.filter((t) => hidden[t.cell] || t.cell === extra);
    const protect = (i: number) => i === extra || mustProtect(i);
    if (h.length === 0) return false;
    if (h.length === 1) return protect(h[0]!.cell);
    if (!h.every((t) => t.sign === h[0]!.sign)) return false;
    return h.every((t) => value[t.cell]! <= floor(t.cell)) && h.some((t) => protect(t.cell));
  };
  /** The complement to withhold in a relation: the smallest shown non-zero part (the whole last), preferring one that stops the leak alone. */
  const complementIn = (terms: Term[]): number | null => {
    const candidates = terms
      .filter((t) => published[t.cell] && !hidden[t.cell] && value[t.cell]! > 0)
      .sort((a, b) => (a.sign - b.sign) || (value[a.cell]! - value[b.cell]!) || (a.cell - b.cell));
    if (!candidates.length) return null;
    return (candidates.find((t) => !leaks(terms, t.cell)) ?? candidates[0]!).cell;
  };
  const hide = (i: number, queue: number[]) => {
    hidden[i] = true;
    queue.push(...equationsOf[i]!);
  };

  const queue: number[] = equations.map((_, e) => e);
  for (;;) {
    // Local rule until no relation leaks on its own.
    while (queue.length) {
      const e = queue.pop()!;
      while (leaks(equations[e]!)) {
        const c = complementIn(equations[e]!);
        if (c === null) break;
        hide(c, queue);
      }
    }
    // Exact audit: withheld cells that the published figures still determine through several relations at once.
    const solved = [...new Set([...determinedCells(equations, hidden), ...pinnedCells(equations, hidden, value, floor)])].filter(mustProtect);
    // One complement can free several solved cells: after the first, only cells of relations not touched yet.
    const touched = new Set<number>();
    if (!solved.length) break;
    let added = false;
    for (const i of solved) {
      if (equationsOf[i]!.some((e) => touched.has(e))) continue;
      // The cheapest complement over all of the cell's relations: a part before a whole, then the smallest. (The
      // first relation with a candidate would often offer only a row's total, when a village two relations away
      // would do.)
      const candidates = equationsOf[i]!.flatMap((e) => equations[e]!)
        .filter((t) => published[t.cell] && !hidden[t.cell] && value[t.cell]! > 0)
        .sort((a, b) => (a.sign - b.sign) || (value[a.cell]! - value[b.cell]!) || (a.cell - b.cell));
      if (candidates.length) {
        hide(candidates[0]!.cell, queue);
        equationsOf[i]!.forEach((e) => touched.add(e));
        added = true;
      }
    }
    if (!added) break;
  }

  const complementary = hidden.filter((h, i) => h && published[i]).length - primary;
  return {
    withheld(code, figure, key) {
      const i = ids.get(`${code}\u0000${figure}\u0000${key}`);
      if (i !== undefined) return hidden[i]!;
      const v = valueOf(table.get(code), figure, key);
      return v > 0 && v < SUPPRESS_BELOW;
    },
    counts: { primary, complementary },
  };
}

/**
 * The withheld cells whose value follows from the published ones: each relation, with the shown cells moved to the
 * constant side, is a linear equation in the withheld cells; a cell is determined when the reduced row echelon form
 * has a row with it alone. Sparse elimination (relations touch a handful of cells), in floating point: coefficients
 * stay small integers and ratios of them.
 */
export function determinedCells(equations: { cell: number; sign: number }[][], hidden: boolean[]): number[] {
  const EPS = 1e-9;
  const rows: Map<number, number>[] = [];
  const pivots: number[] = [];
  const rowOfPivot = new Map<number, number>();
  for (const terms of equations) {
    const r = new Map<number, number>();
    for (const t of terms) if (hidden[t.cell]) r.set(t.cell, (r.get(t.cell) ?? 0) + t.sign);
    if (!r.size) continue;
    // Reduce by earlier rows in insertion order: a row never holds the pivot of a row inserted before it.
    for (let k = 0; k < rows.length && r.size; k++) {
      const c = r.get(pivots[k]!);
      if (c === undefined) continue;
      for (const [v, a] of rows[k]!) {
        const next = (r.get(v) ?? 0) - c * a;
        if (Math.abs(next) < EPS) r.delete(v);
        else r.set(v, next);
      }
    }
    if (!r.size) continue;
    const [p, a] = r.entries().next().value as [number, number];
    for (const [v, x] of r) r.set(v, x / a);
    rowOfPivot.set(p, rows.length);
    rows.push(r);
    pivots.push(p);
  }
  // Back substitution, last row first: afterwards each row holds its pivot and free cells only.
  for (let k = rows.length - 1; k >= 0; k--) {
    const r = rows[k]!;
    for (const v of [...r.keys()]) {
      const j = rowOfPivot.get(v);
      if (j === undefined || j === k) continue;
      const c = r.get(v);
      if (c === undefined) continue;
      for (const [w, a] of rows[j]!) {
        const next = (r.get(w) ?? 0) - c * a;
        if (Math.abs(next) < EPS) r.delete(w);
        else r.set(w, next);
      }
    }
  }
  return rows.filter((r) => r.size === 1).map((r) => r.keys().next().value as number);
}

/**
 * The withheld cells that bounds pin: every withheld cell is at least its floor; each relation bounds each of its
 * withheld cells by what the others can be; propagated until nothing tightens (what an attacker with a solver for
 * integer bounds would do, short of full integer programming). Returns the cells whose lower and upper bounds meet.
 */
export function pinnedCells(equations: { cell: number; sign: number }[][], hidden: boolean[], value: number[], floor: (i: number) => number): number[] {
  const lo = new Map<number, number>();
  const hi = new Map<number, number>();
  const rows: { cells: number[]; coef: number[]; constant: number }[] = [];
  for (const terms of equations) {
    const coef = new Map<number, number>();
    let constant = 0;
    for (const t of terms) {
      if (hidden[t.cell]) coef.set(t.cell, (coef.get(t.cell) ?? 0) + t.sign);
      else constant -= t.sign * value[t.cell]!;
    }
    for (const [i, a] of coef) if (a === 0) coef.delete(i);
    if (!coef.size) continue;
    for (const i of coef.keys()) {
      lo.set(i, floor(i));
      hi.set(i, Infinity);
    }
    rows.push({ cells: [...coef.keys()], coef: [...coef.values()], constant });
  }
  for (let pass = 0, changed = true; changed && pass < 100; pass++) {
    changed = false;
    for (const { cells, coef, constant } of rows) {
      // Sums of the terms' smallest and largest values, the infinite ones counted apart.
      let minSum = 0, minInf = 0, maxSum = 0, maxInf = 0;
      const mins = cells.map((c, k) => (coef[k]! > 0 ? coef[k]! * lo.get(c)! : coef[k]! * hi.get(c)!));
      const maxs = cells.map((c, k) => (coef[k]! > 0 ? coef[k]! * hi.get(c)! : coef[k]! * lo.get(c)!));
      for (const m of mins) if (Number.isFinite(m)) minSum += m; else minInf++;
      for (const m of maxs) if (Number.isFinite(m)) maxSum += m; else maxInf++;
      cells.forEach((c, k) => {
        // coef * x = constant - (the others): bounds of the others without this term.
        const othersMin = Number.isFinite(mins[k]!) ? (minInf ? -Infinity : minSum - mins[k]!) : minInf > 1 ? -Infinity : minSum;
        const othersMax = Number.isFinite(maxs[k]!) ? (maxInf ? Infinity : maxSum - maxs[k]!) : maxInf > 1 ? Infinity : maxSum;
        const a = coef[k]!;
        const low = a > 0 ? (constant - othersMax) / a : (constant - othersMin) / a;
        const high = a > 0 ? (constant - othersMin) / a : (constant - othersMax) / a;
        if (Number.isFinite(low) && Math.ceil(low - 1e-9) > lo.get(c)!) {
          lo.set(c, Math.ceil(low - 1e-9));
          changed = true;
        }
        if (Number.isFinite(high) && Math.floor(high + 1e-9) < hi.get(c)!) {
          hi.set(c, Math.floor(high + 1e-9));
          changed = true;
        }
      });
    }
  }
  return [...lo.keys()].filter((i) => lo.get(i) === hi.get(i));
}
