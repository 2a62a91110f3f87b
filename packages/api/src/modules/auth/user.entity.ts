import { Entity, ManyToOne, PrimaryKey, Property, type Ref, OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { RoleName } from '@tanfang/schema';
import { Region } from '../regions/region.entity.js';

@Entity({ tableName: 'app_user' })
export class User {
  [OptionalProps]?: 'active' | 'failedLogins' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'string', length: 50, unique: true })
  username!: string;

  @Property({ type: 'string', length: 100 })
  displayName!: string;

  /** argon2id; never leaves the auth module. */
  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  @Property({ type: 'string', length: 30 })
  role!: RoleName;

  /** The root of the user's jurisdiction: everything they see lies in this region's subtree. */
  @ManyToOne(() => Region, { ref: true, fieldName: 'region_code' })
  region!: Ref<Region>;

  /** The partner agency a user works for (police, health, ...); null for civil affairs. */
  @Property({ type: 'uuid', nullable: true })
  agencyId?: string | null;

  @Property({ type: 'boolean' })
  active: boolean = true;

  @Property({ type: 'integer' })
  failedLogins: number = 0;

  @Property({ type: 'datetime', nullable: true })
  lockedUntil?: Date | null;

  /** When the last login attempt was counted (see login-throttle.ts); failures older than a day start over. */
  @Property({ type: 'datetime', nullable: true })
  failedLoginAt?: Date | null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
