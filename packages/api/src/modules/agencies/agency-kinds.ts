import type { RoleName } from '@tanfang/schema';

export type AgencyKind = 'POLICE' | 'HEALTH' | 'DISABILITY' | 'HOUSING' | 'SOCIAL_WORK' | 'COUNSELLING' | 'LEGAL_AID' | 'CIVIL_AFFAIRS';

export const AGENCY_KINDS: readonly AgencyKind[] = ['POLICE', 'HEALTH', 'DISABILITY', 'HOUSING', 'SOCIAL_WORK', 'COUNSELLING', 'LEGAL_AID', 'CIVIL_AFFAIRS'];

export const AGENCY_NAMES: Record<AgencyKind, string> = {
  POLICE: '公安局',
  HEALTH: '卫生健康局',
  DISABILITY: '残疾人联合会',
  HOUSING: '住房和城乡建设局',
  SOCIAL_WORK: '社会工作服务中心',
  COUNSELLING: '心理服务中心',
  LEGAL_AID: '司法局法律援助中心',
  CIVIL_AFFAIRS: '民政局',
};

/**
 * The role an agency's users and API clients act with: the role has the kind's name. Civil affairs users have their
 * own roles. Partners (police, health, disability, housing) sync records and read a duty view; service organisations
 * (social work, counselling, legal aid) only answer the alerts referred to them.
 */
export const ROLE_OF_AGENCY: Partial<Record<AgencyKind, RoleName>> = {
  POLICE: 'POLICE',
  HEALTH: 'HEALTH',
  DISABILITY: 'DISABILITY',
  HOUSING: 'HOUSING',
  SOCIAL_WORK: 'SOCIAL_WORK',
  COUNSELLING: 'COUNSELLING',
  LEGAL_AID: 'LEGAL_AID',
};

export const AGENCY_OF_ROLE: Partial<Record<RoleName, AgencyKind>> = {
  POLICE: 'POLICE',
  HEALTH: 'HEALTH',
  DISABILITY: 'DISABILITY',
  HOUSING: 'HOUSING',
  SOCIAL_WORK: 'SOCIAL_WORK',
  COUNSELLING: 'COUNSELLING',
  LEGAL_AID: 'LEGAL_AID',
};

/** Roles that work for an agency (a user of one needs an agency of the same kind). */
export const AGENCY_ROLES: ReadonlySet<string> = new Set(Object.keys(AGENCY_OF_ROLE));

/**
 * Where `referAlert(to:)` sends an alert (the `Referral` enum, older than the service organisations, names the
 * professional) → the agency kind that receives and answers it. Every referral target has an agency kind, so every
 * referral has somebody at the other end.
 */
export const AGENCY_OF_REFERRAL = {
  SOCIAL_WORKER: 'SOCIAL_WORK',
  COUNSELLOR: 'COUNSELLING',
  LEGAL_AID: 'LEGAL_AID',
  HEALTH: 'HEALTH',
  HOUSING: 'HOUSING',
  POLICE: 'POLICE',
  DISABILITY: 'DISABILITY',
} as const satisfies Record<string, AgencyKind>;

export type ReferralTarget = keyof typeof AGENCY_OF_REFERRAL;

/** The referral value an agency kind answers (null for civil affairs, who refer rather than receive). */
export function referralOfAgency(kind: string): ReferralTarget | null {
  const found = (Object.keys(AGENCY_OF_REFERRAL) as ReferralTarget[]).find((r) => AGENCY_OF_REFERRAL[r] === kind);
  return found ?? null;
}
