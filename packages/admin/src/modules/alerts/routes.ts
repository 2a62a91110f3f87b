import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const alertRoutes: RouteRecordRaw[] = [
  {
    path: 'alerts',
    name: 'alerts',
    component: () => import('./views/AlertQueueView.vue'),
    meta: { scope: Scope.AlertRead, title: 'alerts.nav', icon: 'Bell' },
  },
];
