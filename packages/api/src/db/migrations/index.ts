import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122000001_registry } from './Migration20261122000001_registry.js';
import { Migration20261123000001_visits } from './Migration20261123000001_visits.js';
import { Migration20261123000002_agencies } from './Migration20261123000002_agencies.js';
import { Migration20261123000003_reports } from './Migration20261123000003_reports.js';
import { Migration20261123000004_report_rollup } from './Migration20261123000004_report_rollup.js';
import { Migration20261124000001_compliance_snapshot } from './Migration20261124000001_compliance_snapshot.js';
import { Migration20261124000002_list_indexes } from './Migration20261124000002_list_indexes.js';
import { Migration20261124000003_statement_triggers } from './Migration20261124000003_statement_triggers.js';
import { Migration20261124000004_visit_children } from './Migration20261124000004_visit_children.js';
import { Migration20261124000005_snapshot_invalidation } from './Migration20261124000005_snapshot_invalidation.js';
import { Migration20261124000006_town_index_include } from './Migration20261124000006_town_index_include.js';
import { Migration20261124000007_refresh_pending } from './Migration20261124000007_refresh_pending.js';
import { Migration20261204000100_change_feed_order } from './Migration20261204000100_change_feed_order.js';
import { Migration20261204000300_login_attempts } from './Migration20261204000300_login_attempts.js';
import { Migration20261204000500_governance } from './Migration20261204000500_governance.js';
import { Migration20261204001000_import_batches } from './Migration20261204001000_import_batches.js';
import { Migration20261204002000_visit_import } from './Migration20261204002000_visit_import.js';
import { Migration20261204004000_dynamic_management } from './Migration20261204004000_dynamic_management.js';
import { Migration20261204004001_survey_rounds } from './Migration20261204004001_survey_rounds.js';
import { Migration20261204007000_visit_proof } from './Migration20261204007000_visit_proof.js';
import { Migration20261205011000_report_rollup_elder } from './Migration20261205011000_report_rollup_elder.js';

/** Every migration, in order. Listed rather than discovered so that src (tests) and dist (start) agree. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261122000001_registry', class: Migration20261122000001_registry },
  { name: 'Migration20261123000001_visits', class: Migration20261123000001_visits },
  { name: 'Migration20261123000002_agencies', class: Migration20261123000002_agencies },
  { name: 'Migration20261123000003_reports', class: Migration20261123000003_reports },
  { name: 'Migration20261123000004_report_rollup', class: Migration20261123000004_report_rollup },
  { name: 'Migration20261124000001_compliance_snapshot', class: Migration20261124000001_compliance_snapshot },
  { name: 'Migration20261124000002_list_indexes', class: Migration20261124000002_list_indexes },
  { name: 'Migration20261124000003_statement_triggers', class: Migration20261124000003_statement_triggers },
  { name: 'Migration20261124000004_visit_children', class: Migration20261124000004_visit_children },
  { name: 'Migration20261124000005_snapshot_invalidation', class: Migration20261124000005_snapshot_invalidation },
  { name: 'Migration20261124000006_town_index_include', class: Migration20261124000006_town_index_include },
  { name: 'Migration20261124000007_refresh_pending', class: Migration20261124000007_refresh_pending },
  { name: 'Migration20261204000100_change_feed_order', class: Migration20261204000100_change_feed_order },
  { name: 'Migration20261204000300_login_attempts', class: Migration20261204000300_login_attempts },
  { name: 'Migration20261204000500_governance', class: Migration20261204000500_governance },
  { name: 'Migration20261204001000_import_batches', class: Migration20261204001000_import_batches },
  { name: 'Migration20261204002000_visit_import', class: Migration20261204002000_visit_import },
  { name: 'Migration20261204004000_dynamic_management', class: Migration20261204004000_dynamic_management },
  { name: 'Migration20261204004001_survey_rounds', class: Migration20261204004001_survey_rounds },
  { name: 'Migration20261204007000_visit_proof', class: Migration20261204007000_visit_proof },
  { name: 'Migration20261205011000_report_rollup_elder', class: Migration20261205011000_report_rollup_elder },
];
