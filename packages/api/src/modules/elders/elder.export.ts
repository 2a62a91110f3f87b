import ExcelJS from 'exceljs';
import { PeriodKind } from '../../graphql/period.js';
import { Scope } from '@tanfang/schema';
import { requireScope, type RequestContext } from '../../graphql/context.js';
import { badInput, FieldErrors, forbidden } from '../../graphql/errors.js';
import { maskIdNumber, maskPhone } from '../../shared/masking.js';
import { pgArray } from '../../shared/sql.js';
import { AuditAction, writeAudit, type AuditEntry } from '../audit/audit.service.js';
import { ElderClassEnum } from '../standards/standards.enums.js';
import { Circumstance, CIRCUMSTANCE_LABELS, ElderStatus } from './elder.enums.js';
import type { ElderFilter } from './elder.inputs.js';
import { ElderService } from './elder.service.js';
import { requiredText } from './elder.validation.js';
import { ageOn } from './id-number.js';
import { lastVisitOnSql } from '../visits/visits.queries.js';

/**
 * The filtered elder list as a spreadsheet (导出名单, issue 15): every page of the filter the console shows, in name
 * order. ID and phone numbers are masked as the list shows them; the full numbers only for a user with the reveal
 * scope who states a purpose, as for one archive (ElderService.reveal). Served over HTTP (POST /elders/export.xlsx)
 * so the audit is written on the server, before the file leaves: one ELDER_EXPORT row with the filter, the row count
 * and the purpose, and one row per elder (ELDER_READ, or IDENTITY_REVEAL with the purpose when revealed), so the
 * auditor who looks up one elder finds the export too.
 */

/** More rows than a town's office needs at once: the user narrows the filter (a town, a village, a class). */
export const EXPORT_LIMIT = 20_000;

export const EXPORT_COLUMNS = ['姓名', '性别', '年龄', '身份证号', '联系电话', '所在村（社区）', '类别', '特殊情形', '责任探访人', '最近探访日期'] as const;

const GENDER: Record<string, string> = { MALE: '男', FEMALE: '女' };

/** A circumstance's label without its explanation in brackets: 空巢（仅老年夫妇居住） → 空巢. */
const shortLabel = (c: Circumstance) => CIRCUMSTANCE_LABELS[c].replace(/（.*）$/, '');

export interface ExportRequest {
  filter: ElderFilter;
  /** Given: the full identity is exported, for this purpose (needs the reveal scope). */
  purpose: string | null;
}

/**
 * The request body as the GraphQL ElderFilter would read it: a JSON body gets no schema validation, so every field
 * is checked here (unknown keys refused, enums checked), and all problems are reported at once.
 */
export function parseExportRequest(body: unknown): ExportRequest {
  const errors = new FieldErrors();
  const input = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const raw = input.filter ?? {};
  const filter: Record<string, unknown> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    errors.add('filter', '筛选条件格式不正确', 'filter must be an object');
  } else {
    const kinds: Record<string, 'string' | 'int' | 'boolean' | 'period' | readonly string[]> = {
      regionCode: 'string',
      text: 'string',
      period: 'string',
      periodInput: 'period',
      circumstances: Object.values(Circumstance),
      status: Object.values(ElderStatus),
      classes: Object.values(ElderClassEnum),
      ageMin: 'int',
      ageMax: 'int',
      acceptsVisits: 'boolean',
      overdue: 'boolean',
      visited: 'boolean',
      alertsRaised: 'boolean',
      unresolvedAlerts: 'boolean',
      refused: 'boolean',
    };
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      const kind = kinds[key];
      const field = `filter.${key}`;
      if (!kind) {
        errors.add(field, `不认识的筛选条件：${key}`, `Unknown filter field: ${key}`);
        continue;
      }
      if (value === null || value === undefined) continue;
      const ok =
        kind === 'string' ? typeof value === 'string' && value.length <= 100
        : kind === 'int' ? Number.isInteger(value)
        : kind === 'boolean' ? typeof value === 'boolean'
        : kind === 'period' ? isPeriodInput(value)
        : Array.isArray(value) && value.every((v) => typeof v === 'string' && kind.includes(v));
      if (ok) filter[key] = value;
      else errors.add(field, `筛选条件 ${key} 的取值不正确`, `filter.${key} has a value of the wrong kind`);
    }
  }
  let purpose: string | null = null;
  if (input.purpose !== undefined && input.purpose !== null && input.purpose !== '') {
    if (typeof input.purpose !== 'string') errors.add('purpose', '查看目的应为文字', 'purpose must be text');
    else {
      try {
        purpose = requiredText('purpose', input.purpose, 2, 200, ['查看目的', 'The purpose']);
      } catch (error) {
        const fieldErrors = (error as { extensions?: { fieldErrors?: { message: string; messageEn: string }[] } }).extensions?.fieldErrors;
        errors.add('purpose', fieldErrors?.[0]?.message ?? '查看目的应为 2 到 200 个字', fieldErrors?.[0]?.messageEn ?? 'The purpose needs 2 to 200 characters');
      }
    }
  }
  errors.throwIfAny();
  return { filter: filter as ElderFilter, purpose };
}

/** A PeriodInput as JSON: { kind: one of PeriodKind, date: "YYYY-MM-DD" } and nothing else. */
function isPeriodInput(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return Object.keys(v).every((k) => k === 'kind' || k === 'date')
    && typeof v.kind === 'string' && (Object.values(PeriodKind) as string[]).includes(v.kind)
    && typeof v.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.date);
}

interface ExtraRow {
  id: string;
  village: string;
  town: string | null;
  cls: string | null;
  visitor: string | null;
  last_visit: string | null;
}

export interface ElderExport {
  file: Buffer;
  rows: number;
  revealed: boolean;
}

/** `body`: `{ filter?: ElderFilter, purpose?: string }`, checked after the caller's scope (a stranger learns nothing). */
export async function exportElders(ctx: RequestContext, body: unknown): Promise<ElderExport> {
  requireScope(ctx, Scope.ElderRead);
  const request = parseExportRequest(body);
  const revealed = request.purpose !== null;
  // The scope is checked before anything is read: a stated purpose does not stand in for the permission.
  if (revealed && !ctx.actor!.scopes.has(Scope.ElderRevealIdentity)) {
    throw forbidden('您没有查看完整身份信息的权限，请导出脱敏名单', 'You may not reveal full identities: export the masked list instead');
  }
  const service = new ElderService(ctx);
  const { total, elders } = await service.matching(request.filter, EXPORT_LIMIT);
  if (total > EXPORT_LIMIT) {
    throw badInput(
      `名单共 ${total} 人，超过一次导出的上限 ${EXPORT_LIMIT} 人：请缩小筛选范围（如选择乡镇或村、类别）后分批导出`,
      `The list has ${total} elders, more than the ${EXPORT_LIMIT} one export allows: narrow the filter (a town or village, a class) and export in parts`,
      'filter',
    );
  }
  const asOf = service.judgedOn(request.filter);
  // Village, class, responsible visitor and last visit of every row in one statement.
  const extras = new Map(
    (await ctx.em.execute<ExtraRow[]>(
      `select e.id, r.name as village, t.name as town,
              elder_class_on(e.id, e.computed_class, e.class_at_80, e.turns_80_on, ?::date)::text as cls,
              (select v.name from assignment a join visitor v on v.id = a.visitor_id
                where a.elder_id = e.id and a.role = 'PRIMARY' and a.ends_at is null) as visitor,
              to_char(${lastVisitOnSql('e.id')}, 'YYYY-MM-DD') as last_visit
         from elder e join region r on r.code = e.region_code left join region t on t.code = r.parent_code
        where e.id = any(?::uuid[])`,
      [asOf, pgArray(elders.map((e) => e.id))],
    )).map((r) => [r.id, r]),
  );

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tanfang 探访';
  const sheet = workbook.addWorksheet('老人名单', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXPORT_COLUMNS.map((header) => ({
    header,
    width: header === '身份证号' ? 22 : header === '特殊情形' || header === '所在村（社区）' ? 28 : 12,
  }));
  sheet.getRow(1).font = { bold: true };
  for (const e of elders) {
    const x = extras.get(e.id);
    const circumstances = [...e.circumstances];
    if (ageOn(e.birthDate, asOf) >= 80) circumstances.push(Circumstance.AGED_80_PLUS);
    if (e.disabilityGrade && e.disabilityGrade <= 2) circumstances.push(Circumstance.SEVERELY_DISABLED);
    sheet.addRow([
      e.name,
      GENDER[e.gender] ?? '',
      ageOn(e.birthDate, asOf),
      revealed ? e.idNumber : maskIdNumber(e.idNumber),
      (revealed ? e.phone : maskPhone(e.phone)) ?? '',
      x ? [x.town, x.village].filter(Boolean).join(' ') : e.regionCode,
      x?.cls?.trim() ? `${x.cls.trim()}类` : '',
      circumstances.map(shortLabel).join('、'),
      x?.visitor ?? '',
      x?.last_visit ?? '',
    ]);
  }
  // Every cell as text where it could be misread as a number (ID numbers lose digits as numbers).
  sheet.getColumn(4).numFmt = '@';
  sheet.getColumn(5).numFmt = '@';

  const about = workbook.addWorksheet('说明');
  about.columns = [{ width: 16 }, { width: 60 }];
  about.addRows([
    ['导出时间', ctx.now().toISOString()],
    ['导出人', ctx.actor!.username],
    ['人数', elders.length],
    ['身份信息', revealed ? `完整（查看目的：${request.purpose}）` : '已脱敏'],
    ['筛选条件', JSON.stringify(request.filter)],
  ]);

  const base: Omit<AuditEntry, 'elderId' | 'regionCode'> = revealed
    ? { action: AuditAction.IdentityReveal, purpose: request.purpose, detail: { via: ['eldersExport'] } }
    : { action: AuditAction.ElderRead, detail: { via: ['eldersExport'], parts: ['archive'] } };
  await writeAudit(ctx, [
    {
      action: AuditAction.ElderExport,
      // The region asked for when it lies inside the jurisdiction (else the list was the jurisdiction's own, empty).
      regionCode: request.filter.regionCode?.trim().startsWith(ctx.actor!.regionCode) ? request.filter.regionCode.trim() : ctx.actor!.regionCode,
      purpose: request.purpose,
      detail: { rows: elders.length, revealed, filter: request.filter },
    },
    ...elders.map((e) => ({ ...base, elderId: e.id, regionCode: e.regionCode })),
  ]);
  return { file: Buffer.from(await workbook.xlsx.writeBuffer()), rows: elders.length, revealed };
}
