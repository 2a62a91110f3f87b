import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../graphql/context.js';
import { executeBound } from '../../shared/bound-sql.js';
import type { FieldChange } from './audit-event.entity.js';

export const AuditAction = {
  Login: 'LOGIN',
  LoginFailed: 'LOGIN_FAILED',
  Logout: 'LOGOUT',
  ElderRead: 'ELDER_READ',
  ElderRegister: 'ELDER_REGISTER',
  ElderUpdate: 'ELDER_UPDATE',
  ElderClose: 'ELDER_CLOSE',
  ElderReopen: 'ELDER_REOPEN',
  RefusalRecord: 'REFUSAL_RECORD',
  RefusalWithdraw: 'REFUSAL_WITHDRAW',
  IdentityReveal: 'IDENTITY_REVEAL',
  /** A filtered elder list exported to a spreadsheet: one row with the filter, row count and (if revealed) purpose. */
  ElderExport: 'ELDER_EXPORT',
  ClassOverride: 'CLASS_OVERRIDE',
  ClassOverrideRevoke: 'CLASS_OVERRIDE_REVOKE',
  StandardCreate: 'STANDARD_CREATE',
  StandardRetire: 'STANDARD_RETIRE',
  CampaignCreate: 'CAMPAIGN_CREATE',
  CampaignCancel: 'CAMPAIGN_CANCEL',
  TeamCreate: 'TEAM_CREATE',
  VisitorCreate: 'VISITOR_CREATE',
  VisitorLeave: 'VISITOR_LEAVE',
  AssignmentChange: 'ASSIGNMENT_CHANGE',
  VisitRecord: 'VISIT_RECORD',
  /** Someone viewed the images of a visit's proof (signatures, photo): every view is recorded. */
  VisitProofRead: 'VISIT_PROOF_READ',
  /** The town set an elder's reference location (探访核查); the distance flags of their visits were recomputed. */
  ElderReferenceSet: 'ELDER_REFERENCE_SET',
  /** A spot-check sample (四不两直 抽查) drawn over a region and period, with its seed (no elder named: one row). */
  SpotCheckDraw: 'SPOT_CHECK_DRAW',
  /** A spot check's call-back result recorded for one visit. */
  SpotCheckRecord: 'SPOT_CHECK_RECORD',
  CareServiceRecord: 'CARE_SERVICE_RECORD',
  AlertRaise: 'ALERT_RAISE',
  AlertAcknowledge: 'ALERT_ACKNOWLEDGE',
  AlertRefer: 'ALERT_REFER',
  AlertResolve: 'ALERT_RESOLVE',
  /** The agency an alert was referred to answered it: accepted, declined (with the reason) or reported the outcome. */
  ReferralRespond: 'REFERRAL_RESPOND',
  AgencySync: 'AGENCY_SYNC',
  /** An agency (partner or service organisation) registered at a region, so its people and systems can be given access. */
  AgencyCreate: 'AGENCY_CREATE',
  ApiClientCreate: 'API_CLIENT_CREATE',
  ApiClientRevoke: 'API_CLIENT_REVOKE',
  CandidateEnroll: 'CANDIDATE_ENROLL',
  CandidateDismiss: 'CANDIDATE_DISMISS',
  TransferAccept: 'TRANSFER_ACCEPT',
  TransferReject: 'TRANSFER_REJECT',
  ConflictSettle: 'CONFLICT_SETTLE',
  ReportClose: 'REPORT_CLOSE',
  ReportAmend: 'REPORT_AMEND',
  /** The assessment (考核) of a region's towns exported to a spreadsheet: aggregated figures, one row per export. */
  AssessmentExport: 'ASSESSMENT_EXPORT',
  /** 报送: a region's figures of a period submitted upward (a version), approved or returned by the level above, or a due day set. */
  ReportSubmit: 'REPORT_SUBMIT',
  ReportApprove: 'REPORT_APPROVE',
  ReportReturn: 'REPORT_RETURN',
  ReportDueDaySet: 'REPORT_DUE_DAY_SET',
  /** The level above listed its regions' submissions (names of who submitted and decided). */
  ReportSubmissionsRead: 'REPORT_SUBMISSIONS_READ',
  AgencyViewRead: 'AGENCY_VIEW_READ',
  UserCreate: 'USER_CREATE',
  UserUpdate: 'USER_UPDATE',
  UserPasswordReset: 'USER_PASSWORD_RESET',
  UserDeactivate: 'USER_DEACTIVATE',
  SurveyRoundCreate: 'SURVEY_ROUND_CREATE',
  SurveyResultRecord: 'SURVEY_RESULT_RECORD',
  /** A ledger of visitors or teams (联系人名单, 组建队伍情况) exported: no elder in it, one row per export. */
  LedgerExport: 'LEDGER_EXPORT',
  /** An outbound webhook registered or deleted (issue 16): who, which URL and events; no elder. */
  WebhookCreate: 'WEBHOOK_CREATE',
  WebhookDelete: 'WEBHOOK_DELETE',
  /**
   * Audit retention (TANFANG_AUDIT_RETENTION_MONTHS): a month of the audit log detached, exported to a gzip CSV file
   * (path, rows, bytes, sha256 in the detail) and dropped; written by the job, no actor.
   */
  AuditArchive: 'AUDIT_ARCHIVE',
} as const;
export type AuditActionName = (typeof AuditAction)[keyof typeof AuditAction];

/** Changes to an archive (as opposed to reads): the archive's own history is made of these. */
export const ARCHIVE_CHANGE_ACTIONS: AuditActionName[] = [
  AuditAction.ElderRegister,
  AuditAction.ElderUpdate,
  AuditAction.ElderClose,
  AuditAction.ElderReopen,
  AuditAction.RefusalRecord,
  AuditAction.RefusalWithdraw,
  AuditAction.ClassOverride,
  AuditAction.ClassOverrideRevoke,
];

export interface AuditEntry {
  action: AuditActionName;
  elderId?: string | null;
  regionCode?: string | null;
  purpose?: string | null;
  changes?: FieldChange[] | null;
  detail?: Record<string, unknown> | null;
  /** For events before there is an actor (a failed login). */
  actorUsername?: string | null;
}

/**
 * Writes audit rows. Pass the transaction's EntityManager so a change and its audit row commit together:
 * there is no change without its row and no row without its change. One set-based statement for any number of rows
 * (insertAuditRows), so a 5,000-record import audits as cheaply as one change.
 */
export async function writeAudit(ctx: RequestContext, entries: AuditEntry[], em: EntityManager = ctx.em): Promise<void> {
  if (entries.length === 0) return;
  await insertAuditRows(em, entries.map((e) => auditRow(ctx, e)), false);
}

/**
 * The one insert of audit rows: every row in one JSON parameter (jsonb_to_recordset) sent as a bind value
 * (executeBound). Why not the ORM's insertMany: one parameter per value passes PostgreSQL's 65,535-parameter limit at
 * about 5,000 rows, and the ORM formats every parameter into the SQL text first (measured: 1.1 s of a 5,000-visit
 * import). `asyncCommit`: this transaction's commit does not wait for the disk flush (plain reads only, see
 * writeReadAudit).
 */
async function insertAuditRows(em: EntityManager, rows: ReturnType<typeof auditRow>[], asyncCommit: boolean): Promise<void> {
  await executeBound(
    em,
    `insert into audit_event (at, actor_id, actor_username, actor_role, action, elder_id, region_code, county_code, purpose, changes, detail, request_id, ip)
     select r.at, r."actorId", r."actorUsername", r."actorRole", r.action, r."elderId", r."regionCode", r."countyCode", r.purpose,
            r.changes, r.detail, r."requestId", r.ip
       from ${asyncCommit ? `(select set_config('synchronous_commit', 'off', true)) as local_setting,` : ''}
            jsonb_to_recordset(?::jsonb) as r(at timestamptz, "actorId" uuid, "actorUsername" text, "actorRole" text, action text,
              "elderId" uuid, "regionCode" text, "countyCode" text, purpose text, changes jsonb, detail jsonb, "requestId" text, ip text)`,
    [JSON.stringify(rows)],
  );
}

export function auditRow(ctx: RequestContext, e: AuditEntry) {
  const actor = ctx.actor;
  const region = e.regionCode ?? actor?.regionCode ?? null;
  return {
    at: ctx.now(),
    actorId: actor?.userId ?? null,
    actorUsername: actor?.username ?? e.actorUsername ?? null,
    actorRole: actor?.role ?? null,
    action: e.action,
    elderId: e.elderId ?? null,
    regionCode: region,
    countyCode: region && region.length >= 6 ? region.slice(0, 6) : null,
    purpose: e.purpose ?? null,
    changes: e.changes ?? null,
    detail: e.detail ?? null,
    requestId: ctx.meta.requestId,
    ip: ctx.meta.ip,
  };
}

/**
 * Audit rows of plain reads (an archive opened, an agency view served), in one statement whose commit does not wait
 * for the disk flush (synchronous_commit off for that transaction only). Every read still writes its row before the
 * answer is sent, and a failed write still fails the request; what is given up is only the last fraction of a second
 * of read rows if PostgreSQL itself crashes (at most three wal_writer_delay, 0.6 s by default). Under load a flush
 * per read would otherwise cost more than the read. Changes and identity reveals keep writeAudit: synchronous, in the
 * change's own transaction. Inside a transaction this falls back to writeAudit (the setting would cover it all).
 */
export async function writeReadAudit(ctx: RequestContext, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const em = ctx.em;
  if (em.isInTransaction()) return writeAudit(ctx, entries, em);
  await insertAuditRows(em, entries.map((e) => auditRow(ctx, e)), true);
}

/** Field-by-field difference of two snapshots (values compared as JSON). */
export function diffSnapshots(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const a = before[field] ?? null;
    const b = after[field] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ field, old: a, new: b });
  }
  return changes;
}
