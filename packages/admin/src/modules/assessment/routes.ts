import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const assessmentRoutes: RouteRecordRaw[] = [
  {
    // 考核: the towns of the user's region ranked for a month (integrators see the aggregate version).
    path: 'assessment',
    name: 'assessment',
    component: () => import('./views/AssessmentView.vue'),
    meta: { scope: Scope.ReportRead, title: 'assessment.nav', icon: 'Trophy' },
  },
];
