import type { CareKind, DiseaseStatus, ElderSigner, VisitProofInput, HouseholdChange, RecordVisitInput, Safety, Satisfaction, Trend, VisitMethod } from '../../gql/graphql';
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
  /** A paper form signed (office entry of a paper record); drawn signatures below set these too. */
  visitorSigned: boolean;
  elderSigned: boolean;
  /** Proof of visit: signatures drawn on screen (PNG data URLs), who signed, or why the elder could not, a photo. */
  visitorSignature: string | null;
  elderSignature: string | null;
  elderSigner: ElderSigner | '';
  elderUnableToSign: boolean;
  elderUnableToSignReason: string;
  photo: string | null;
  /** The visitor agreed to record the location; without it the form sends no coordinates. */
  locationConsent: boolean;
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
    visitorSignature: null,
    elderSignature: null,
    elderSigner: '',
    elderUnableToSign: false,
    elderUnableToSignReason: '',
    photo: null,
    locationConsent: false,
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
    // Coordinates go only with the visitor's ticked consent: the API refuses them otherwise (issue 14).
    latitude: f.locationConsent ? f.latitude : null,
    longitude: f.locationConsent ? f.longitude : null,
    proof: proofInput(f),
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
    visitorSigned: f.visitorSigned || f.visitorSignature !== null,
    elderSigned: f.elderSigned || f.elderSignature !== null,
    satisfaction: orNull(f.satisfaction),
    notes: text(f.notes),
  };
}

/** The proof block, or null when the visitor captured nothing (an office entry of a paper record). */
export function proofInput(f: VisitFormState): VisitProofInput | null {
  const located = f.locationConsent && f.latitude !== null;
  const unable = f.elderUnableToSign && f.elderSignature === null;
  if (!f.visitorSignature && !f.elderSignature && !unable && !f.photo && !located) return null;
  return {
    visitorSignature: f.visitorSignature,
    elderSignature: f.elderSignature,
    // Who signed is asked only when someone did; the elder is the usual signer.
    elderSigner: f.elderSignature ? ((f.elderSigner || 'ELDER') as ElderSigner) : null,
    elderUnableToSignReason: unable ? text(f.elderUnableToSignReason) : null,
    photo: f.photo,
    locationConsent: located || null,
  };
}
