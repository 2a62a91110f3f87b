import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const alertRoutes: RouteRecordRaw[] = [
  {
    path: 'alerts',
    name: 'alerts',
    component: () => import('./views/AlertQueueView.vue'),
    meta: { scope: Scope.AlertRead, title: 'alerts.nav', icon: 'Bell' },
  },
  {
    // The partner's and service organisation's side of referrals: read them, accept, decline, report the outcome.
    path: 'referrals',
    name: 'referrals',
    component: () => import('./views/ReferralsView.vue'),
    meta: { scope: Scope.AlertRespondReferred, title: 'referrals.nav', icon: 'Promotion' },
  },
];
