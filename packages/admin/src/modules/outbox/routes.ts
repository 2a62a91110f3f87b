import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const outboxRoutes: RouteRecordRaw[] = [
  {
    path: 'outbox',
    name: 'outbox',
    component: () => import('./views/OutboxView.vue'),
    meta: { scope: [Scope.VisitCreate, Scope.VisitCreateAssigned], title: 'outbox.nav', icon: 'Upload' },
  },
];
