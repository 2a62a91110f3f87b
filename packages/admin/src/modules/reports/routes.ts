import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const reportRoutes: RouteRecordRaw[] = [
  {
    path: 'reports',
    name: 'reports',
    component: () => import('./views/ReportView.vue'),
    meta: { scope: Scope.ReportRead, title: 'reports.nav', icon: 'Document' },
  },
];
