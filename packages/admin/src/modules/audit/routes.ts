import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const auditRoutes: RouteRecordRaw[] = [
  {
    path: 'audit',
    name: 'audit',
    component: () => import('./views/AuditLogView.vue'),
    meta: { scope: Scope.AuditRead, title: 'audit.nav', icon: 'Document' },
  },
];
