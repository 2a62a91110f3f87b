import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const agencyDataRoutes: RouteRecordRaw[] = [
  {
    path: 'survey',
    name: 'survey',
    component: () => import('./views/SurveyView.vue'),
    meta: { scope: Scope.AgencyDataSettle, title: 'agencyData.surveyNav', icon: 'Connection' },
  },
  {
    path: 'agency-data',
    name: 'agency-data',
    component: () => import('./views/AgencyDataView.vue'),
    meta: { scope: [Scope.AgencyViewRead, Scope.AgencyRecordsRead], title: 'agencyData.recordsNav', icon: 'Upload' },
  },
];
