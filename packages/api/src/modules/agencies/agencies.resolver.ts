import { Scope, type ScopeName } from '@tanfang/schema';
import { Arg, Args, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PageArgs, type ConnectionShape } from '../../graphql/pagination.js';
import type { Elder } from '../elders/elder.entity.js';
import { ElderType } from '../elders/elder.types.js';
import { AgenciesService } from './agencies.service.js';
import {
  AgencyKindEnum,
  AgencyRecordConnection,
  AgencyRecordType,
  AgencyType,
  ApiClientType,
  CandidateConnection,
  CandidateStatus,
  CandidateType,
  ConflictDecision,
  CreatedApiClientType,
  DataConflictConnection,
  DataConflictStatus,
  DataConflictType,
  EnrollCandidateInput,
  STATUS_STRING_DEPRECATION,
  TransferStatus,
  TransferType,
} from './agencies.types.js';
import { SyncService } from './sync.service.js';
import {
  AntiFraudOutreachBatch,
  ChronicFollowUpBatch,
  DeathRegistrationBatch,
  DisabilityCertificateBatch,
  FamilyDoctorContractBatch,
  FamilyPlanningFamilyBatch,
  HealthCheckBatch,
  HousingAppraisalBatch,
  HousingRenovationBatch,
  IncapacityAssessmentBatch,
  IncidentBatch,
  MissingPersonReportBatch,
  ResidenceChangeBatch,
  ResidentRollBatch,
  SyncResultType,
  type AgencyRecordBase,
} from './sync.types.js';

type Batch = { idempotencyKey: string; records: AgencyRecordBase[]; dryRun?: boolean | null };

@InputType({ description: 'Which agency records to list; every condition given must hold.' })
export class AgencyRecordFilter {
  @Field(() => String, { nullable: true, description: 'Only records of this kind (DISABILITY_CERTIFICATE, DEATH_REGISTRATION, ... as AgencyRecord.kind).' })
  kind?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only records matched to this archive.' })
  elderId?: string | null;
}

/** What every sync mutation's description says; the scope is named so the explorer's reader knows who may call it. */
const syncNote = (scope: ScopeName) =>
  `Up to 5,000 records; each is answered in order (CREATED, UPDATED, UNCHANGED, REJECTED with errors, CONFLICT for an older version) with its match (ELDER, CANDIDATE, NONE). Invalid records never block valid ones. A replay with the same idempotencyKey returns the stored answer; the same key with other records is CONFLICT. dryRun: true gives the same verdicts and writes nothing. Only the owning agency may call it (scope ${scope}; FORBIDDEN otherwise).`;

@Resolver()
export class AgenciesResolver {
  @Query(() => [AgencyType], { description: 'Agencies of your jurisdiction (a partner user: its own agency).' })
  agencies(@Ctx() ctx: RequestContext): Promise<AgencyType[]> {
    return new AgenciesService(ctx).agencies();
  }

  @Mutation(() => AgencyType, {
    description:
      'Register an agency at a region of your jurisdiction (scope user.manage): a partner (police, health, disability, housing) or a service organisation alerts are referred to (SOCIAL_WORK, COUNSELLING, LEGAL_AID), so that its people can be given accounts of its role and its systems API keys. One per kind and region (CONFLICT otherwise); not CIVIL_AFFAIRS. Audited (AGENCY_CREATE).',
  })
  createAgency(
    @Arg('kind', () => AgencyKindEnum, { description: 'The kind of agency or service organisation (one per kind and region).' }) kind: AgencyKindEnum,
    @Arg('regionCode', () => String, { description: 'The region it serves (inside your jurisdiction): it sees referrals of elders in that subtree.' }) regionCode: string,
    @Arg('name', () => String, { description: 'Its official name, e.g. 开平市社会工作服务中心 (2-100 characters).' }) name: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AgencyType> {
    return new AgenciesService(ctx).createAgency(kind, regionCode, name);
  }

  @Query(() => [ApiClientType], { description: "An agency's API keys (never the keys themselves)." })
  apiClients(@Arg('agencyId', () => ID, { description: 'The agency (Agency.id): your own, or (admins) any agency of your jurisdiction.' }) agencyId: string, @Ctx() ctx: RequestContext): Promise<ApiClientType[]> {
    return new AgenciesService(ctx).apiClients(agencyId);
  }

  @Mutation(() => CreatedApiClientType, { description: "Create an API key for a partner agency's system. The key is in this answer only." })
  createApiClient(@Arg('agencyId', () => ID, { description: 'The agency whose system will use the key: your own, or (admins) a partner agency of your jurisdiction.' }) agencyId: string, @Arg('name', () => String, { description: 'What the key is for, e.g. 残联业务系统 (2-100 characters).' }) name: string, @Ctx() ctx: RequestContext): Promise<CreatedApiClientType> {
    return new AgenciesService(ctx).createApiClient(agencyId, name);
  }

  @Mutation(() => ApiClientType, { description: 'Revoke an API key: from now on it is UNAUTHENTICATED.' })
  revokeApiClient(@Arg('id', () => ID, { description: 'The key (ApiClient.id).' }) id: string, @Ctx() ctx: RequestContext): Promise<ApiClientType> {
    return new AgenciesService(ctx).revokeApiClient(id);
  }

  @Query(() => AgencyRecordConnection, { description: 'Agency records: a partner agency sees its own; civil affairs every agency’s in its jurisdiction.' })
  agencyRecords(
    @Arg('filter', () => AgencyRecordFilter, { nullable: true, description: 'Which records (default: all you may read).' }) filter: AgencyRecordFilter | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<AgencyRecordType>> {
    return new AgenciesService(ctx).records(filter, page.first, page.after);
  }

  // ---- police
  @Mutation(() => SyncResultType, { description: `Police: residence changes. A move to another village proposes a transfer the receiving town accepts. ${syncNote(Scope.AgencyPoliceWrite)}` })
  syncResidenceChanges(@Arg('batch', () => ResidenceChangeBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('RESIDENCE_CHANGE', batch);
  }

  @Mutation(() => SyncResultType, { description: `Police: death registrations. Closes the archive from that date (requirements stop) and tells the visitor by an alert. ${syncNote(Scope.AgencyPoliceWrite)}` })
  syncDeathRegistrations(@Arg('batch', () => DeathRegistrationBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('DEATH_REGISTRATION', batch);
  }

  @Mutation(() => SyncResultType, { description: `Police: missing-person reports (an open one raises an urgent alert). ${syncNote(Scope.AgencyPoliceWrite)}` })
  syncMissingPersonReports(@Arg('batch', () => MissingPersonReportBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('MISSING_PERSON', batch);
  }

  @Mutation(() => SyncResultType, { description: `Police: abuse and fraud incidents (raise an urgent alert). ${syncNote(Scope.AgencyPoliceWrite)}` })
  syncIncidents(@Arg('batch', () => IncidentBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('INCIDENT', batch);
  }

  @Mutation(() => SyncResultType, { description: `Police: anti-fraud outreach given. ${syncNote(Scope.AgencyPoliceWrite)}` })
  syncAntiFraudOutreach(@Arg('batch', () => AntiFraudOutreachBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('ANTI_FRAUD_OUTREACH', batch);
  }

  @Mutation(() => SyncResultType, {
    description: `Police: the household-registration roll of residents aged 60+ (户籍老年人名册), one record per person (externalId: the police's own person key), with name and village. A person with an archive is matched (ELDER), never a candidate; survey rounds make a task of every roll person, and coverage = roll people surveyed ÷ roll people. ${syncNote(Scope.AgencyPoliceWrite)}`,
  })
  syncResidentRoll(@Arg('batch', () => ResidentRollBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('RESIDENT_ROLL', batch);
  }

  // ---- health
  @Mutation(() => SyncResultType, { description: `Health: family-planning special families (sets the circumstance; reclassifies). ${syncNote(Scope.AgencyHealthWrite)}` })
  syncFamilyPlanningFamilies(@Arg('batch', () => FamilyPlanningFamilyBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('FAMILY_PLANNING_SPECIAL', batch);
  }

  @Mutation(() => SyncResultType, { description: `Health: incapacity assessments (sets the level; reclassifies, naming the assessment in the reasons). ${syncNote(Scope.AgencyHealthWrite)}` })
  syncIncapacityAssessments(@Arg('batch', () => IncapacityAssessmentBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('INCAPACITY_ASSESSMENT', batch);
  }

  @Mutation(() => SyncResultType, { description: `Health: family-doctor contracts. ${syncNote(Scope.AgencyHealthWrite)}` })
  syncFamilyDoctorContracts(@Arg('batch', () => FamilyDoctorContractBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('FAMILY_DOCTOR_CONTRACT', batch);
  }

  @Mutation(() => SyncResultType, { description: `Health: annual health checks for 65+. ${syncNote(Scope.AgencyHealthWrite)}` })
  syncHealthChecks(@Arg('batch', () => HealthCheckBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('HEALTH_CHECK', batch);
  }

  @Mutation(() => SyncResultType, { description: `Health: chronic-disease follow-ups. ${syncNote(Scope.AgencyHealthWrite)}` })
  syncChronicFollowUps(@Arg('batch', () => ChronicFollowUpBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('CHRONIC_FOLLOW_UP', batch);
  }

  // ---- disability federation
  @Mutation(() => SyncResultType, {
    description: `Disability federation: certificates (the 20-character number is the ID number plus category and grade digits, checked). Sets the disability; reclassifies. ${syncNote(Scope.AgencyDisabilityWrite)}`,
  })
  syncDisabilityCertificates(@Arg('batch', () => DisabilityCertificateBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('DISABILITY_CERTIFICATE', batch);
  }

  // ---- housing
  @Mutation(() => SyncResultType, { description: `Housing: safety appraisals (grade C or D raises an alert). ${syncNote(Scope.AgencyHousingWrite)}` })
  syncHousingAppraisals(@Arg('batch', () => HousingAppraisalBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('HOUSING_APPRAISAL', batch);
  }

  @Mutation(() => SyncResultType, { description: `Housing: dangerous-housing renovation and age-friendly modification. ${syncNote(Scope.AgencyHousingWrite)}` })
  syncHousingRenovations(@Arg('batch', () => HousingRenovationBatch, { description: 'The records (up to 5,000), the idempotencyKey of this batch and, optionally, dryRun.' }) batch: Batch, @Ctx() ctx: RequestContext): Promise<SyncResultType> {
    return new SyncService(ctx).sync('HOUSING_RENOVATION', batch);
  }

  // ---- civil affairs: survey queue, transfers, conflicts
  @Query(() => CandidateConnection, { description: "The survey queue (摸排): people agencies reported who meet the criteria but have no archive, in a region subtree." })
  candidates(
    @Arg('regionCode', () => String, { nullable: true, description: 'A region subtree of your jurisdiction (default: your whole jurisdiction).' }) regionCode: string | null,
    @Arg('status', () => String, { nullable: true, description: 'PENDING, ENROLLED or DISMISSED.', deprecationReason: STATUS_STRING_DEPRECATION }) status: string | null,
    @Arg('statuses', () => [CandidateStatus], { nullable: true, description: 'Any of these (default: PENDING).' }) statuses: CandidateStatus[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<CandidateType>> {
    return new AgenciesService(ctx).candidates(regionCode, { status, statuses }, page.first, page.after);
  }

  @Mutation(() => ElderType, { description: 'Enroll a candidate: registers the archive (the registry’s rules apply) and links the agency records to it.' })
  enrollCandidate(@Arg('id', () => ID, { description: 'The candidate (Candidate.id), PENDING.' }) id: string, @Arg('input', () => EnrollCandidateInput, { description: 'The village and the name for the new archive.' }) input: EnrollCandidateInput, @Ctx() ctx: RequestContext): Promise<Elder> {
    return new AgenciesService(ctx).enrollCandidate(id, input);
  }

  @Mutation(() => CandidateType, { description: 'Dismiss a candidate, with the reason (not in difficulty, lives elsewhere, ...).' })
  dismissCandidate(@Arg('id', () => ID, { description: 'The candidate (Candidate.id), PENDING.' }) id: string, @Arg('reason', () => String, { description: 'Why they are not enrolled (2-500 characters).' }) reason: string, @Ctx() ctx: RequestContext): Promise<CandidateType> {
    return new AgenciesService(ctx).dismissCandidate(id, reason);
  }

  @Query(() => [TransferType], { description: 'Transfers into or out of your jurisdiction (default: PROPOSED).' })
  transfers(
    @Arg('status', () => String, { nullable: true, description: 'PROPOSED, ACCEPTED or REJECTED.', deprecationReason: STATUS_STRING_DEPRECATION }) status: string | null,
    @Arg('statuses', () => [TransferStatus], { nullable: true, description: 'Any of these (default: PROPOSED).' }) statuses: TransferStatus[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<TransferType[]> {
    return new AgenciesService(ctx).transfers({ status, statuses });
  }

  @Mutation(() => TransferType, { description: 'The receiving town accepts: the archive moves to the new village and its old assignments end.' })
  acceptTransfer(@Arg('id', () => ID, { description: 'The transfer (Transfer.id), PROPOSED, into your jurisdiction.' }) id: string, @Arg('note', () => String, { nullable: true, description: 'Optional note kept with the decision.' }) note: string | null, @Ctx() ctx: RequestContext): Promise<TransferType> {
    return new AgenciesService(ctx).decideTransfer(id, true, note);
  }

  @Mutation(() => TransferType, { description: 'The receiving town rejects, with a reason: nothing moves.' })
  rejectTransfer(@Arg('id', () => ID, { description: 'The transfer (Transfer.id), PROPOSED, into your jurisdiction.' }) id: string, @Arg('note', () => String, { description: 'Why it is rejected (required).' }) note: string, @Ctx() ctx: RequestContext): Promise<TransferType> {
    return new AgenciesService(ctx).decideTransfer(id, false, note);
  }

  @Query(() => DataConflictConnection, { description: 'Data conflicts for civil affairs to settle (default: OPEN).' })
  dataConflicts(
    @Arg('status', () => String, { nullable: true, description: 'OPEN or SETTLED.', deprecationReason: STATUS_STRING_DEPRECATION }) status: string | null,
    @Arg('statuses', () => [DataConflictStatus], { nullable: true, description: 'Any of these (default: OPEN).' }) statuses: DataConflictStatus[] | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<DataConflictType>> {
    return new AgenciesService(ctx).conflicts({ status, statuses }, page.first, page.after);
  }

  @Mutation(() => DataConflictType, { description: 'Settle a data conflict with a decision and a note on what was checked.' })
  settleDataConflict(
    @Arg('id', () => ID, { description: 'The conflict (DataConflict.id), OPEN.' }) id: string,
    @Arg('decision', () => ConflictDecision, { description: 'APPLY_AGENCY writes the agency value into the archive (and reclassifies), KEEP_ARCHIVE keeps it, CORRECTED_BY_HAND after correcting the archive yourself.' }) decision: ConflictDecision,
    @Arg('note', () => String, { description: 'What was checked (2-1000 characters).' }) note: string,
    @Ctx() ctx: RequestContext,
  ): Promise<DataConflictType> {
    return new AgenciesService(ctx).settleConflict(id, decision, note);
  }
}
