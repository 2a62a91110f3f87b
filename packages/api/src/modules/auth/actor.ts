import { scopesOf, type RoleName, type ScopeName } from '@tanfang/schema';

/** Who is making a request: the only identity services ever see. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: RoleName;
  scopes: ReadonlySet<ScopeName>;
  /** Root of the actor's jurisdiction (a region code at any level). */
  regionCode: string;
  /** The partner agency the user or API client acts for (null for civil-affairs users). */
  agencyId: string | null;
  /** An API client (a partner system), not a person. */
  apiClient: boolean;
}

export function actorFor(user: {
  id: string;
  username: string;
  displayName: string;
  role: RoleName;
  regionCode: string;
  agencyId?: string | null;
  apiClient?: boolean;
}): Actor {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    scopes: new Set(scopesOf(user.role)),
    regionCode: user.regionCode,
    agencyId: user.agencyId ?? null,
    apiClient: user.apiClient ?? false,
  };
}
