import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';
import { visitRoutes } from '../visits/routes';

export const elderRoutes: RouteRecordRaw[] = [
  {
    path: 'elders',
    name: 'elders',
    component: () => import('./views/ElderListView.vue'),
    meta: { scope: Scope.ElderRead, title: 'nav.elders', icon: 'User' },
  },
  // Pages reached from the list, not from the menu (no title).
  { path: 'elders/new', name: 'elder-new', component: () => import('./views/ElderRegisterView.vue'), meta: { scope: Scope.ElderWrite } },
  { path: 'elders/:id', name: 'elder-detail', component: () => import('./views/ElderDetailView.vue'), meta: { scope: Scope.ElderRead } },
  { path: 'elders/:id/edit', name: 'elder-edit', component: () => import('./views/ElderEditView.vue'), meta: { scope: Scope.ElderWrite } },
  ...visitRoutes,
];
