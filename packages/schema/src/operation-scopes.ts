import { Scope, type ScopeName } from './scopes.js';

/**
 * Who may call each root operation, declared once (issue 19): the API explorer's introspection answers each caller a
 * schema holding only the operations its scopes allow (packages/api/src/graphql/scoped-schema.ts), and each root
 * field's description names them. Execution does not read this table: the services check their scopes themselves
 * (`requireScope`), and `tests/api/operations.scopes.test.ts` proves the two agree — every role bundle calls every
 * root field, and a role this table leaves out must be refused FORBIDDEN for a scope, a role it lets in must not be.
 * A new root field without an entry fails that test (and is hidden from every caller's explorer: deny by default).
 */

/** No sign-in needed (logging in, asking who one is, logging out). */
export const ANYONE = 'anyone' as const;
/** Any signed-in caller, whatever its scopes (its own notifications, the role table). */
export const SIGNED_IN = 'signed-in' as const;

/** Any one of the scopes lets a caller call the operation; or ANYONE; or SIGNED_IN. */
export type OperationAccess = readonly ScopeName[] | typeof ANYONE | typeof SIGNED_IN;

/** Keyed by root type and field, `Query.elders`, `Mutation.createUser`. */
export const OPERATION_SCOPES: Readonly<Record<string, OperationAccess>> = {
  'Query.auditLog': [Scope.AuditRead],
  'Query.me': ANYONE,
  'Query.elders': [Scope.ElderRead],
  'Query.elder': [Scope.ElderRead],
  'Query.regions': [Scope.RegionRead],
  'Query.searchRegions': [Scope.RegionRead],
  'Query.region': [Scope.RegionRead],
  'Query.overdueElders': [Scope.VisitRead],
  'Query.myWorklist': [Scope.VisitRead],
  'Query.visitRate': [Scope.VisitRead],
  'Query.visitorWorkload': [Scope.VisitRead],
  'Query.visitorWorkloads': [Scope.VisitRead],
  'Query.visitStandards': [Scope.StandardRead],
  'Query.campaigns': [Scope.StandardRead],
  'Query.teams': [Scope.VisitRead],
  'Query.visitors': [Scope.VisitRead],
  'Query.unassignedElders': [Scope.VisitRead],
  'Query.visits': [Scope.VisitRead],
  'Query.visitProof': [Scope.VisitProofRead],
  'Query.visitFlagThresholds': [Scope.VisitRead],
  'Query.spotCheckDraw': [Scope.VisitSpotCheck],
  'Query.spotChecks': [Scope.VisitSpotCheck],
  'Query.spotCheckRates': [Scope.VisitSpotCheck],
  'Query.alerts': [Scope.AlertRead],
  'Query.agencies': [Scope.RegionRead],
  'Query.apiClients': [Scope.ApiClientManage],
  'Query.agencyRecords': [Scope.AgencyViewRead, Scope.AgencyRecordsRead],
  'Query.candidates': [Scope.AgencyDataSettle],
  'Query.transfers': [Scope.AgencyDataSettle],
  'Query.dataConflicts': [Scope.AgencyDataSettle],
  'Query.report': [Scope.ReportRead],
  'Query.reportSubmission': [Scope.ReportSubmit, Scope.ReportApprove],
  'Query.reportSubmissions': [Scope.ReportApprove],
  'Query.reportSubmissionPeriods': [Scope.ReportSubmit, Scope.ReportApprove],
  'Query.reportDueDays': [Scope.ReportSchedule],
  'Query.agencyElders': [Scope.AgencyViewRead],
  'Query.referredAlerts': [Scope.AlertReadReferred],
  'Query.changes': [Scope.ChangesRead],
  'Query.users': [Scope.UserManage],
  'Query.roles': SIGNED_IN,
  'Query.reverificationDue': [Scope.ElderRead],
  'Query.reverificationSummary': [Scope.ElderRead],
  'Query.surveyRounds': [Scope.SurveyRecord],
  'Query.surveyRound': [Scope.SurveyRecord],
  'Query.surveyTasks': [Scope.SurveyRecord],
  'Query.surveyProgress': [Scope.SurveyRecord],
  'Query.registrationForms': [Scope.ElderRead],
  'Query.visitRecordForms': [Scope.VisitRead],
  'Query.notifications': SIGNED_IN,
  'Query.unreadNotificationCount': SIGNED_IN,
  'Query.webhookSubscriptions': [Scope.WebhookManage, Scope.WebhookRead],
  'Query.webhookDeliveries': [Scope.WebhookManage, Scope.WebhookRead],
  'Query.assessment': [Scope.ReportRead],
  'Mutation.login': ANYONE,
  'Mutation.logout': ANYONE,
  'Mutation.revealElderIdentity': [Scope.ElderRevealIdentity],
  'Mutation.registerElder': [Scope.ElderWrite],
  'Mutation.updateElder': [Scope.ElderWrite],
  'Mutation.closeElder': [Scope.ElderWrite],
  'Mutation.reopenElder': [Scope.ElderWrite],
  'Mutation.recordRefusal': [Scope.ElderWrite],
  'Mutation.withdrawRefusal': [Scope.ElderWrite],
  'Mutation.overrideElderClass': [Scope.ClassOverride],
  'Mutation.revokeClassOverride': [Scope.ClassOverride],
  'Mutation.createVisitStandard': [Scope.StandardWrite],
  'Mutation.adoptVisitStandard': [Scope.StandardWrite],
  'Mutation.retireVisitStandard': [Scope.StandardWrite],
  'Mutation.createCampaign': [Scope.StandardWrite],
  'Mutation.cancelCampaign': [Scope.StandardWrite],
  'Mutation.createTeam': [Scope.TeamWrite],
  'Mutation.createVisitor': [Scope.TeamWrite],
  'Mutation.assignVisitor': [Scope.TeamWrite],
  'Mutation.unassignVisitor': [Scope.TeamWrite],
  'Mutation.reassignVisitor': [Scope.TeamWrite],
  'Mutation.recordVisit': [Scope.VisitCreate, Scope.VisitCreateAssigned],
  'Mutation.recordCareService': [Scope.VisitCreate, Scope.VisitCreateAssigned],
  'Mutation.setElderReferenceLocation': [Scope.ElderWrite],
  'Mutation.drawSpotChecks': [Scope.VisitSpotCheck],
  'Mutation.recordSpotCheck': [Scope.VisitSpotCheck],
  'Mutation.raiseAlert': [Scope.AlertHandle],
  'Mutation.acknowledgeAlert': [Scope.AlertHandle],
  'Mutation.referAlert': [Scope.AlertHandle],
  'Mutation.resolveAlert': [Scope.AlertHandle],
  'Mutation.respondToReferral': [Scope.AlertRespondReferred],
  'Mutation.createAgency': [Scope.UserManage],
  'Mutation.createApiClient': [Scope.ApiClientManage],
  'Mutation.revokeApiClient': [Scope.ApiClientManage],
  'Mutation.syncResidenceChanges': [Scope.AgencyPoliceWrite],
  'Mutation.syncDeathRegistrations': [Scope.AgencyPoliceWrite],
  'Mutation.syncMissingPersonReports': [Scope.AgencyPoliceWrite],
  'Mutation.syncIncidents': [Scope.AgencyPoliceWrite],
  'Mutation.syncAntiFraudOutreach': [Scope.AgencyPoliceWrite],
  'Mutation.syncResidentRoll': [Scope.AgencyPoliceWrite],
  'Mutation.syncFamilyPlanningFamilies': [Scope.AgencyHealthWrite],
  'Mutation.syncIncapacityAssessments': [Scope.AgencyHealthWrite],
  'Mutation.syncFamilyDoctorContracts': [Scope.AgencyHealthWrite],
  'Mutation.syncHealthChecks': [Scope.AgencyHealthWrite],
  'Mutation.syncChronicFollowUps': [Scope.AgencyHealthWrite],
  'Mutation.syncDisabilityCertificates': [Scope.AgencyDisabilityWrite],
  'Mutation.syncHousingAppraisals': [Scope.AgencyHousingWrite],
  'Mutation.syncHousingRenovations': [Scope.AgencyHousingWrite],
  'Mutation.enrollCandidate': [Scope.AgencyDataSettle],
  'Mutation.dismissCandidate': [Scope.AgencyDataSettle],
  'Mutation.acceptTransfer': [Scope.AgencyDataSettle],
  'Mutation.rejectTransfer': [Scope.AgencyDataSettle],
  'Mutation.settleDataConflict': [Scope.AgencyDataSettle],
  'Mutation.closeReportPeriod': [Scope.ReportClose],
  'Mutation.amendReportPeriod': [Scope.ReportClose],
  'Mutation.submitReport': [Scope.ReportSubmit],
  'Mutation.approveReport': [Scope.ReportApprove],
  'Mutation.returnReport': [Scope.ReportApprove],
  'Mutation.setReportDueDay': [Scope.ReportSchedule],
  'Mutation.createUser': [Scope.UserManage],
  'Mutation.updateUser': [Scope.UserManage],
  'Mutation.resetUserPassword': [Scope.UserManage],
  'Mutation.deactivateUser': [Scope.UserManage],
  'Mutation.importVisits': [Scope.VisitCreate],
  'Mutation.importElders': [Scope.ElderWrite],
  'Mutation.createSurveyRound': [Scope.SurveyRun],
  'Mutation.refreshSurveyRound': [Scope.SurveyRun],
  'Mutation.recordSurveyResult': [Scope.SurveyRecord],
  'Mutation.markNotificationsRead': SIGNED_IN,
  'Mutation.createWebhookSubscription': [Scope.WebhookManage],
  'Mutation.deleteWebhookSubscription': [Scope.WebhookManage],
};

/**
 * Whether a caller may call an operation: `scopes` null is an anonymous caller. An operation without a declaration is
 * nobody's (deny by default).
 */
export function mayCall(access: OperationAccess | undefined, scopes: ReadonlySet<string> | null): boolean {
  if (access === undefined) return false;
  if (access === ANYONE) return true;
  if (scopes === null) return false;
  if (access === SIGNED_IN) return true;
  return access.some((scope) => scopes.has(scope));
}

/** The declaration in words, as each root field's description ends. */
export function accessInWords(access: OperationAccess): string {
  if (access === ANYONE) return 'Who may call it: anyone, no sign-in needed.';
  if (access === SIGNED_IN) return 'Who may call it: any signed-in caller.';
  return `Who may call it: scope ${access.map((s) => `\`${s}\``).join(' or ')}.`;
}
