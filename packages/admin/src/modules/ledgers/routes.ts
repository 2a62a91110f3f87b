import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

/** 台账 in the console's menu: pick a region and a period, download the lists, open the batch prints. */
export const ledgerRoutes: RouteRecordRaw[] = [
  {
    path: 'ledgers',
    name: 'ledgers',
    component: () => import('./views/LedgersView.vue'),
    meta: { scope: Scope.VisitRead, title: 'ledgers.nav', icon: 'Notebook' },
  },
];

/**
 * The print page sits outside the console's layout: what prints is the forms alone (no menu, header or sidebar),
 * one A4 sheet each. Query: form=registration&elder=<id> | form=registration&village=<code>
 * | form=visit&visit=<id> | form=visit&village=<code>&from=<day>&to=<day>.
 */
export const ledgerPrintRoutes: RouteRecordRaw[] = [
  {
    path: '/ledgers/print',
    name: 'ledger-print',
    component: () => import('./views/LedgerPrintView.vue'),
    meta: { scope: [Scope.ElderRead, Scope.VisitRead] },
  },
];
