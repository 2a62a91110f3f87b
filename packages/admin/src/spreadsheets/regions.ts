import type { Client } from '@urql/vue';
import { graphql } from '../gql';
import { halfWidth, type Parsed } from './values';

// Villages named the way clerks write them (东河社区, 东河社区居委会, 三埠街道东河社区, or the 12-digit code),
// resolved to codes inside the caller's jurisdiction. The names come from the regions query: the caller's root and
// up to three levels below it, which reaches the villages from a city, a county or a town.

export const JurisdictionVillagesQuery = graphql(`
  query JurisdictionVillages {
    regions {
      code
      name
      level
      children {
        code
        name
        level
        children {
          code
          name
          level
          children {
            code
            name
            level
          }
        }
      }
    }
  }
`);

export interface Village {
  code: string;
  name: string;
  /** The town (乡镇/街道) it belongs to. */
  townName: string;
}

/** Official suffixes clerks leave out or add: 东河社区居委会 = 东河社区 = 东河. */
const SUFFIX = /(社区居民委员会|村民委员会|居民委员会|社区居委会|村委会|居委会|社区|村)$/;
const key = (s: string) => halfWidth(s).replace(/[\s　]+/g, '');

export class VillageIndex {
  private byCode = new Map<string, Village>();
  private byName = new Map<string, Village[]>();

  constructor(readonly villages: Village[]) {
    for (const v of villages) {
      this.byCode.set(v.code, v);
      const names = new Set([key(v.name), key(v.name).replace(SUFFIX, '')]);
      const towns = new Set([key(v.townName), key(v.townName).replace(/(街道办事处|街道|镇|乡)$/, '')]);
      for (const n of [...names]) for (const t of towns) names.add(`${t}${n}`);
      for (const n of names) this.byName.set(n, [...(this.byName.get(n) ?? []), v]);
    }
  }

  resolve(raw: string): Parsed {
    const v = key(raw);
    if (/^\d{12}$/.test(v)) return this.byCode.has(v) ? { value: v } : { error: `区划代码 ${v} 不在您的辖区内` };
    const hits = this.byName.get(v) ?? this.byName.get(v.replace(SUFFIX, '')) ?? [];
    if (hits.length === 1) return { value: hits[0]!.code };
    if (hits.length > 1) return { error: `“${raw}”有重名（${hits.map((h) => h.townName).join('、')}），请写成“镇街+村”，如 ${hits[0]!.townName}${hits[0]!.name}` };
    return { error: `在您的辖区内找不到村（社区）“${raw}”` };
  }

  /** For the template's drop-down and its instructions. */
  names(): string[] {
    const count = new Map<string, number>();
    for (const v of this.villages) count.set(v.name, (count.get(v.name) ?? 0) + 1);
    return this.villages.map((v) => (count.get(v.name)! > 1 ? `${v.townName}${v.name}` : v.name));
  }
}

type Node = { code: string; name: string; level: number; children?: Node[] };

export function villagesOf(roots: readonly Node[]): Village[] {
  const out: Village[] = [];
  const walk = (n: Node, town: string) => {
    if (n.level === 5) out.push({ code: n.code, name: n.name, townName: town });
    for (const c of n.children ?? []) walk(c, n.level === 4 ? n.name : town);
  };
  for (const r of roots) walk(r, r.level === 4 ? r.name : '');
  return out;
}

export async function loadVillages(client: Client): Promise<VillageIndex> {
  const result = await client.query(JurisdictionVillagesQuery, {}, { requestPolicy: 'cache-first' }).toPromise();
  if (!result.data) throw new Error(result.error?.message ?? '辖区列表加载失败');
  return new VillageIndex(villagesOf(result.data.regions as Node[]));
}
