import {
  ArrayType,
  Cascade,
  Collection,
  DecimalType,
  Entity,
  Filter,
  ManyToOne,
  OneToMany,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Region } from '../regions/region.entity.js';
import { ElderContact, HelpRecord, HouseholdMember, Refusal } from './elder-parts.entity.js';
import type {
  Circumstance,
  DisabilityCategory,
  ElderStatus,
  ExtremePovertyKind,
  FamilyPlanningKind,
  Gender,
  IncapacityLevel,
} from './elder.enums.js';
import { subtreeFilter } from '../../shared/jurisdiction.js';

export interface JurisdictionFilterArgs {
  /** The region code whose subtree the request may see. */
  prefix: string;
}

/**
 * The elder's archive (一人一档, 基本信息登记表). Identity, circumstances, living conditions and willingness live here;
 * contacts, household members, help received and refusals are child rows carrying the same county code.
 *
 * Jurisdiction is a default filter: every `em.find*` of elders in a request is limited to the caller's region
 * subtree, and a request that forgot to say whose jurisdiction it runs in fails instead of seeing everything.
 */
@Entity({ tableName: 'elder' })
@Filter({
  name: 'jurisdiction',
  default: true,
  cond: (args: JurisdictionFilterArgs) => ({ region: subtreeFilter(args.prefix) }),
})
export class Elder {
  [OptionalProps]?: 'version' | 'registeredAt' | 'updatedAt' | 'status' | 'acceptsVisits' | 'circumstances' | 'regionCode' | 'classReasons';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** County-level code (6 digits): the future partition/distribution key of all personal data. */
  @Property({ type: 'string', length: 6 })
  countyCode!: string;

  /** Village/community (12-digit code) the elder lives in. */
  @ManyToOne(() => Region, { ref: true, fieldName: 'region_code' })
  region!: Ref<Region>;

  @Property({ type: 'string', length: 50 })
  name!: string;

  /** Derived from the ID number's 17th digit. */
  @Property({ type: 'string', length: 6 })
  gender!: Gender;

  /** Derived from the ID number (YYYY-MM-DD). */
  @Property({ type: 'date' })
  birthDate!: string;

  /** 公民身份号码, GB 11643. Never exposed unmasked except through the audited reveal. */
  @Property({ type: 'string', length: 18, unique: true })
  idNumber!: string;

  @Property({ type: 'string', length: 20, nullable: true })
  phone?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  addressDetail?: string | null;

  /** 是否居住在户籍所在地 */
  @Property({ type: 'boolean', nullable: true })
  livesAtRegisteredResidence?: boolean | null;

  /** The circumstances a worker recorded (derived ones are computed on read). */
  @Property({ type: ArrayType, columnType: 'text[]' })
  circumstances: Circumstance[] = [];

  @Property({ type: 'string', length: 10, nullable: true })
  incapacityLevel?: IncapacityLevel | null;

  @Property({ type: 'string', length: 20, nullable: true })
  disabilityCertificateNumber?: string | null;

  @Property({ type: 'string', length: 12, nullable: true })
  disabilityCategory?: DisabilityCategory | null;

  @Property({ type: 'smallint', nullable: true })
  disabilityGrade?: number | null;

  @Property({ type: 'string', length: 20, nullable: true })
  familyPlanningKind?: FamilyPlanningKind | null;

  @Property({ type: 'string', length: 15, nullable: true })
  extremePovertyKind?: ExtremePovertyKind | null;

  @Property({ type: 'string', length: 200, nullable: true })
  temporaryDifficulty?: string | null;

  /** When the temporary difficulty is expected to end: past it, the archive is due for re-verification. */
  @Property({ type: 'date', nullable: true })
  temporaryDifficultyUntil?: string | null;

  // 家庭生活条件
  @Property({ type: 'boolean', nullable: true })
  waterSafe?: boolean | null;

  @Property({ type: 'boolean', nullable: true })
  electricitySafe?: boolean | null;

  @Property({ type: 'boolean', nullable: true })
  housingSafe?: boolean | null;

  @Property({ type: new DecimalType('number'), precision: 12, scale: 2, nullable: true })
  householdMonthlyIncome?: number | null;

  @Property({ type: new DecimalType('number'), precision: 12, scale: 2, nullable: true })
  monthlyBenefits?: number | null;

  @Property({ type: 'string', length: 500, nullable: true })
  benefitsNote?: string | null;

  /** 意愿: false after a written refusal; the elder stays in the registry. */
  @Property({ type: 'boolean' })
  acceptsVisits: boolean = true;

  @Property({ type: 'string', length: 16 })
  status: ElderStatus = 'ACTIVE' as ElderStatus;

  @Property({ type: 'date', nullable: true })
  statusDate?: string | null;

  @Property({ type: 'string', length: 500, nullable: true })
  statusReason?: string | null;

  @Property({ type: 'datetime' })
  registeredAt: Date = new Date();

  @Property({ type: 'uuid', nullable: true })
  registeredBy?: string | null;

  @Property({ type: 'datetime' })
  updatedAt: Date = new Date();

  /**
   * 动态管理: the last day a person confirmed this archive (registration, a home visit, an edit, a survey result).
   * Written only by the database function mark_elders_verified and its triggers (see the dynamic-management
   * migration), never set here: the ORM writes only properties that changed, so it never overwrites it.
   */
  @Property({ type: 'date', nullable: true })
  lastVerifiedOn?: string | null;

  /** Optimistic lock: an update names the version it was based on; a stale one changes nothing. */
  @Property({ type: 'integer', version: true })
  version!: number;

  // Classification (written only by classification.service's set-based reclassify, read here for display).
  @Property({ type: 'string', length: 1, nullable: true })
  computedClass?: 'A' | 'B' | 'C' | null;

  @Property({ type: 'json' })
  classReasons: { code: string; text: string; textEn: string }[] = [];

  @Property({ type: 'string', length: 1, nullable: true, fieldName: 'class_at_80' })
  classAt80?: 'A' | 'B' | 'C' | null;

  @Property({ type: 'json', nullable: true, fieldName: 'class_reasons_at_80' })
  classReasonsAt80?: { code: string; text: string; textEn: string }[] | null;

  @Property({ type: 'date', nullable: true, fieldName: 'turns_80_on' })
  turns80On?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  classRuleVersion?: string | null;

  @Property({ type: 'datetime', nullable: true })
  classComputedAt?: Date | null;

  /** The agency record an incapacity level / disability / family-planning status came from; hand edits of them are refused (archive-governance.ts). */
  @Property({ type: 'string', length: 200, nullable: true })
  incapacitySource?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  disabilitySource?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  familyPlanningSource?: string | null;

  @OneToMany(() => ElderContact, (c) => c.elder, { orphanRemoval: true, cascade: [Cascade.PERSIST], orderBy: { position: 'asc' } })
  emergencyContacts = new Collection<ElderContact>(this);

  @OneToMany(() => HouseholdMember, (m) => m.elder, { orphanRemoval: true, cascade: [Cascade.PERSIST], orderBy: { position: 'asc' } })
  householdMembers = new Collection<HouseholdMember>(this);

  @OneToMany(() => HelpRecord, (h) => h.elder, { orphanRemoval: true, cascade: [Cascade.PERSIST], orderBy: { position: 'asc' } })
  helpRecords = new Collection<HelpRecord>(this);

  @OneToMany(() => Refusal, (r) => r.elder, { cascade: [Cascade.PERSIST], orderBy: { recordedAt: 'desc' } })
  refusals = new Collection<Refusal>(this);

  get regionCode(): string {
    return this.region.unwrap().code;
  }
}
