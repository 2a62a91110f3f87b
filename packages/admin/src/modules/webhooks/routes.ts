import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const webhookRoutes: RouteRecordRaw[] = [
  {
    path: 'webhooks',
    name: 'webhooks',
    component: () => import('./views/WebhooksView.vue'),
    // Partner agencies and integrators manage their own; civil-affairs admins read their jurisdiction's.
    meta: { scope: [Scope.WebhookManage, Scope.WebhookRead], title: 'webhooks.nav', icon: 'Promotion' },
  },
];
