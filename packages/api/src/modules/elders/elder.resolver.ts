import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { today, type RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import { LocalDate } from '../../graphql/scalars.js';
import { maskCertificateNumber, maskIdNumber, maskPhone } from '../../shared/masking.js';
import type { Region } from '../regions/region.entity.js';
import { RegionType } from '../regions/region.types.js';
import { Elder } from './elder.entity.js';
import { Circumstance } from './elder.enums.js';
import {
  CloseElderInput,
  ElderFilter,
  ElderSort,
  RecordRefusalInput,
  RegisterElderInput,
  UpdateElderInput,
  WithdrawRefusalInput,
} from './elder.inputs.js';
import type { CompiledObject } from './elder.queries.js';
import { ElderService, type ElderIdentity } from './elder.service.js';
import {
  ArchiveChangeConnection,
  ArchiveChangeType,
  DisabilityType,
  ElderConnection,
  ElderIdentityType,
  ElderType,
  EmergencyContactType,
  HelpRecordType,
  HouseholdMemberType,
  LivingConditionsType,
  RefusalType,
} from './elder.types.js';
import { ageOn } from './id-number.js';
import { lagTolerant } from '../../shared/read-replica.js';

@Resolver(() => ElderType)
export class ElderResolver {
  @Query(() => ElderConnection, { description: 'Elders in your jurisdiction, filtered and sorted (default: by name).' })
  elders(
    @Arg('filter', () => ElderFilter, { nullable: true, description: 'Which elders; omitted: every elder of your jurisdiction (active and closed alike unless the filter says).' }) filter: ElderFilter | null,
    @Arg('sort', () => ElderSort, { nullable: true, description: 'The order; omitted: by name.' }) sort: ElderSort | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Elder> | CompiledObject> {
    return lagTolerant(ctx, (readCtx) => new ElderService(readCtx).listFor(info, filter, sort, page.first, page.after));
  }

  @Query(() => ElderType, { description: 'One archive. NOT_FOUND if missing or outside your jurisdiction. The read is audited.' })
  elder(@Arg('id', () => ID, { description: 'The archive’s id.' }) id: string, @Ctx() ctx: RequestContext, @Info() info: GraphQLResolveInfo): Promise<Elder | CompiledObject> {
    return new ElderService(ctx).getFor(info, id);
  }

  @Mutation(() => ElderIdentityType, {
    description: 'The full ID and phone numbers of one elder, for a stated purpose (2-200 characters). Audited with the purpose.',
  })
  revealElderIdentity(
    @Arg('elderId', () => ID, { description: 'The elder whose full ID and phone numbers to show.' }) elderId: string,
    @Arg('purpose', () => String, { description: 'Why you need them (2 to 200 characters), kept in the audit log with the reveal.' }) purpose: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ElderIdentity> {
    return new ElderService(ctx).reveal(elderId, purpose);
  }

  @Mutation(() => ElderType, {
    description:
      'Register an elder (建档). BAD_USER_INPUT lists every wrong field in `extensions.fieldErrors`; CONFLICT if the ID number already has an archive.',
  })
  registerElder(@Arg('input', () => RegisterElderInput, { description: 'The archive; every wrong field is listed at once (BAD_USER_INPUT fieldErrors).' }) input: RegisterElderInput, @Ctx() ctx: RequestContext): Promise<Elder> {
    return new ElderService(ctx).register(input);
  }

  @Mutation(() => ElderType, { description: 'Change an archive. `version` is the one you read; if someone saved since, CONFLICT and nothing changes.' })
  updateElder(
    @Arg('id', () => ID, { description: 'The archive’s id.' }) id: string,
    @Arg('version', () => Int, { description: 'The archive `version` you read; if someone saved since, CONFLICT and nothing changes.' }) version: number,
    @Arg('input', () => UpdateElderInput, { description: 'Only the fields given change; every wrong field is listed at once.' }) input: UpdateElderInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Elder> {
    return new ElderService(ctx).update(id, version, input);
  }

  @Mutation(() => ElderType, { description: 'Close an archive (death, move, admission to an institution). Archives are never deleted.' })
  closeElder(
    @Arg('id', () => ID, { description: 'The archive’s id.' }) id: string,
    @Arg('version', () => Int, { description: 'The archive `version` you read; if someone saved since, CONFLICT and nothing changes.' }) version: number,
    @Arg('input', () => CloseElderInput, { description: 'Why and when the archive is closed.' }) input: CloseElderInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Elder> {
    return new ElderService(ctx).close(id, version, input);
  }

  @Mutation(() => ElderType, { description: 'Reopen a closed archive (a mistaken closure), with a reason.' })
  reopenElder(
    @Arg('id', () => ID, { description: 'The archive’s id.' }) id: string,
    @Arg('version', () => Int, { description: 'The archive `version` you read; if someone saved since, CONFLICT and nothing changes.' }) version: number,
    @Arg('reason', () => String, { description: 'Why, in words (required; kept in the audit log).' }) reason: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Elder> {
    return new ElderService(ctx).reopen(id, version, reason);
  }

  @Mutation(() => ElderType, { description: 'Record a written refusal of visiting service; the elder stays in the registry.' })
  recordRefusal(
    @Arg('elderId', () => ID, { description: 'The elder refusing visits.' }) elderId: string,
    @Arg('version', () => Int, { description: 'The archive `version` you read; if someone saved since, CONFLICT and nothing changes.' }) version: number,
    @Arg('input', () => RecordRefusalInput, { description: 'The written refusal: reason, date and who talked to the elder.' }) input: RecordRefusalInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Elder> {
    return new ElderService(ctx).recordRefusal(elderId, version, input);
  }

  @Mutation(() => ElderType, { description: 'The elder now accepts visits: closes the standing refusal.' })
  withdrawRefusal(
    @Arg('elderId', () => ID, { description: 'The elder who now accepts visits.' }) elderId: string,
    @Arg('version', () => Int, { description: 'The archive `version` you read; if someone saved since, CONFLICT and nothing changes.' }) version: number,
    @Arg('input', () => WithdrawRefusalInput, { description: 'When and why the refusal ends.' }) input: WithdrawRefusalInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Elder> {
    return new ElderService(ctx).withdrawRefusal(elderId, version, input);
  }

  // ------------------------------------------------------------ fields that need a decision or a load

  @FieldResolver(() => String, { description: 'Masked: 440783********1234. See `revealElderIdentity`.' })
  idNumber(@Root() elder: Elder): string {
    return maskIdNumber(elder.idNumber)!;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Masked: 138****5678. See `revealElderIdentity`.' })
  phone(@Root() elder: Elder): string | null {
    return maskPhone(elder.phone);
  }

  @FieldResolver(() => Int, { description: 'Age in whole years (周岁) on `asOf` (default today).' })
  age(@Root() elder: Elder, @Arg('asOf', () => LocalDate, { nullable: true, description: 'The day to count the age on (YYYY-MM-DD); omitted: today (China time).' }) asOf: string | null, @Ctx() ctx: RequestContext): number {
    return ageOn(elder.birthDate, asOf ?? today(ctx));
  }

  @FieldResolver(() => RegionType, { description: 'The village or community.' })
  region(@Root() elder: Elder): Promise<Region> {
    return elder.region.load() as Promise<Region>;
  }

  @FieldResolver(() => [Circumstance], { description: 'Recorded circumstances plus derived ones (AGED_80_PLUS, SEVERELY_DISABLED).' })
  circumstances(@Root() elder: Elder, @Ctx() ctx: RequestContext): Circumstance[] {
    const list = [...elder.circumstances];
    if (ageOn(elder.birthDate, today(ctx)) >= 80) list.push(Circumstance.AGED_80_PLUS);
    if (elder.disabilityGrade && elder.disabilityGrade <= 2) list.push(Circumstance.SEVERELY_DISABLED);
    return list;
  }

  @FieldResolver(() => DisabilityType, { nullable: true, description: '残疾情况: certificate, category and grade; null when not disabled.' })
  disability(@Root() elder: Elder): DisabilityType | null {
    if (!elder.disabilityCategory && !elder.disabilityGrade && !elder.disabilityCertificateNumber) return null;
    return {
      certificateNumber: maskCertificateNumber(elder.disabilityCertificateNumber),
      category: elder.disabilityCategory ?? null,
      grade: elder.disabilityGrade ?? null,
      severe: !!elder.disabilityGrade && elder.disabilityGrade <= 2,
    };
  }

  @FieldResolver(() => LivingConditionsType, { description: '家庭生活条件: water, electricity and housing safety, monthly income and benefits (yuan).' })
  livingConditions(@Root() elder: Elder): LivingConditionsType {
    return {
      waterSafe: elder.waterSafe,
      electricitySafe: elder.electricitySafe,
      housingSafe: elder.housingSafe,
      householdMonthlyIncome: elder.householdMonthlyIncome,
      monthlyBenefits: elder.monthlyBenefits,
      benefitsNote: elder.benefitsNote,
    };
  }

  @FieldResolver(() => [EmergencyContactType], { description: 'Children first, then relatives, then the village committee.' })
  async emergencyContacts(@Root() elder: Elder, @Ctx() ctx: RequestContext): Promise<EmergencyContactType[]> {
    const rows = await new ElderService(ctx).contactsOf(elder.id);
    return rows.map((c) => ({ id: c.id, kind: c.kind as EmergencyContactType['kind'], name: c.name, relation: c.relation, phone: maskPhone(c.phone)! }));
  }

  @FieldResolver(() => [HouseholdMemberType], { description: '家庭成员, ID numbers masked.' })
  async householdMembers(@Root() elder: Elder, @Ctx() ctx: RequestContext): Promise<HouseholdMemberType[]> {
    const rows = await new ElderService(ctx).householdOf(elder.id);
    return rows.map((m) => ({
      id: m.id,
      name: m.name,
      gender: m.gender as HouseholdMemberType['gender'],
      idNumber: maskIdNumber(m.id_number),
      relation: m.relation,
      health: m.health,
      assistance: m.assistance as HouseholdMemberType['assistance'],
    }));
  }

  @FieldResolver(() => [HelpRecordType], { description: '已享受帮扶: the help the elder already receives.' })
  async helpReceived(@Root() elder: Elder): Promise<HelpRecordType[]> {
    const items = await elder.helpRecords.load();
    return items.getItems().map((h) => ({ id: h.id, unitType: h.unitType, unitName: h.unitName, measures: h.measures }));
  }

  @FieldResolver(() => [RefusalType], { description: 'Written refusals, newest first.' })
  async refusals(@Root() elder: Elder): Promise<RefusalType[]> {
    const items = await elder.refusals.load();
    return items.getItems();
  }

  @FieldResolver(() => ArchiveChangeConnection, { description: 'Every change to this archive, newest first (from the audit log).' })
  history(@Root() elder: Elder, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<ArchiveChangeType>> {
    return new ElderService(ctx).history(elder, page.first, page.after);
  }
}

