import type { CareKind, DiseaseStatus, HouseholdChange, RecordVisitInput, Safety, Satisfaction, Trend, VisitMethod } from '../../gql/graphql';
import { chinaDateTime, fromChinaWallClock } from '../../format/time';

export { chinaDate } from '../../format/time';

/** The 探访关爱服务记录表 as the form edits it. Empty strings are "not filled in" (radio values cannot be null). */
export interface VisitFormState {
  method: VisitMethod | '';
  /**
   * China wall-clock time, YYYY-MM-DD HH:mm, as the picker shows it: a phone set to another zone still enters the
   * time a person in China read off the clock (a Date here would be read in the device's zone).
   */
  visitedAt: string;
  durationMinutes: number | null;
  location: string;
  latitude: number | null;
  longitude: number | null;
  visitorId: string;
  campaignId: string;
  householdChange: HouseholdChange | '';
  householdChangeCount: number | null;
  expression: Trend | '';
  mobility: Trend | '';
  disease: DiseaseStatus | '';
  diseaseName: string;
  mood: Trend | '';
  gasSafety: Safety | '';
  waterHeatingSafety: Safety | '';
  electricitySafety: Safety | '';
  housingUnsafe: 'yes' | 'no' | '';
  unattended: 'yes' | 'no' | '';
  personalHygiene: Trend | '';
  homeHygiene: Trend | '';
  indoorEnvironment: Trend | '';
  serviceNeeds: string;
  careSuggestions: string;
  careServices: { kind: CareKind; content: string; deliveredOn: string | null }[];
  visitorSigned: boolean;
  elderSigned: boolean;
  satisfaction: Satisfaction | '';
  notes: string;
}

export function emptyVisitForm(): VisitFormState {
  return {
    method: '',
    visitedAt: chinaNow(),
    durationMinutes: null,
    location: '',
    latitude: null,
    longitude: null,
    visitorId: '',
    campaignId: '',
    householdChange: '',
    householdChangeCount: null,
    expression: '',
    mobility: '',
    disease: '',
    diseaseName: '',
    mood: '',
    gasSafety: '',
    waterHeatingSafety: '',
    electricitySafety: '',
    housingUnsafe: '',
    unattended: '',
    personalHygiene: '',
    homeHygiene: '',
    indoorEnvironment: '',
    serviceNeeds: '',
    careSuggestions: '',
    careServices: [],
    visitorSigned: false,
    elderSigned: false,
    satisfaction: '',
    notes: '',
  };
}

/**
 * A key per opening of the form: a double click or a retry after a lost answer records the visit once. Built from
 * getRandomValues where randomUUID is missing (it needs a secure context; an office LAN may serve plain http).
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Now as a China wall-clock time, the picker's format (YYYY-MM-DD HH:mm). */
export function chinaNow(): string {
  return chinaDateTime(new Date());
}

/** The instant of the form's visit time (China wall clock), or null when it is not a time. */
export function visitedAtInstant(f: Pick<VisitFormState, 'visitedAt'>): Date | null {
  return fromChinaWallClock(f.visitedAt);
}

const text = (s: string) => s.trim() || null;
const orNull = <T extends string>(v: T | '') => (v === '' ? null : v);
const bool = (v: 'yes' | 'no' | '') => (v === '' ? null : v === 'yes');

export function visitInput(f: VisitFormState, elderId: string, idempotencyKey: string): RecordVisitInput {
  const changed = f.householdChange === 'INCREASED' || f.householdChange === 'DECREASED';
  return {
    elderId,
    idempotencyKey,
    method: f.method as VisitMethod,
    visitedAt: (visitedAtInstant(f) ?? new Date()).toISOString(),
    durationMinutes: f.durationMinutes,
    location: text(f.location),
    latitude: f.latitude,
    longitude: f.longitude,
    // The form's "get location" button is the visitor's own act: the API keeps GPS only with this consent (issue 14).
    proof: f.latitude !== null ? { locationConsent: true } : null,
    visitorId: f.visitorId || null,
    campaignId: f.campaignId || null,
    householdChange: orNull(f.householdChange),
    householdChangeCount: changed ? f.householdChangeCount : null,
    expression: orNull(f.expression),
    mobility: orNull(f.mobility),
    disease: orNull(f.disease),
    diseaseName: f.disease ? text(f.diseaseName) : null,
    mood: orNull(f.mood),
    gasSafety: orNull(f.gasSafety),
    waterHeatingSafety: orNull(f.waterHeatingSafety),
    electricitySafety: orNull(f.electricitySafety),
    housingUnsafe: bool(f.housingUnsafe),
    unattended: bool(f.unattended),
    personalHygiene: orNull(f.personalHygiene),
    homeHygiene: orNull(f.homeHygiene),
    indoorEnvironment: orNull(f.indoorEnvironment),
    serviceNeeds: text(f.serviceNeeds),
    careSuggestions: text(f.careSuggestions),
    careServices: f.careServices.map((s) => ({ kind: s.kind, content: text(s.content), deliveredOn: s.deliveredOn || null })),
    visitorSigned: f.visitorSigned,
    elderSigned: f.elderSigned,
    satisfaction: orNull(f.satisfaction),
    notes: text(f.notes),
  };
}
