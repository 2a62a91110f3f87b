import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const elderRoutes: RouteRecordRaw[] = [
  {
    path: 'elders',
    name: 'elders',
    component: () => import('./views/ElderListView.vue'),
    meta: { scope: Scope.ElderRead, title: 'nav.elders', icon: 'User' },
  },
];
