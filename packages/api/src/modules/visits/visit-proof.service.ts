import { Scope } from '@tanfang/schema';
import { requireScope, type RequestContext } from '../../graphql/context.js';
import { FieldErrors, notFound } from '../../graphql/errors.js';
import { isUuid } from '../../shared/ids.js';
import { inSubtree } from '../../shared/jurisdiction.js';
import { groupByKeys } from '../../shared/loaders.js';
import { pgArray, toDate } from '../../shared/sql.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import { Elder } from '../elders/elder.entity.js';
import { dataUrl, proofLimitsOf } from './visits.proof.js';
import { ReferenceLocationSource, type ElderSigner, type ReferenceLocationType, type VisitProofImagesType } from './visits.types.js';

interface ReferenceRow {
  elder_id: string;
  latitude: string;
  longitude: string;
  source: string;
  set_at: Date | string;
}

const toReference = (r: ReferenceRow): ReferenceLocationType => ({
  latitude: Number(r.latitude),
  longitude: Number(r.longitude),
  source: r.source as ReferenceLocationSource,
  setAt: toDate(r.set_at),
});

/**
 * Proof of visit, the reading side (探访核查): the images of one visit, each view audited; the elder's reference
 * location, set by the town, with the distance flags of the elder's visits recomputed in one statement.
 */
export class VisitProofService {
  constructor(private readonly ctx: RequestContext) {}

  /** The images of a visit's proof. Outside the jurisdiction (by the elder's current village) is NOT_FOUND, like a missing visit. */
  async images(visitId: string): Promise<VisitProofImagesType> {
    const actor = requireScope(this.ctx, Scope.VisitProofRead);
    const missing = () => notFound('探访记录', 'visit');
    if (!isUuid(visitId)) throw missing();
    const [row] = await this.ctx.em.execute<{
      elder_id: string;
      region_code: string;
      visitor_signature: Buffer | null;
      elder_signature: Buffer | null;
      elder_signer: string | null;
      elder_unable_reason: string | null;
      photo: Buffer | null;
    }[]>(
      `select v.elder_id, e.region_code, p.visitor_signature, p.elder_signature, p.elder_signer, p.elder_unable_reason, p.photo
         from visit v join elder e on e.id = v.elder_id left join visit_proof p on p.visit_id = v.id
        where v.id = ? and ${inSubtree('e.region_code')}`,
      [visitId, actor.regionCode],
    );
    if (!row) throw missing();
    // Every view is recorded, with what it showed, before the images leave.
    await writeAudit(this.ctx, [{
      action: AuditAction.VisitProofRead,
      elderId: row.elder_id,
      regionCode: row.region_code,
      detail: { visitId, visitorSignature: !!row.visitor_signature, elderSignature: !!row.elder_signature, photo: !!row.photo },
    }]);
    return {
      visitId,
      visitorSignature: dataUrl('image/png', row.visitor_signature),
      elderSignature: dataUrl('image/png', row.elder_signature),
      elderSigner: row.elder_signer as ElderSigner | null,
      elderUnableToSignReason: row.elder_unable_reason,
      photo: dataUrl('image/jpeg', row.photo),
    };
  }

  /**
   * The town sets where an elder is visited (replacing the first home visit's location, e.g. a wrong first fix), and
   * every home visit of the elder with GPS is measured again: distance and FAR_FROM_REFERENCE in one UPDATE, only
   * rows whose figures change (each is a change-log entry, so the report rollups pick the village up).
   */
  async setReference(elderId: string, latitude: number, longitude: number): Promise<{ elderId: string; referenceLocation: ReferenceLocationType; visitsRechecked: number }> {
    const actor = requireScope(this.ctx, Scope.ElderWrite);
    const errors = new FieldErrors();
    if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) errors.add('latitude', '纬度应在 -90 到 90 之间', 'latitude must be -90 to 90');
    if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) errors.add('longitude', '经度应在 -180 到 180 之间', 'longitude must be -180 to 180');
    errors.throwIfAny();
    const missing = () => notFound('老年人档案', 'elder archive');
    if (!isUuid(elderId)) throw missing();
    const lat = Math.round(latitude * 1e6) / 1e6;
    const lng = Math.round(longitude * 1e6) / 1e6;
    const maxDistance = proofLimitsOf(this.ctx).maxDistanceMeters;
    return this.ctx.em.transactional(async (em) => {
      const [elder] = await em.execute<{ id: string; region_code: string }[]>(
        `select id, region_code from elder where id = ? and ${inSubtree('region_code')} for update`,
        [elderId, actor.regionCode],
      );
      if (!elder) throw missing();
      const [ref] = await em.execute<ReferenceRow[]>(
        `insert into elder_reference_location (elder_id, latitude, longitude, source, set_at, set_by, visit_id)
         values (?, ?, ?, 'SET_BY_TOWN', ?, ?, null)
         on conflict (elder_id) do update set latitude = excluded.latitude, longitude = excluded.longitude, source = excluded.source,
           set_at = excluded.set_at, set_by = excluded.set_by, visit_id = null
         returning elder_id, latitude, longitude, source, set_at`,
        [elder.id, lat, lng, this.ctx.now(), actor.userId],
      );
      const changed = await em.execute<{ id: string }[]>(
        `update visit v set distance_meters = m.distance, flags = m.flags
           from (select x.id, x.distance,
                        array(select f from unnest(array['FAR_FROM_REFERENCE', 'LATE_ENTRY', 'SHORT_DURATION']) with ordinality as k(f, i)
                               where case when f = 'FAR_FROM_REFERENCE' then x.distance > ? else f = any(x.flags) end
                               order by i) as flags
                   from (select v2.id, v2.flags, geo_distance_m(v2.latitude, v2.longitude, ?::numeric, ?::numeric) as distance
                           from visit v2 where v2.elder_id = ? and v2.method = 'HOME' and v2.latitude is not null) x) m
          where v.id = m.id and (v.distance_meters is distinct from m.distance or v.flags <> m.flags)
          returning v.id`,
        [maxDistance, lat, lng, elder.id],
      );
      await writeAudit(
        this.ctx,
        [{ action: AuditAction.ElderReferenceSet, elderId: elder.id, regionCode: elder.region_code, detail: { latitude: lat, longitude: lng, visitsRechecked: changed.length } }],
        em,
      );
      return { elderId: elder.id, referenceLocation: toReference(ref!), visitsRechecked: changed.length };
    });
  }

  /** The reference locations of the elders a response carries: one statement per request. */
  async referenceOf(elder: Elder): Promise<ReferenceLocationType | null> {
    requireScope(this.ctx, Scope.VisitRead);
    const row = await this.ctx.loaders
      .get<string, ReferenceRow | null>('visits.reference', async (ids) => {
        const rows = await this.ctx.em.execute<ReferenceRow[]>(
          `select elder_id, latitude, longitude, source, set_at from elder_reference_location where elder_id = any(?::uuid[])`,
          [pgArray([...ids])],
        );
        return groupByKeys(ids, rows, (r) => r.elder_id).map((g) => g[0] ?? null);
      })
      .load(elder.id);
    return row ? toReference(row) : null;
  }

  /** The archive of each visit a response carries (through the jurisdiction filter), batched. */
  async elderOf(elderId: string): Promise<Elder | null> {
    requireScope(this.ctx, Scope.ElderRead);
    return this.ctx.loaders
      .get<string, Elder | null>('visits.elder', async (ids) => {
        const list = await this.ctx.em.find(Elder, { id: { $in: [...ids] } }, { populate: ['region'] });
        const byId = new Map(list.map((e) => [e.id, e]));
        return ids.map((id) => byId.get(id) ?? null);
      })
      .load(elderId);
  }
}
