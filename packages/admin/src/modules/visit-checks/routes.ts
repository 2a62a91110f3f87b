import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const visitCheckRoutes: RouteRecordRaw[] = [
  {
    path: 'visit-checks',
    name: 'visit-checks',
    component: () => import('./views/VisitChecksView.vue'),
    // The page lists flagged visits (visit.read) and shows their images: it is for those who may see the images.
    meta: { scope: Scope.VisitProofRead, title: 'visitChecks.nav', icon: 'Stamp' },
  },
];
