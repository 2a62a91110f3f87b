import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

// The home page of everyone who can read figures or visits: the menu puts it first, so HomeView lands here.
export const dashboardRoutes: RouteRecordRaw[] = [
  {
    path: 'dashboard',
    name: 'dashboard',
    component: () => import('./views/DashboardView.vue'),
    meta: { scope: [Scope.ReportRead, Scope.VisitRead], title: 'dashboard.nav', icon: 'DataLine' },
  },
];
