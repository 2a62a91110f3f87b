import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const reportRoutes: RouteRecordRaw[] = [
  {
    path: 'reports',
    name: 'reports',
    component: () => import('./views/ReportView.vue'),
    meta: { scope: Scope.ReportRead, title: 'reports.nav', icon: 'Document' },
  },
  // 报送: right under the statistics table in the menu. Town operators submit; civil affairs above also approve.
  {
    path: 'reports/submissions',
    name: 'report-submissions',
    component: () => import('./views/SubmissionsView.vue'),
    meta: { scope: Scope.ReportSubmit, title: 'submissions.nav', icon: 'Promotion' },
  },
];
