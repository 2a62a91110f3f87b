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
  {
    // 四不两直 spot checks: civil affairs above the village draws visits and calls the elders back.
    path: 'spot-checks',
    name: 'spot-checks',
    component: () => import('./views/SpotChecksView.vue'),
    meta: { scope: Scope.VisitSpotCheck, title: 'visitChecks.spot.nav', icon: 'PhoneFilled' },
  },
];
