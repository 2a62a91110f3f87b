/**
 * Scopes are what the code checks; roles are only named bundles of scopes (the OpenCRVS idiom).
 * The API enforces scopes; the admin console reads the same table only to hide what a user cannot use.
 *
 * Naming: `<area>.<action>[:<reach>]`. The reach says how far a scope goes:
 *   - `jurisdiction`: inside the user's region subtree (every user has one)
 *   - `aggregate`: counts only, never a person
 * Deny by default: a role that does not list a scope does not have it.
 */
export const Scope = {
  /** Read the region tree (names and codes, no personal data). */
  RegionRead: 'region.read',
  /** List and open elders' archives in the user's region subtree (identity masked). */
  ElderRead: 'elder.read:jurisdiction',
  /** Register, edit, close and reopen archives, record refusals, in the user's region subtree. */
  ElderWrite: 'elder.write:jurisdiction',
  /** Reveal a full ID number or phone number, with a stated purpose, audited. */
  ElderRevealIdentity: 'elder.identity.reveal:jurisdiction',
  /** Read the audit log of the user's region subtree. */
  AuditRead: 'audit.read:jurisdiction',
  /** Aggregated, de-identified figures only. */
  ReportRead: 'report.read:aggregate',
  /** Override an elder's computed class A/B/C, with a reason and an expiry. */
  ClassOverride: 'class.override:jurisdiction',
  /** Read visit standards, templates and campaigns. */
  StandardRead: 'standard.read',
  /** Raise the visit standard of a region subtree, adopt templates, open and cancel campaigns. */
  StandardWrite: 'standard.write:jurisdiction',
  /** Keep teams and visitors, assign and reassign visitors to elders. */
  TeamWrite: 'team.write:jurisdiction',
  /** Read visit records, compliance, overdue lists, worklists and visit rates. */
  VisitRead: 'visit.read:jurisdiction',
  /**
   * See the images of a visit's proof (signatures drawn on screen, the photo), each view audited: the town checking
   * visits (探访核查) and civil affairs above it; not visitors (they captured them), partners or integrators.
   */
  VisitProofRead: 'visit.proof.read:jurisdiction',
  /**
   * 四不两直 spot checks (抽查回访): draw a reproducible sample of a period's visits, call the elders back and record
   * whether the visit happened, and read the verification rates. Civil affairs above the village (town operators and
   * admins): the checks supervise the village workers who made the visits, so those never check themselves.
   */
  VisitSpotCheck: 'visit.spotcheck:jurisdiction',
  /** Record visits for any elder in the jurisdiction (entering paper forms at the town or city). */
  VisitCreate: 'visit.create:jurisdiction',
  /** Record visits only for the elders the user's visitor record is assigned to. */
  VisitCreateAssigned: 'visit.create:assigned',
  /** See alerts whose elder is in the jurisdiction. */
  AlertRead: 'alert.read:jurisdiction',
  /** Raise, acknowledge, refer and resolve alerts in the jurisdiction. */
  AlertHandle: 'alert.handle:jurisdiction',
  /** Write the police's own records (residence changes, deaths, missing persons, incidents, anti-fraud outreach). */
  AgencyPoliceWrite: 'agency.police.write',
  /** Write health's own records (family-planning families, incapacity assessments, doctor contracts, checks, follow-ups). */
  AgencyHealthWrite: 'agency.health.write',
  /** Write the disability federation's own records (disability certificates). */
  AgencyDisabilityWrite: 'agency.disability.write',
  /** Write housing's own records (safety appraisals, renovations). */
  AgencyHousingWrite: 'agency.housing.write',
  /** Read the agency's duty view of elders (fields fit for its duty, see AGENCY_VIEWS in the API) and its own records. */
  AgencyViewRead: 'agency.view:duty',
  /** Read alerts referred to the agency. */
  AlertReadReferred: 'alert.read:referred',
  /**
   * Answer an alert referred to the agency (转介反馈): accept it, decline it with a reason (it goes back to the town),
   * or report the outcome with its date. Every agency an alert can be referred to has it (partners and the service
   * organisations), nobody else: civil affairs handle alerts with alert.handle.
   */
  AlertRespondReferred: 'alert.respond:referred',
  /** Mirror changes inside one's view (`changes`). */
  ChangesRead: 'changes.read:view',
  /** Read every agency's records in the jurisdiction (civil affairs). */
  AgencyRecordsRead: 'agency.records.read:jurisdiction',
  /** Work the survey queue (candidates), accept transfers, settle data conflicts (civil affairs). */
  AgencyDataSettle: 'agency.data.settle:jurisdiction',
  /** Create and revoke API keys: for one's own agency, or (admins) any agency in the jurisdiction. */
  ApiClientManage: 'apiclient.manage',
  /** Close a reporting period of a region (freezing its figures) and amend a closed one, with a reason. */
  ReportClose: 'report.close:jurisdiction',
  /** Create, change, deactivate users and reset their passwords, in the user's region subtree (admins). */
  UserManage: 'user.manage:jurisdiction',
  /** 摸底排查: open survey rounds over a town or county of the jurisdiction (civil affairs above the village). */
  SurveyRun: 'survey.run:jurisdiction',
  /** 摸底排查: read rounds, task lists and progress, and record survey results, in the jurisdiction (team members). */
  SurveyRecord: 'survey.record:jurisdiction',
  /**
   * 报送: submit one's own region's figures for an ended period to the level above (town operators and civil affairs
   * above them, who report on to their own level above). Village workers do not report upward.
   */
  ReportSubmit: 'report.submit:jurisdiction',
  /**
   * 审核报送: approve or return what a region below one's own submitted (civil-affairs admins of the county or city:
   * the 民政局 the seeds' towns report to). Never one's own region: a report is judged by the level above.
   */
  ReportApprove: 'report.approve:jurisdiction',
  /** Set the day reports of a kind are due for a region subtree (civil-affairs admins, who receive them). */
  ReportSchedule: 'report.schedule:jurisdiction',
  /**
   * Outbound webhooks (issue 16): register, list and delete one's own subscriptions and read their delivery log.
   * Partner agencies' users and API keys (shared by the agency) and integrators (their own); never another owner's.
   */
  WebhookManage: 'webhook.manage',
  /** Read the webhook subscriptions and delivery logs of every owner in the jurisdiction (civil-affairs admins). */
  WebhookRead: 'webhook.read:jurisdiction',
} as const;

export type ScopeName = (typeof Scope)[keyof typeof Scope];

export const ALL_SCOPES: readonly ScopeName[] = Object.values(Scope);

export const Role = {
  /** City/county civil-affairs administrator (民政局): leads the work in the whole city. */
  Admin: 'ADMIN',
  /** Town/street operator (乡镇/街道). */
  TownOperator: 'TOWN_OPERATOR',
  /** Village/community worker and visitor (村/居委会, 探访员). */
  VillageWorker: 'VILLAGE_WORKER',
  /** Partner agencies. Their need-to-know views of elders come with the agencies module. */
  Police: 'POLICE',
  Health: 'HEALTH',
  Disability: 'DISABILITY',
  Housing: 'HOUSING',
  /**
   * Service organisations alerts are referred to (转介): 社会工作服务机构, 心理咨询/心理服务机构, 司法所/法律援助.
   * They see no archive: only the alerts referred to them, which they answer.
   */
  SocialWork: 'SOCIAL_WORK',
  Counselling: 'COUNSELLING',
  LegalAid: 'LEGAL_AID',
  /** Third-party integrator: aggregated figures only. */
  Integrator: 'INTEGRATOR',
  /** Checks who read or changed whose personal data. */
  Auditor: 'AUDITOR',
} as const;

export type RoleName = (typeof Role)[keyof typeof Role];

const registryWorker: ScopeName[] = [
  Scope.RegionRead,
  Scope.ElderRead,
  Scope.ElderWrite,
  Scope.ElderRevealIdentity,
  Scope.StandardRead,
  Scope.VisitRead,
  Scope.AlertRead,
  Scope.AlertHandle,
  Scope.SurveyRecord,
];

/** Civil affairs above the village: they organise the work, enter paper forms and keep the teams. */
const organiser: ScopeName[] = [
  ...registryWorker,
  Scope.StandardWrite,
  Scope.TeamWrite,
  Scope.VisitCreate,
  Scope.VisitProofRead,
  Scope.VisitSpotCheck,
  Scope.ReportRead,
  Scope.AgencyRecordsRead,
  Scope.AgencyDataSettle,
  Scope.ReportClose,
  Scope.SurveyRun,
  Scope.ReportSubmit,
];

/**
 * Partner agencies never get the civil-affairs view of archives: they read their duty view and the alerts referred
 * to them, and write only their own kind of records.
 */
const partnerAgency: ScopeName[] = [
  Scope.RegionRead,
  Scope.AgencyViewRead,
  Scope.AlertReadReferred,
  Scope.AlertRespondReferred,
  Scope.ChangesRead,
  Scope.ApiClientManage,
  Scope.WebhookManage,
];

/**
 * Service organisations (social work, counselling, legal aid) act only on the alerts referred to them: no duty view of
 * archives (they learn the elder's name and village from the referral), no change feed, no archive write. Their
 * systems may hold API keys like the partners'.
 */
const serviceOrganisation: ScopeName[] = [Scope.RegionRead, Scope.AlertReadReferred, Scope.AlertRespondReferred, Scope.ApiClientManage, Scope.WebhookManage];

export const ROLE_SCOPES: Readonly<Record<RoleName, readonly ScopeName[]>> = {
  ADMIN: [...organiser, Scope.ReportApprove, Scope.ReportSchedule, Scope.AuditRead, Scope.ClassOverride, Scope.ApiClientManage, Scope.ChangesRead, Scope.UserManage, Scope.WebhookRead],
  TOWN_OPERATOR: organiser,
  VILLAGE_WORKER: [...registryWorker, Scope.VisitCreateAssigned],
  POLICE: [...partnerAgency, Scope.AgencyPoliceWrite],
  HEALTH: [...partnerAgency, Scope.AgencyHealthWrite],
  DISABILITY: [...partnerAgency, Scope.AgencyDisabilityWrite],
  HOUSING: [...partnerAgency, Scope.AgencyHousingWrite],
  SOCIAL_WORK: serviceOrganisation,
  COUNSELLING: serviceOrganisation,
  LEGAL_AID: serviceOrganisation,
  INTEGRATOR: [Scope.RegionRead, Scope.ReportRead, Scope.WebhookManage],
  AUDITOR: [Scope.RegionRead, Scope.AuditRead],
};

export const ROLE_LABELS: Readonly<Record<RoleName, { zh: string; en: string }>> = {
  ADMIN: { zh: '民政管理员', en: 'Civil-affairs administrator' },
  TOWN_OPERATOR: { zh: '乡镇（街道）经办人', en: 'Town operator' },
  VILLAGE_WORKER: { zh: '村（居）工作人员', en: 'Village worker' },
  POLICE: { zh: '公安', en: 'Police' },
  HEALTH: { zh: '卫健', en: 'Health' },
  DISABILITY: { zh: '残联', en: 'Disability federation' },
  HOUSING: { zh: '住建', en: 'Housing' },
  SOCIAL_WORK: { zh: '社会工作服务机构', en: 'Social work service' },
  COUNSELLING: { zh: '心理服务机构', en: 'Counselling service' },
  LEGAL_AID: { zh: '司法所（法律援助）', en: 'Legal aid' },
  INTEGRATOR: { zh: '数据集成方', en: 'Integrator' },
  AUDITOR: { zh: '审计员', en: 'Auditor' },
};

export function scopesOf(role: RoleName): readonly ScopeName[] {
  return ROLE_SCOPES[role] ?? [];
}

export function isRole(value: string): value is RoleName {
  return Object.prototype.hasOwnProperty.call(ROLE_SCOPES, value);
}
