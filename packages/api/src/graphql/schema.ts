// Decorators read design-time metadata: the polyfill must load before any decorated class.
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuditResolver } from '../modules/audit/audit.resolver.js';
import { AuthResolver } from '../modules/auth/auth.resolver.js';
import { ElderResolver } from '../modules/elders/elder.resolver.js';
import { RegionResolver } from '../modules/regions/region.resolver.js';
import { ClassificationResolver } from '../modules/classification/classification.resolver.js';
import { ComplianceResolver } from '../modules/compliance/compliance.resolver.js';
import { StandardsResolver } from '../modules/standards/standards.resolver.js';
import { TeamsResolver } from '../modules/teams/teams.resolver.js';
import { VisitsResolver } from '../modules/visits/visits.resolver.js';
import { VisitProofResolver } from '../modules/visits/visit-proof.resolver.js';
import { SpotChecksResolver } from '../modules/visits/spot-checks.resolver.js';
import { AlertsResolver } from '../modules/alerts/alerts.resolver.js';
import { AgenciesResolver } from '../modules/agencies/agencies.resolver.js';
import { ReportsResolver } from '../modules/reports/reports.resolver.js';
import { ReportSubmissionResolver } from '../modules/reports/reports.submission.resolver.js';
import { AgencyViewsResolver } from '../modules/agencies/agency-views.resolver.js';
import { ChangesResolver } from '../modules/changes/changes.resolver.js';
import { UsersResolver } from '../modules/users/users.resolver.js';
import { VisitImportResolver } from '../modules/imports/visit-import.resolver.js';
import { ElderImportResolver } from '../modules/imports/elder-import.resolver.js';
import { SurveyResolver } from '../modules/survey/survey.resolver.js';
import { LedgersResolver } from '../modules/ledgers/ledgers.resolver.js';
import { NotificationsResolver } from '../modules/notifications/notifications.resolver.js';
import { WebhooksResolver } from '../modules/webhooks/webhooks.resolver.js';
import { AssessmentResolver } from '../modules/assessment/assessment.resolver.js';
import { recordPersonalReads } from '../modules/audit/read-audit.js';
import { accessInWords, OPERATION_SCOPES } from '@tanfang/schema';
import { COMPILED_TYPES } from '../modules/elders/elder.queries.js';
import { serveCompiledObjects } from './compiled-objects.js';
import { ERROR_CODES_DOC, MUTATIONS_DOC } from './errors.js';

export const resolvers = [
  AuthResolver,
  RegionResolver,
  ElderResolver,
  AuditResolver,
  ClassificationResolver,
  StandardsResolver,
  ComplianceResolver,
  TeamsResolver,
  VisitsResolver,
  VisitProofResolver,
  SpotChecksResolver,
  AlertsResolver,
  AgenciesResolver,
  ReportsResolver,
  ReportSubmissionResolver,
  AgencyViewsResolver, ChangesResolver, UsersResolver,
  VisitImportResolver,
  ElderImportResolver,
  SurveyResolver,
  LedgersResolver,
  NotificationsResolver,
  WebhooksResolver,
  AssessmentResolver,
] as const;

let built: Promise<GraphQLSchema> | null = null;

/** The schema, built once per process. Validation lives in the services (bilingual field errors). */
export function appSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({ resolvers: [...resolvers], validate: false }).then(describeRoots).then(recordPersonalReads).then((s) => serveCompiledObjects(s, COMPILED_TYPES));
  return built;
}

/**
 * type-graphql gives the root types no description: the error codes are documented on `Query` (issue 19). Each root
 * field's description ends with who may call it, from the same declaration the explorer filters by (OPERATION_SCOPES).
 */
function describeRoots(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  if (query) query.description = ERROR_CODES_DOC;
  if (mutation) mutation.description = MUTATIONS_DOC;
  for (const root of [query, mutation]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const access = OPERATION_SCOPES[`${root!.name}.${field.name}`];
      if (access) field.description = [field.description?.trim(), accessInWords(access)].filter(Boolean).join(' ');
    }
  }
  return schema;
}

/** The committed contract: sorted, so that a diff shows only real changes. */
export async function printAppSchema(): Promise<string> {
  const header = '# The Tanfang GraphQL contract. Emitted by `pnpm schema:emit` from packages/api; do not edit by hand.\n\n';
  return header + printSchema(lexicographicSortSchema(await appSchema())) + '\n';
}
