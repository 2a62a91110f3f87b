import { Scope } from '@tanfang/schema';

// The record kinds a partner agency may send (mirrors RECORD_KINDS in packages/api/src/modules/agencies/sync.kinds.ts
// and the inputs of sync.types.ts). A spreadsheet's header row names the columns by these GraphQL field names.

export type FieldType = 'string' | 'date' | 'int' | readonly string[];

export interface KindField {
  name: string;
  type: FieldType;
  required: boolean;
}

export interface RecordKindSpec {
  kind: RecordKindName;
  agency: 'POLICE' | 'HEALTH' | 'DISABILITY' | 'HOUSING';
  scope: string;
  fields: readonly KindField[];
}

export type RecordKindName =
  | 'RESIDENCE_CHANGE'
  | 'DEATH_REGISTRATION'
  | 'MISSING_PERSON'
  | 'INCIDENT'
  | 'ANTI_FRAUD_OUTREACH'
  | 'FAMILY_PLANNING_SPECIAL'
  | 'INCAPACITY_ASSESSMENT'
  | 'FAMILY_DOCTOR_CONTRACT'
  | 'HEALTH_CHECK'
  | 'CHRONIC_FOLLOW_UP'
  | 'DISABILITY_CERTIFICATE'
  | 'HOUSING_APPRAISAL'
  | 'HOUSING_RENOVATION';

const req = (name: string, type: FieldType = 'string'): KindField => ({ name, type, required: true });
const opt = (name: string, type: FieldType = 'string'): KindField => ({ name, type, required: false });

/** Every record carries these: the agency's own id and version, and whom it is about. */
export const BASE_FIELDS: readonly KindField[] = [req('externalId'), req('idNumber'), opt('name'), opt('regionCode'), opt('sourceVersion', 'int')];

const police = { agency: 'POLICE', scope: Scope.AgencyPoliceWrite } as const;
const health = { agency: 'HEALTH', scope: Scope.AgencyHealthWrite } as const;

export const RECORD_KINDS: readonly RecordKindSpec[] = [
  { kind: 'RESIDENCE_CHANGE', ...police, fields: [req('newRegionCode'), opt('newAddress'), req('movedOn', 'date')] },
  { kind: 'DEATH_REGISTRATION', ...police, fields: [req('diedOn', 'date'), opt('certificateNumber')] },
  { kind: 'MISSING_PERSON', ...police, fields: [req('reportedOn', 'date'), opt('foundOn', 'date')] },
  { kind: 'INCIDENT', ...police, fields: [req('incidentKind', ['ABUSE', 'FRAUD']), req('occurredOn', 'date'), req('summary')] },
  { kind: 'ANTI_FRAUD_OUTREACH', ...police, fields: [req('deliveredOn', 'date'), req('topic')] },
  { kind: 'FAMILY_PLANNING_SPECIAL', ...health, fields: [req('familyPlanningKind', ['ONLY_CHILD_DECEASED', 'ONLY_CHILD_DISABLED']), req('recognizedOn', 'date')] },
  { kind: 'INCAPACITY_ASSESSMENT', ...health, fields: [req('level', ['NONE', 'PARTIAL', 'FULL']), req('assessedOn', 'date')] },
  { kind: 'FAMILY_DOCTOR_CONTRACT', ...health, fields: [req('doctorName'), req('signedOn', 'date'), opt('expiresOn', 'date')] },
  { kind: 'HEALTH_CHECK', ...health, fields: [req('checkedOn', 'date'), opt('summary')] },
  { kind: 'CHRONIC_FOLLOW_UP', ...health, fields: [req('disease'), req('followedOn', 'date')] },
  {
    kind: 'DISABILITY_CERTIFICATE',
    agency: 'DISABILITY',
    scope: Scope.AgencyDisabilityWrite,
    fields: [
      req('certificateNumber'),
      req('category', ['VISUAL', 'HEARING', 'SPEECH', 'PHYSICAL', 'INTELLECTUAL', 'MENTAL', 'MULTIPLE']),
      req('grade', 'int'),
      req('issuedOn', 'date'),
      opt('cancelledOn', 'date'),
    ],
  },
  { kind: 'HOUSING_APPRAISAL', agency: 'HOUSING', scope: Scope.AgencyHousingWrite, fields: [req('grade', ['A', 'B', 'C', 'D']), req('appraisedOn', 'date')] },
  {
    kind: 'HOUSING_RENOVATION',
    agency: 'HOUSING',
    scope: Scope.AgencyHousingWrite,
    fields: [req('renovationKind', ['DANGEROUS_HOUSING', 'AGE_FRIENDLY']), req('status', ['PLANNED', 'IN_PROGRESS', 'DONE']), req('updatedOn', 'date')],
  },
];

export const WRITE_SCOPES = [...new Set(RECORD_KINDS.map((k) => k.scope))];

export function kindSpec(kind: string): RecordKindSpec | undefined {
  return RECORD_KINDS.find((k) => k.kind === kind);
}

/** All columns of a kind's spreadsheet, in template order. */
export function columnsOf(spec: RecordKindSpec): KindField[] {
  return [...BASE_FIELDS, ...spec.fields];
}
