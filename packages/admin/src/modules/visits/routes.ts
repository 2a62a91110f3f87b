import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';
import { useSession } from '../../composables/useSession';

/**
 * The visitor's home (我的探访任务): first in the menu for whoever records visits for their assigned elders, so a
 * village worker's login lands on it (HomeView opens the first page the user may see).
 */
export const worklistRoutes: RouteRecordRaw[] = [
  {
    path: 'worklist',
    name: 'worklist',
    component: () => import('./views/WorklistView.vue'),
    meta: { scope: Scope.VisitCreateAssigned, title: 'worklist.nav', icon: 'List' },
  },
];

/** The visit record form (探访关爱服务记录表), opened from an elder's page; not a menu entry. */
export const visitRoutes: RouteRecordRaw[] = [
  {
    path: 'elders/:id/visit',
    name: 'visit-new',
    component: () => import('./views/VisitRecordView.vue'),
    meta: { scope: Scope.VisitRead },
    // Either way of recording will do: for any elder of the jurisdiction, or for one's assigned elders.
    beforeEnter: (to) => {
      const session = useSession();
      return session.can(Scope.VisitCreate) || session.can(Scope.VisitCreateAssigned) ? true : { name: 'elder-detail', params: { id: String(to.params.id) } };
    },
  },
];
