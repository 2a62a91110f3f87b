import { Entity, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Elder } from './elder.entity.js';
import type { Assistance, ContactKind, Gender, HelpUnitType } from './elder.enums.js';

// Child rows of an archive. Each carries the elder's county code (the partition key) and is reached only
// through its elder, so the elder's jurisdiction filter guards them too.

/** 紧急联系人 */
@Entity({ tableName: 'elder_contact' })
export class ElderContact {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Elder', ref: true, deleteRule: 'cascade' })
  elder!: Ref<Elder>;

  @Property({ type: 'string', length: 6 })
  countyCode!: string;

  /** Order of precedence: children, then relatives, then a village-committee worker. */
  @Property({ type: 'smallint' })
  position!: number;

  @Property({ type: 'string', length: 16 })
  kind!: ContactKind;

  @Property({ type: 'string', length: 50 })
  name!: string;

  /** e.g. 儿子, 女儿, 侄子, 村委会主任 */
  @Property({ type: 'string', length: 20, nullable: true })
  relation?: string | null;

  @Property({ type: 'string', length: 20 })
  phone!: string;
}

/** 家庭成员 (the household table of the registration form; the householder is marked by relation 户主). */
@Entity({ tableName: 'household_member' })
export class HouseholdMember {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Elder', ref: true, deleteRule: 'cascade' })
  elder!: Ref<Elder>;

  @Property({ type: 'string', length: 6 })
  countyCode!: string;

  @Property({ type: 'smallint' })
  position!: number;

  @Property({ type: 'string', length: 50 })
  name!: string;

  @Property({ type: 'string', length: 6, nullable: true })
  gender?: Gender | null;

  @Property({ type: 'string', length: 18, nullable: true })
  idNumber?: string | null;

  /** 与户主关系: 户主, 配偶, 子, 女, 孙子女 ... */
  @Property({ type: 'string', length: 20 })
  relation!: string;

  /** 健康状况 as written on the form (健康, 一般, 较差, 患慢性病 ...). */
  @Property({ type: 'string', length: 50, nullable: true })
  health?: string | null;

  @Property({ type: 'string', length: 20 })
  assistance!: Assistance;
}

/** 已享受帮扶情况 */
@Entity({ tableName: 'help_record' })
export class HelpRecord {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Elder', ref: true, deleteRule: 'cascade' })
  elder!: Ref<Elder>;

  @Property({ type: 'string', length: 6 })
  countyCode!: string;

  @Property({ type: 'smallint' })
  position!: number;

  @Property({ type: 'string', length: 30 })
  unitType!: HelpUnitType;

  @Property({ type: 'string', length: 100, nullable: true })
  unitName?: string | null;

  @Property({ type: 'string', length: 500 })
  measures!: string;
}

/** A written refusal of visiting service (书面工作记录). Refusals are never deleted; a later consent closes one. */
@Entity({ tableName: 'elder_refusal' })
export class Refusal {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne({ entity: 'Elder', ref: true })
  elder!: Ref<Elder>;

  @Property({ type: 'string', length: 6 })
  countyCode!: string;

  @Property({ type: 'date' })
  refusedOn!: string;

  @Property({ type: 'string', length: 500 })
  reason!: string;

  /** Who talked with the elder or family (排查人员). */
  @Property({ type: 'string', length: 50 })
  talkedWith!: string;

  @Property({ type: 'uuid' })
  recordedBy!: string;

  @Property({ type: 'datetime' })
  recordedAt: Date = new Date();

  @Property({ type: 'date', nullable: true })
  withdrawnOn?: string | null;

  @Property({ type: 'string', length: 500, nullable: true })
  withdrawnNote?: string | null;
}
