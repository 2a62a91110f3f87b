import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const standardRoutes: RouteRecordRaw[] = [
  {
    path: 'standards',
    name: 'standards',
    component: () => import('./views/StandardsView.vue'),
    meta: { scope: Scope.StandardRead, title: 'standards.nav', icon: 'Document' },
  },
];
