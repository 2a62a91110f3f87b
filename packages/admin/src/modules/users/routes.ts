import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const userRoutes: RouteRecordRaw[] = [
  {
    path: 'users',
    name: 'users',
    component: () => import('./views/UsersView.vue'),
    // Admins manage users; partner agencies (and admins) manage API keys on the same page.
    meta: { scope: [Scope.UserManage, Scope.ApiClientManage], title: 'users.nav', icon: 'User' },
  },
];
