import { Migration } from '@mikro-orm/migrations';

/**
 * Data governance (issue 12, item 8).
 * - `elder.family_planning_source`: like the incapacity and disability sources, the health record a family-planning
 *   status came from, so a hand edit of it is refused with the record named instead of silently overwriting it.
 *   Filled for archives whose status an agency record already confirms.
 * - `visit_requirement.extreme_poverty_kind`: a requirement may apply to one kind of 特困 only. Huining's “三个一”
 *   care is for dispersed (分散供养) elders; institutional ones (集中供养) are cared for by their institution. The
 *   template and every raise adopted from it are narrowed to DISPERSED.
 * - Candidate reasons keep the content hash of the record that gave them, so a dismissed candidate returns only
 *   when a record's content changes (or a new record arrives), not with any newer version of the same content.
 */
export class Migration20261204000500_governance extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table elder add column family_planning_source varchar(200) null;`);
    this.addSql(`
      update elder e set family_planning_source = '计划生育特殊家庭 ' || r.external_id || '（' || to_char(r.effective_on, 'YYYY-MM-DD') || '）'
        from (select distinct on (elder_id) elder_id, external_id, effective_on, payload from agency_record
               where kind = 'FAMILY_PLANNING_SPECIAL' and elder_id is not null order by elder_id, effective_on desc, id) r
       where r.elder_id = e.id and e.family_planning_kind = r.payload->>'familyPlanningKind';`);

    this.addSql(`alter table visit_requirement add column extreme_poverty_kind varchar(15) null
                   check (extreme_poverty_kind in ('DISPERSED', 'INSTITUTIONAL'));`);
    this.addSql(`
      update visit_requirement q set extreme_poverty_kind = 'DISPERSED'
        from visit_standard s
       where s.id = q.standard_id and q.circumstance = 'EXTREME_POVERTY' and q.activity <> 'VISIT'
         and (s.code = 'HUINING-CARE-2022' or s.description like '%（采用模板 HUINING-CARE-2022）');`);

    this.addSql(`
      update candidate c set reasons = (
               select jsonb_agg(case when o->>'payloadHash' is not null or r.payload_hash is null then o
                                     else o || jsonb_build_object('payloadHash', r.payload_hash) end order by i)
                 from jsonb_array_elements(c.reasons) with ordinality as x(o, i)
                 left join agency_record r on r.id::text = o->>'recordId')
       where jsonb_array_length(c.reasons) > 0;`);
  }

  override async down(): Promise<void> {
    this.addSql(`update candidate set reasons = (select coalesce(jsonb_agg(o - 'payloadHash' order by i), '[]'::jsonb)
                                                   from jsonb_array_elements(reasons) with ordinality as x(o, i));`);
    this.addSql(`alter table visit_requirement drop column extreme_poverty_kind;`);
    this.addSql(`alter table elder drop column family_planning_source;`);
  }
}
