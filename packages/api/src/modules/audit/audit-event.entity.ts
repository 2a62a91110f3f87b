import { Entity, JsonType, PrimaryKey, Property } from '@mikro-orm/core';

/** One changed field of an audited change. Identity values are masked here: the audit log is not a back door. */
export interface FieldChange {
  field: string;
  old: unknown;
  new: unknown;
}

/**
 * Append-only: a database trigger refuses UPDATE, DELETE and TRUNCATE (see the first migration), so not even
 * the application's own database role can rewrite history.
 */
@Entity({ tableName: 'audit_event' })
export class AuditEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  at!: Date;

  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Property({ type: 'string', length: 50, nullable: true })
  actorUsername?: string | null;

  @Property({ type: 'string', length: 30, nullable: true })
  actorRole?: string | null;

  @Property({ type: 'string', length: 40 })
  action!: string;

  @Property({ type: 'uuid', nullable: true })
  elderId?: string | null;

  /** The elder's village at the time (jurisdiction of the row), or the actor's region for non-elder events. */
  @Property({ type: 'string', length: 12, nullable: true })
  regionCode?: string | null;

  @Property({ type: 'string', length: 6, nullable: true })
  countyCode?: string | null;

  /** The stated purpose of a reveal. */
  @Property({ type: 'string', length: 200, nullable: true })
  purpose?: string | null;

  @Property({ type: JsonType, nullable: true })
  changes?: FieldChange[] | null;

  @Property({ type: JsonType, nullable: true })
  detail?: Record<string, unknown> | null;

  @Property({ type: 'string', length: 64, nullable: true })
  requestId?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  ip?: string | null;
}
