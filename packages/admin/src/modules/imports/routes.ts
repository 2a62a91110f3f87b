import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

// Batch imports of what offices keep in spreadsheets: the registry (needs elder write) and past visits (needs
// recording visits for any elder of the jurisdiction).
export const importRoutes: RouteRecordRaw[] = [
  {
    path: 'imports/elders',
    name: 'import-elders',
    component: () => import('./views/ImportView.vue'),
    props: { kind: 'elders' },
    meta: { scope: Scope.ElderWrite, title: 'imports.nav.elders', icon: 'DocumentAdd' },
  },
  {
    path: 'imports/visits',
    name: 'import-visits',
    component: () => import('./views/ImportView.vue'),
    props: { kind: 'visits' },
    meta: { scope: Scope.VisitCreate, title: 'imports.nav.visits', icon: 'Tickets' },
  },
];
