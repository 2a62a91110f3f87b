import { DEFAULT_PROOF_LIMITS, type ProofLimits } from '../../config/env.js';
import type { RequestContext } from '../../graphql/context.js';
import type { FieldErrors } from '../../graphql/errors.js';
import { VisitFlag, type RecordVisitInput, type VisitProofInput } from './visits.types.js';

export function proofLimitsOf(ctx: Pick<RequestContext, 'proof'>): ProofLimits {
  return ctx.proof ?? { ...DEFAULT_PROOF_LIMITS };
}

/** A proof block ready to store: images decoded and checked. */
export interface CleanProof {
  visitorSignature: Buffer | null;
  elderSignature: Buffer | null;
  elderSigner: string | null;
  elderUnableReason: string | null;
  photo: Buffer | null;
  locationConsent: boolean;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
const KINDS = {
  png: { mime: 'image/png', magic: PNG_MAGIC, zh: 'PNG', en: 'PNG' },
  jpeg: { mime: 'image/jpeg', magic: JPEG_MAGIC, zh: 'JPEG', en: 'JPEG' },
} as const;

const kb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

/**
 * Decodes a data URL and checks that it is the image it claims by its first bytes (the MIME type in the URL is
 * whatever the client wrote), within `maxBytes` decoded. The length is judged from the base64 text before decoding,
 * so an oversize upload costs no allocation.
 */
function image(errors: FieldErrors, field: string, label: { zh: string; en: string }, value: string | null | undefined, kind: keyof typeof KINDS, maxBytes: number): Buffer | null {
  if (value == null || value === '') return null;
  const k = KINDS[kind];
  const prefix = `data:${k.mime};base64,`;
  const body = value.startsWith(prefix) ? value.slice(prefix.length) : null;
  if (body === null || !/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
    errors.add(field, `${label.zh}应为 ${k.zh} 图片（${prefix}…）`, `${label.en} must be a ${k.en} data URL (${prefix}...)`);
    return null;
  }
  const decodedLength = (body.length / 4) * 3 - (body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0);
  if (decodedLength > maxBytes) {
    errors.add(field, `${label.zh}过大（${kb(decodedLength)}），最大 ${kb(maxBytes)}，请重新拍摄或压缩`, `${label.en} is too large (${kb(decodedLength)}); at most ${kb(maxBytes)}`);
    return null;
  }
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length < k.magic.length + 4 || !bytes.subarray(0, k.magic.length).equals(k.magic)) {
    errors.add(field, `${label.zh}不是有效的 ${k.zh} 图片，请重新签名或拍摄`, `${label.en} is not a valid ${k.en} image`);
    return null;
  }
  return bytes;
}

/** Checks the proof block and the consent its GPS needs; adds every problem to `errors`. */
export function validateProof(errors: FieldErrors, input: RecordVisitInput, limits: ProofLimits): CleanProof | null {
  const p: VisitProofInput | null | undefined = input.proof;
  const gps = input.latitude != null || input.longitude != null;
  if (gps && !p?.locationConsent) {
    errors.add(
      'proof.locationConsent',
      '未经探访人员同意不能保存定位：请勾选“同意记录位置”，或不上传经纬度',
      'The GPS location is kept only with consent: set proof.locationConsent, or send no latitude/longitude',
    );
  }
  if (!p) return null;
  const visitorSignature = image(errors, 'proof.visitorSignature', { zh: '探访人员签字', en: 'visitorSignature' }, p.visitorSignature, 'png', limits.signatureBytes);
  const elderSignature = image(errors, 'proof.elderSignature', { zh: '被探访人签字', en: 'elderSignature' }, p.elderSignature, 'png', limits.signatureBytes);
  const photo = image(errors, 'proof.photo', { zh: '现场照片', en: 'photo' }, p.photo, 'jpeg', limits.photoBytes);
  const reason = p.elderUnableToSignReason?.trim() || null;
  const hasElderSignature = !!p.elderSignature;
  if (hasElderSignature && !p.elderSigner) {
    errors.add('proof.elderSigner', '请选择被探访人签字人：本人、家属或其他', 'Say who signed for the visited side (elderSigner)');
  }
  if (hasElderSignature && reason) {
    errors.add('proof.elderUnableToSignReason', '已有被探访人签字，不需填写无法签字的原因', 'There is an elder signature: give no reason for not signing');
  }
  // Signatures captured on screen without the elder's: the 探访记录表 asks why the visited side did not sign.
  const capturing = !!p.visitorSignature || !!p.elderSigner || p.elderUnableToSignReason != null;
  if (capturing && !hasElderSignature && !reason) {
    errors.add('proof.elderUnableToSignReason', '被探访人未签字时，请填写无法签字的原因', 'Without the elder’s signature, give the reason they could not sign');
  }
  if (reason && reason.length > 200) errors.add('proof.elderUnableToSignReason', '无法签字的原因最多 200 字', 'The reason is at most 200 characters');
  return {
    visitorSignature,
    elderSignature,
    elderSigner: hasElderSignature ? (p.elderSigner ?? null) : null,
    elderUnableReason: hasElderSignature ? null : reason,
    photo,
    locationConsent: !!p.locationConsent,
  };
}

/** The flags of a visit being recorded, in the enum's order. Distance is that of a home visit from the reference. */
export function flagsOf(
  input: { method: string; durationMinutes?: number | null },
  at: { visitedAt: Date; enteredAt: Date; distanceMeters: number | null; imported: boolean },
  limits: ProofLimits,
): VisitFlag[] {
  const flags: VisitFlag[] = [];
  if (input.method === 'HOME' && at.distanceMeters !== null && at.distanceMeters > limits.maxDistanceMeters) flags.push(VisitFlag.FAR_FROM_REFERENCE);
  // Imported paper records (importVisits) are transcriptions, late by nature: never LATE_ENTRY.
  if (!at.imported && at.enteredAt.getTime() - at.visitedAt.getTime() > limits.lateEntryHours * 3_600_000) flags.push(VisitFlag.LATE_ENTRY);
  if (input.method === 'HOME' && input.durationMinutes != null && input.durationMinutes < limits.minMinutes) flags.push(VisitFlag.SHORT_DURATION);
  return flags;
}

export function dataUrl(mime: 'image/png' | 'image/jpeg', bytes: Buffer | null): string | null {
  return bytes ? `data:${mime};base64,${bytes.toString('base64')}` : null;
}
