import type { RoleName } from '@tanfang/schema';

export type AgencyKind = 'POLICE' | 'HEALTH' | 'DISABILITY' | 'HOUSING' | 'CIVIL_AFFAIRS';

export const AGENCY_NAMES: Record<AgencyKind, string> = {
  POLICE: '公安局',
  HEALTH: '卫生健康局',
  DISABILITY: '残疾人联合会',
  HOUSING: '住房和城乡建设局',
  CIVIL_AFFAIRS: '民政局',
};

/** The role a partner agency's users and API clients act with. Civil affairs users have their own roles. */
export const ROLE_OF_AGENCY: Partial<Record<AgencyKind, RoleName>> = {
  POLICE: 'POLICE',
  HEALTH: 'HEALTH',
  DISABILITY: 'DISABILITY',
  HOUSING: 'HOUSING',
};

export const AGENCY_OF_ROLE: Partial<Record<RoleName, AgencyKind>> = {
  POLICE: 'POLICE',
  HEALTH: 'HEALTH',
  DISABILITY: 'DISABILITY',
  HOUSING: 'HOUSING',
};
