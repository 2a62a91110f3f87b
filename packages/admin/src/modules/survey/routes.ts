import { Scope } from '@tanfang/schema';
import type { RouteRecordRaw } from 'vue-router';

export const surveyRoutes: RouteRecordRaw[] = [
  {
    path: 'survey-rounds',
    name: 'survey-rounds',
    component: () => import('./views/SurveyRoundsView.vue'),
    meta: { scope: Scope.SurveyRecord, title: 'survey.nav', icon: 'Checked' },
  },
  // Reached from the list and the dashboard, not from the menu (no title).
  { path: 'survey-rounds/:id', name: 'survey-round', component: () => import('./views/SurveyRoundView.vue'), meta: { scope: Scope.SurveyRecord } },
  { path: 'reverification', name: 'reverification', component: () => import('./views/ReverificationView.vue'), meta: { scope: Scope.ElderRead } },
];
