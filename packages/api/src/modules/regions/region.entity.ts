import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/**
 * A division of the national statistical code tree (统计用区划代码): province (2 digits), city (4),
 * county/district (6), town/street (9), village/community (12). The code is hierarchical, so a region's
 * subtree is every code that starts with it: jurisdiction checks are a prefix match on an indexed column.
 */
@Entity({ tableName: 'region' })
export class Region {
  [PrimaryKeyProp]?: 'code';

  @PrimaryKey({ type: 'string', length: 12 })
  code!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  /** 1 province, 2 city, 3 county, 4 town/street, 5 village/community. */
  @Property({ type: 'smallint' })
  level!: number;

  @Property({ type: 'string', length: 12, nullable: true })
  parentCode?: string | null;

  /** Names from the province down, e.g. 广东省江门市开平市三埠街道东河社区居委会 (computed on load). */
  @Property({ type: 'string', length: 255 })
  fullName!: string;
}

/** Code lengths per level: a code's level follows from its length. */
export const LEVEL_CODE_LENGTH = [0, 2, 4, 6, 9, 12] as const;
export const VILLAGE_LEVEL = 5;

export function levelOfCode(code: string): number | null {
  const level = LEVEL_CODE_LENGTH.indexOf(code.length as (typeof LEVEL_CODE_LENGTH)[number]);
  return level > 0 && /^\d+$/.test(code) ? level : null;
}

/** The county-level code (6 digits) of a code at county level or below: the partition key of personal data. */
export function countyOf(code: string): string {
  return code.slice(0, 6);
}

export function isWithin(code: string, ancestorCode: string): boolean {
  return code.startsWith(ancestorCode);
}
