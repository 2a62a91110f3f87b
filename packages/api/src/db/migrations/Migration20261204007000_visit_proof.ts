import { Migration } from '@mikro-orm/migrations';

/**
 * Proof of visit (issue 14 item 3): the two signatures of the 探访记录表 drawn on screen, an optional photo, and the
 * flags the town checks (a home visit far from the elder's reference location, a late entry, a short home visit).
 *
 * - `visit_proof`: one row per visit with its images as bytea, written in the visit's transaction. Images live in
 *   PostgreSQL (no second store to back up, and the read of them is audited like every personal read). The CHECKs are
 *   hard ceilings the configuration (TANFANG_PROOF_*_BYTES) cannot pass; the API enforces the configured, lower limits
 *   first, with field errors a person can act on.
 * - `elder_reference_location`: where the elder is visited (first home visit with GPS, or set by the town). Kept beside
 *   the archive rather than in `elder`, so that setting it does not version the archive, feed the partners' change
 *   log or reclassify anyone: it is the town's checking aid, not part of the 基本信息登记表.
 * - `visit.flags` and `visit.distance_meters`: computed by the API when the visit is recorded (and the distance flags
 *   again, set-based, when the town moves the reference), stored so lists filter by them with an index instead of
 *   computing over a region. `visit_flagged_idx` holds only flagged visits (a few percent), newest first.
 * - `geo_distance_m`: the one great-circle distance (haversine, metres) used by the recording and the recomputation.
 */
export class Migration20261204007000_visit_proof extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create function geo_distance_m(lat1 numeric, lon1 numeric, lat2 numeric, lon2 numeric) returns integer
      language sql immutable parallel safe as $$
        select round(2 * 6371008.8 * asin(sqrt(
                 power(sin(radians((lat2 - lat1)::float8) / 2), 2)
                 + cos(radians(lat1::float8)) * cos(radians(lat2::float8)) * power(sin(radians((lon2 - lon1)::float8) / 2), 2))))::int
      $$;`);

    this.addSql(`
      create table visit_proof (
        visit_id uuid primary key references visit (id),
        visitor_signature bytea null check (octet_length(visitor_signature) <= 262144),
        elder_signature bytea null check (octet_length(elder_signature) <= 262144),
        elder_signer varchar(16) null check (elder_signer in ('ELDER', 'FAMILY_MEMBER', 'OTHER')),
        elder_unable_reason varchar(200) null,
        photo bytea null check (octet_length(photo) <= 2097152),
        location_consent boolean not null default false,
        created_at timestamptz not null,
        -- No elder signature without saying who signed, and none with a reason for not signing.
        check (elder_signature is null or (elder_signer is not null and elder_unable_reason is null))
      );`);

    this.addSql(`
      create table elder_reference_location (
        elder_id uuid primary key references elder (id),
        latitude numeric(9, 6) not null check (latitude between -90 and 90),
        longitude numeric(9, 6) not null check (longitude between -180 and 180),
        source varchar(20) not null check (source in ('FIRST_HOME_VISIT', 'SET_BY_TOWN')),
        set_at timestamptz not null,
        set_by uuid null references app_user (id),
        visit_id uuid null references visit (id)
      );`);

    this.addSql(`alter table visit add column flags text[] not null default '{}';`);
    this.addSql(`alter table visit add column distance_meters integer null check (distance_meters >= 0);`);
    this.addSql(`alter table visit add constraint visit_flags_known
                   check (flags <@ array['FAR_FROM_REFERENCE', 'LATE_ENTRY', 'SHORT_DURATION']::text[]);`);
    this.addSql(`create index visit_flagged_idx on visit (visited_at desc, id desc) include (elder_id, flags) where flags <> '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index visit_flagged_idx;`);
    this.addSql(`alter table visit drop constraint visit_flags_known;`);
    this.addSql(`alter table visit drop column distance_meters;`);
    this.addSql(`alter table visit drop column flags;`);
    this.addSql(`drop table elder_reference_location;`);
    this.addSql(`drop table visit_proof;`);
    this.addSql(`drop function geo_distance_m(numeric, numeric, numeric, numeric);`);
  }
}
