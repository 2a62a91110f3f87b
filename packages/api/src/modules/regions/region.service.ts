import { requireScope, type RequestContext } from '../../graphql/context.js';
import { badInput, forbidden, notFound } from '../../graphql/errors.js';
import { Scope } from '@tanfang/schema';
import type { Actor } from '../auth/actor.js';
import { groupByKeys } from '../../shared/loaders.js';
import { pgArray } from '../../shared/sql.js';
import { levelOfCode, Region, VILLAGE_LEVEL } from './region.entity.js';

/**
 * The region tree as a user sees it: their own subtree, plus the chain of ancestors above it (so a village
 * worker's console can still say 广东省江门市开平市...), and nothing beside it.
 */
/**
 * Short paths for people's rows: the town and the village (e.g. 三埠街道 东河社区居委会), the names a town's staff
 * read; a region at county level or above is its own name. One statement for every code given.
 */
export async function localPaths(em: RequestContext['em'], codes: readonly string[]): Promise<Map<string, string>> {
  const wanted = new Set<string>();
  for (const code of codes) {
    wanted.add(code);
    if (code.length === 12) wanted.add(code.slice(0, 9));
  }
  if (wanted.size === 0) return new Map();
  const rows = await em.execute<{ code: string; name: string }[]>(`select code, name from region where code = any(?::text[])`, [pgArray([...wanted])]);
  const names = new Map(rows.map((r) => [r.code, r.name]));
  const paths = new Map<string, string>();
  for (const code of codes) {
    const own = names.get(code);
    if (own === undefined) continue;
    const town = code.length === 12 ? names.get(code.slice(0, 9)) : undefined;
    paths.set(code, town ? `${town} ${own}` : own);
  }
  return paths;
}

const SEARCH_DEFAULT = 20;
const SEARCH_MAX = 50;

export class RegionService {
  constructor(private readonly ctx: RequestContext) {}

  static isVisible(actor: Actor, code: string): boolean {
    return code.startsWith(actor.regionCode) || actor.regionCode.startsWith(code);
  }

  private actor(): Actor {
    return requireScope(this.ctx, Scope.RegionRead);
  }

  async get(code: string): Promise<Region> {
    const actor = this.actor();
    const region = RegionService.isVisible(actor, code) ? await this.byCode().load(code) : null;
    if (!region) throw notFound('行政区划', 'region');
    return region;
  }

  /** Children of `parentCode`; without it, the root of the caller's jurisdiction. */
  async children(parentCode?: string | null): Promise<Region[]> {
    const actor = this.actor();
    if (!parentCode) return [await this.get(actor.regionCode)];
    await this.get(parentCode);
    const children = await this.childrenLoader().load(parentCode);
    return children.filter((r) => RegionService.isVisible(actor, r.code));
  }

  /**
   * Regions of the caller's subtree (its root included) whose name contains `text`, towns before villages, so a
   * picker can find 东河社区 without opening its town first. The subtree is a prefix range of the primary key
   * (C collation), so only that range is read; a county's whole tree is a few hundred rows.
   */
  async search(text: string, first: number | null | undefined): Promise<Region[]> {
    const actor = this.actor();
    const needle = text.trim();
    if (!needle) return [];
    if (needle.length > 50) throw badInput('搜索的名称不能超过 50 个字', 'The name searched for may have at most 50 characters', 'text');
    const limit = first ?? SEARCH_DEFAULT;
    if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_MAX) {
      throw badInput(`条数应在 1 到 ${SEARCH_MAX} 之间`, `first must be between 1 and ${SEARCH_MAX}`, 'first');
    }
    const like = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.ctx.em.find(
      Region,
      { code: { $like: `${actor.regionCode}%` }, name: { $ilike: like } },
      { orderBy: { level: 'asc', code: 'asc' }, limit },
    );
  }

  async parent(region: Region): Promise<Region | null> {
    if (!region.parentCode || !RegionService.isVisible(this.actor(), region.parentCode)) return null;
    return this.byCode().load(region.parentCode);
  }

  async childrenOf(region: Region): Promise<Region[]> {
    const actor = this.actor();
    const children = await this.childrenLoader().load(region.code);
    return children.filter((r) => RegionService.isVisible(actor, r.code));
  }

  /**
   * The village an archive may be placed in: it must exist, be a village/community, and lie inside the
   * caller's jurisdiction. Used by every write that sets an elder's region.
   */
  /** A region of any level inside the actor's subtree (the subtree root included). */
  async requireRegionInJurisdiction(actor: Actor, code: string, field = 'regionCode'): Promise<Region> {
    const trimmed = code.trim();
    const region = levelOfCode(trimmed) ? await this.byCode().load(trimmed) : null;
    if (!region) throw badInput(`行政区划代码 ${trimmed.slice(0, 20)} 不存在`, `Region code ${trimmed.slice(0, 20)} does not exist`, field);
    if (!trimmed.startsWith(actor.regionCode)) {
      throw forbidden(`${region.fullName} 不在您的管辖范围内`, `${region.code} is outside your jurisdiction`, { field });
    }
    return region;
  }

  async requireVillageInJurisdiction(actor: Actor, code: string, field = 'regionCode'): Promise<Region> {
    const trimmed = code.trim();
    if (levelOfCode(trimmed) !== VILLAGE_LEVEL) {
      throw badInput(
        '请选择村（社区）一级的行政区划（12 位代码）',
        'Choose a village or community (a 12-digit region code)',
        field,
      );
    }
    const region = await this.byCode().load(trimmed);
    if (!region) throw badInput(`行政区划代码 ${trimmed} 不存在`, `Region code ${trimmed} does not exist`, field);
    if (!trimmed.startsWith(actor.regionCode)) {
      throw forbidden(
        `${region.fullName} 不在您的管辖范围内`,
        `${region.code} is outside your jurisdiction`,
        { field },
      );
    }
    return region;
  }

  byCode() {
    return this.ctx.loaders.get<string, Region | null>('region.byCode', async (codes) => {
      const rows = await this.ctx.em.find(Region, { code: { $in: [...codes] } });
      const map = new Map(rows.map((r) => [r.code, r]));
      return codes.map((c) => map.get(c) ?? null);
    });
  }

  /** `localPaths` batched over every region of a response. */
  localPath(code: string): Promise<string | null> {
    return this.ctx.loaders
      .get<string, string | null>('region.localPath', async (codes) => {
        const paths = await localPaths(this.ctx.em, codes.filter((c) => /^\d{2,12}$/.test(c)));
        return codes.map((c) => paths.get(c) ?? null);
      })
      .load(code);
  }

  private childrenLoader() {
    return this.ctx.loaders.get<string, Region[]>('region.children', async (parents) => {
      const rows = await this.ctx.em.find(Region, { parentCode: { $in: [...parents] } }, { orderBy: { code: 'asc' } });
      return groupByKeys(parents, rows, (r) => r.parentCode!);
    });
  }
}
