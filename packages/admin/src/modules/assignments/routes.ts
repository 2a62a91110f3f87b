import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const assignmentRoutes: RouteRecordRaw[] = [
  {
    path: 'assignments',
    name: 'assignments',
    component: () => import('./views/AssignmentsView.vue'),
    meta: { scope: Scope.VisitRead, title: 'assignments.nav', icon: 'Connection' },
  },
];
