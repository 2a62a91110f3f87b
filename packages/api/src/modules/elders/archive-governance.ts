import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, type FieldError } from '../../graphql/errors.js';
import type { FieldChange } from '../audit/audit-event.entity.js';

/**
 * Values an agency record backs. Only the agency may change them: a hand edit is refused with the record named
 * (the agency corrects its record, which then flows in by sync; a disagreement found by agency data becomes a data
 * conflict that civil affairs settles). Before, an edit cleared the source and overwrote the value silently.
 * One list, used by every hand edit of an archive (ElderService.update) and by the agency effects that set the sources.
 */
export const AGENCY_BACKED: {
  source: 'incapacitySource' | 'disabilitySource' | 'familyPlanningSource';
  fields: string[];
  input: string;
  what: [string, string];
  agency: [string, string];
}[] = [
  { source: 'incapacitySource', fields: ['incapacityLevel'], input: 'incapacityLevel', what: ['失能等级', 'The incapacity level'], agency: ['卫健部门', 'the health commission'] },
  {
    source: 'disabilitySource', fields: ['disabilityCertificateNumber', 'disabilityCategory', 'disabilityGrade'], input: 'disability',
    what: ['残疾人证（证号、类别、等级）', 'The disability certificate (number, category, grade)'], agency: ['残联', 'the disability federation'],
  },
  { source: 'familyPlanningSource', fields: ['familyPlanningKind'], input: 'familyPlanningKind', what: ['计划生育特殊家庭类别', 'The family-planning status'], agency: ['卫健部门', 'the health commission'] },
];

type Sources = Partial<Record<(typeof AGENCY_BACKED)[number]['source'], string | null | undefined>>;

/** CONFLICT listing every agency-backed value the edit would change, each with the record it comes from. */
export function refuseAgencyBackedEdits(sources: Sources, changes: FieldChange[]): void {
  const errors: (FieldError & { source: string })[] = [];
  for (const b of AGENCY_BACKED) {
    const source = sources[b.source];
    if (!source || !changes.some((c) => b.fields.includes(c.field))) continue;
    errors.push({
      field: b.input,
      source,
      message: `${b.what[0]}来自${source}，不能手工修改；如有误，请联系${b.agency[0]}更正其记录`,
      messageEn: `${b.what[1]} comes from ${source} and cannot be changed by hand; if it is wrong, ask ${b.agency[1]} to correct its record`,
    });
  }
  if (errors.length === 0) return;
  const first = errors[0]!;
  throw conflict(first.message, first.messageEn, { field: first.field, source: first.source, fieldErrors: errors });
}

/** A death the police registered is not undone by hand: reopening such an archive is refused with the record named. */
export async function refuseReopenOfRegisteredDeath(em: EntityManager, elderId: string): Promise<void> {
  const [death] = await em.execute<{ external_id: string; died_on: string }[]>(
    `select external_id, to_char(effective_on, 'YYYY-MM-DD') as died_on from agency_record
      where elder_id = ? and kind = 'DEATH_REGISTRATION' order by effective_on desc, id limit 1`,
    [elderId],
  );
  if (!death) return;
  const source = `公安死亡登记 ${death.external_id}（${death.died_on}）`;
  throw conflict(
    `该档案依据${source}关闭，不能手工恢复；如登记有误，请联系公安机关更正其记录`,
    `This archive was closed by the police death registration ${death.external_id} (${death.died_on}) and cannot be reopened by hand; if it is wrong, ask the police to correct their record`,
    { source },
  );
}
