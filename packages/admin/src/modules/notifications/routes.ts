import type { RouteRecordRaw } from 'vue-router';

export const notificationRoutes: RouteRecordRaw[] = [
  {
    path: 'notifications',
    name: 'notifications',
    component: () => import('./views/NotificationsView.vue'),
    // Everyone has notifications (their own): no scope. Opened from the bell in the header, not the menu.
    meta: { title: 'notifications.nav', hideInMenu: true },
  },
];
