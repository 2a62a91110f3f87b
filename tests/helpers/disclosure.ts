/**
 * An attacker's view of published statistics tables, written apart from the API's suppression code so that it checks
 * it rather than repeats it: given what an integrator sees (a cell's count, or null when withheld) and the relations
 * between cells they know (a parent is the sum of its children, a row total the sum of its categories), it tries to
 * recover every withheld count: by subtraction (one unknown in a relation), by bounds (a withheld count is at least 1,
 * since zeros are shown, so withheld cells adding up to their number are all 1s), and by exact linear algebra over all
 * relations at once. It is given the true values too, only to judge what it recovers and to check itself.
 */

export interface Cell {
  id: string;
  /** What the integrator sees: the count, or null when withheld. */
  shown: number | null;
  /** The true count (from an unsuppressed report). */
  truth: number;
  /** Never published (what sits at a parent itself): unknown, at least 0. */
  unpublished?: boolean;
}

/** sum(plus) = sum(minus). */
export interface Relation {
  plus: string[];
  minus: string[];
}

export interface Recovery {
  id: string;
  value: number;
  truth: number;
  how: 'subtraction' | 'bounds' | 'linear algebra';
}

/** Every withheld cell whose value the published cells and the relations determine. */
export function recover(cells: Map<string, Cell>, relations: Relation[]): Recovery[] {
  const unknown = [...cells.values()].filter((c) => c.shown === null || c.unpublished);
  const index = new Map(unknown.map((c, i) => [c.id, i]));
  // Each relation as sum(coef * unknown) = constant.
  const rows = relations.map((r) => {
    const coef = new Map<number, number>();
    let constant = 0;
    const add = (id: string, sign: number) => {
      const cell = cells.get(id);
      if (!cell) return; // a key a region does not have: 0
      const i = index.get(id);
      if (i === undefined) constant -= sign * cell.shown!;
      else coef.set(i, (coef.get(i) ?? 0) + sign);
    };
    r.plus.forEach((id) => add(id, 1));
    r.minus.forEach((id) => add(id, -1));
    for (const [i, a] of coef) if (a === 0) coef.delete(i);
    return { coef, constant };
  });
  const out = new Map<string, Recovery>();
  const found = (i: number, value: number, how: Recovery['how']) => {
    const c = unknown[i]!;
    if (!out.has(c.id)) out.set(c.id, { id: c.id, value, truth: c.truth, how });
  };

  // 1 and 2: subtraction and bounds, propagated until nothing tightens. Subtraction is the case of a relation whose
  // other unknowns are all pinned already.
  const lo: number[] = unknown.map((c) => (c.unpublished ? 0 : 1));
  const hi = unknown.map(() => Infinity);
  for (let pass = 0, changed = true; changed && pass < 200; pass++) {
    changed = false;
    for (const { coef, constant } of rows) {
      for (const [j, a] of coef) {
        // a * x_j = constant - sum(others): bounds of the right side from the others' bounds.
        let min = constant;
        let max = constant;
        for (const [i, b] of coef) {
          if (i === j) continue;
          if (b > 0) {
            min -= b * hi[i]!;
            max -= b * lo[i]!;
          } else {
            min -= b * lo[i]!;
            max -= b * hi[i]!;
          }
        }
        const [l, h] = a > 0 ? [min / a, max / a] : [max / a, min / a];
        const single = [...coef.keys()].every((i) => i === j || lo[i] === hi[i]);
        if (Number.isFinite(l) && Math.ceil(l - 1e-9) > lo[j]!) {
          lo[j] = Math.ceil(l - 1e-9);
          changed = true;
        }
        if (Number.isFinite(h) && Math.floor(h + 1e-9) < hi[j]!) {
          hi[j] = Math.floor(h + 1e-9);
          changed = true;
        }
        if (lo[j] === hi[j]) found(j, lo[j]!, single ? 'subtraction' : 'bounds');
      }
    }
  }
  // The attacker's bounds must hold the truth, or the checker is wrong.
  unknown.forEach((c, i) => {
    if (c.truth < lo[i]! || c.truth > hi[i]!) throw new Error(`checker bounds exclude the truth of ${c.id}: ${c.truth} not in [${lo[i]}, ${hi[i]}]`);
  });

  // 3: exact linear algebra. A cell is determined by the relations when its unit vector lies in their row space:
  // reduced row echelon form (dense, per connected group of unknowns), a row with a single unknown left.
  const parent = unknown.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (const { coef } of rows) {
    const [first, ...rest] = [...coef.keys()];
    for (const i of rest) parent[find(i)] = find(first!);
  }
  const groups = new Map<number, number[]>();
  unknown.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  for (const members of groups.values()) {
    const col = new Map(members.map((v, k) => [v, k]));
    const m: number[][] = [];
    const rhs: number[] = [];
    for (const { coef, constant } of rows) {
      const first = coef.keys().next();
      if (first.done || !col.has(first.value)) continue;
      const row = new Array<number>(members.length).fill(0);
      for (const [i, a] of coef) row[col.get(i)!] = a;
      m.push(row);
      rhs.push(constant);
    }
    let r = 0;
    const pivotCols: number[] = [];
    for (let c = 0; c < members.length && r < m.length; c++) {
      let best = r;
      for (let k = r + 1; k < m.length; k++) if (Math.abs(m[k]![c]!) > Math.abs(m[best]![c]!)) best = k;
      if (Math.abs(m[best]![c]!) < 1e-9) continue;
      [m[r], m[best]] = [m[best]!, m[r]!];
      [rhs[r], rhs[best]] = [rhs[best]!, rhs[r]!];
      const p = m[r]![c]!;
      for (let k = c; k < members.length; k++) m[r]![k]! /= p;
      rhs[r]! /= p;
      for (let k = 0; k < m.length; k++) {
        if (k === r) continue;
        const f = m[k]![c]!;
        if (Math.abs(f) < 1e-12) continue;
        for (let q = c; q < members.length; q++) m[k]![q]! -= f * m[r]![q]!;
        rhs[k]! -= f * rhs[r]!;
      }
      pivotCols.push(c);
      r++;
    }
    pivotCols.forEach((c, k) => {
      const alone = m[k]!.every((a, q) => q === c || Math.abs(a) < 1e-9);
      if (alone) found(members[c]!, Math.round(rhs[k]!), 'linear algebra');
    });
  }
  return [...out.values()];
}
