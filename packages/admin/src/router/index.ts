import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { authRoutes } from '../modules/auth/routes';
import { alertRoutes } from '../modules/alerts/routes';
import { dashboardRoutes } from '../modules/dashboard/routes';
import { elderRoutes } from '../modules/elders/routes';
import { reportRoutes } from '../modules/reports/routes';
import { assessmentRoutes } from '../modules/assessment/routes';
import { userRoutes } from '../modules/users/routes';
import { auditRoutes } from '../modules/audit/routes';
import { agencyDataRoutes } from '../modules/agency-data/routes';
import { assignmentRoutes } from '../modules/assignments/routes';
import { standardRoutes } from '../modules/standards/routes';
import { importRoutes } from '../modules/imports/routes';
import { surveyRoutes } from '../modules/survey/routes';
import { outboxRoutes } from '../modules/outbox/routes';
import { visitCheckRoutes } from '../modules/visit-checks/routes';
import { worklistRoutes } from '../modules/visits/routes';
import { ledgerPrintRoutes, ledgerRoutes } from '../modules/ledgers/routes';
import { notificationRoutes } from '../modules/notifications/routes';
import { webhookRoutes } from '../modules/webhooks/routes';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without logging in. */
    public?: boolean;
    /** The scope the page needs (a list: any one of them); the menu hides pages whose scope the user lacks. */
    scope?: string | readonly string[];
    /** i18n key of the menu entry. */
    title?: string;
    /** Element Plus icon name. */
    icon?: string;
    /** A titled page reached from elsewhere (the header's bell), not from the menu. */
    hideInMenu?: boolean;
  }
}

/** Pages in the main menu, in order. Each domain module contributes its own routes. */
export const menuRoutes: RouteRecordRaw[] = [...worklistRoutes, ...dashboardRoutes, ...elderRoutes, ...alertRoutes, ...reportRoutes, ...assessmentRoutes, ...ledgerRoutes, ...assignmentRoutes, ...standardRoutes, ...importRoutes, ...agencyDataRoutes, ...surveyRoutes, ...visitCheckRoutes, ...outboxRoutes, ...userRoutes, ...webhookRoutes, ...auditRoutes, ...notificationRoutes];

const routes: RouteRecordRaw[] = [
  ...authRoutes,
  // Print pages: the forms alone, outside the console's layout.
  ...ledgerPrintRoutes,
  {
    path: '/',
    component: () => import('../layouts/DefaultLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('../layouts/HomeView.vue') },
      ...menuRoutes,
    ],
  },
  { path: '/:pathMatch(.*)*', redirect: { name: 'home' } },
];

export const router = createRouter({ history: createWebHistory(), routes });
