import fs from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { API_ROOT } from '../../config/env.js';
import { levelOfCode } from '../../modules/regions/region.entity.js';

export const REGIONS_FILE = path.join(API_ROOT, 'data/regions-440783.csv');

interface RegionRow {
  code: string;
  name: string;
  level: number;
  parent_code: string | null;
  full_name: string;
}

export function readRegionFile(file = REGIONS_FILE): RegionRow[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const rows = lines.slice(1).map((line) => {
    const [code, name, parent] = line.split(',').map((s) => s.trim());
    const level = levelOfCode(code!);
    if (!level || !name) throw new Error(`Bad region line: ${line}`);
    return { code: code!, name, level, parent_code: parent || null, full_name: '' };
  });
  const byCode = new Map(rows.map((r) => [r.code, r]));
  for (const row of rows) {
    const names: string[] = [];
    for (let r: RegionRow | undefined = row; r; r = r.parent_code ? byCode.get(r.parent_code) : undefined) names.unshift(r.name);
    row.full_name = names.join('');
  }
  return rows;
}

/** Loads the committed region extract in one statement; existing codes are kept. Returns the rows inserted. */
export async function loadRegions(em: EntityManager, file = REGIONS_FILE): Promise<number> {
  const rows = readRegionFile(file);
  const result = await em.execute(
    `insert into region (code, name, level, parent_code, full_name)
     select code, name, level, parent_code, full_name
       from jsonb_to_recordset(?::jsonb) as r(code text, name text, level int, parent_code text, full_name text)
     on conflict (code) do nothing`,
    [JSON.stringify(rows)],
    'run',
  );
  return (result as { affectedRows?: number }).affectedRows ?? 0;
}
