import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000001_registry } from './Migration20261122000001_registry.js';

/** Every migration, in order. Listed rather than discovered so that src (tests) and dist (start) agree. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122000001_registry', class: Migration20261122000001_registry },
];
