import { Scope } from '@tanfang/schema';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireScope, today, type RequestContext } from '../../graphql/context.js';
import { badInput, conflict, FieldErrors, forbidden, notFound } from '../../graphql/errors.js';
import { decodeOffset, encodeCursor, pageSize, toConnection, type ConnectionShape } from '../../graphql/pagination.js';
import { isUuid } from '../../shared/ids.js';
import { inSubtree, isWithin } from '../../shared/jurisdiction.js';
import { maskIdNumber } from '../../shared/masking.js';
import { pgArray } from '../../shared/sql.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditAction, writeAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { Elder } from '../elders/elder.entity.js';
import { ElderService } from '../elders/elder.service.js';
import { isRealDate } from '../elders/id-number.js';
import type { RegisterElderInput } from '../elders/elder.inputs.js';
import { cutoffOf, dueCondition, regionInJurisdiction, reverifyMonthsOf } from './reverification.js';
import {
  SurveyResult,
  SurveyTaskStatus,
  type SurveyArchiveInput,
  type SurveyProgressFiguresType,
  type SurveyProgressType,
  type SurveyRoundType,
  type SurveyTaskSource,
  type SurveyTaskType,
  type SurveyTeamInput,
} from './survey.types.js';
import { markVerified } from './verification.js';

interface RoundRow {
  id: string;
  name: string;
  region_code: string;
  region_name: string;
  starts_on: string;
  ends_on: string;
  team_user_ids: string[];
  team_visitor_ids: string[];
  created_at: Date | string;
}

interface TaskRow {
  id: string;
  round_id: string;
  region_code: string;
  region_name: string;
  name: string | null;
  id_number: string;
  sources: SurveyTaskSource[];
  on_roll: boolean;
  elder_id: string | null;
  candidate_id: string | null;
  result: SurveyResult | null;
  note: string | null;
  recorded_by_name: string | null;
  recorded_at: Date | string | null;
}

const ROUND_COLUMNS = `r.id, r.name, r.region_code, g.name as region_name, to_char(r.starts_on, 'YYYY-MM-DD') as starts_on,
  to_char(r.ends_on, 'YYYY-MM-DD') as ends_on, r.team_user_ids, r.team_visitor_ids, r.created_at`;

const TASK_COLUMNS = `t.id, t.round_id, t.region_code, g.name as region_name, t.name, t.id_number, t.sources, t.on_roll, t.elder_id,
  t.candidate_id, t.result, t.note, u.display_name as recorded_by_name, t.recorded_at`;

/** Results that say the person no longer belongs on the survey queue as a candidate. */
const DISMISSING: ReadonlySet<SurveyResult> = new Set([SurveyResult.NOT_ELIGIBLE, SurveyResult.DECEASED, SurveyResult.MOVED_AWAY]);

const RESULT_WORDS: Record<SurveyResult, string> = {
  ELIGIBLE: '符合条件',
  NOT_ELIGIBLE: '不符合条件',
  NOT_FOUND: '查无此人',
  REFUSED: '拒绝摸排',
  DECEASED: '已去世',
  MOVED_AWAY: '已迁出',
};

/**
 * 摸底排查: survey rounds over a town or county, their per-village task lists, results and progress.
 *
 * Jurisdiction: a round is seen by users whose area overlaps it (a village worker sees the town's round, and in it only
 * their village's tasks); a task only inside the caller's subtree. Anything else is NOT_FOUND, like a missing one.
 */
export class SurveyService {
  constructor(private readonly ctx: RequestContext) {}

  private get today(): string {
    return today(this.ctx);
  }

  // ---------------------------------------------------------------- rounds

  async createRound(regionCode: string, nameRaw: string, startsOn: string, endsOn: string, team: SurveyTeamInput | null | undefined): Promise<SurveyRoundType> {
    const actor = requireScope(this.ctx, Scope.SurveyRun);
    const region = await regionInJurisdiction(this.ctx.em, actor, regionCode, [6, 9]);
    const errors = new FieldErrors();
    const name = nameRaw?.trim() ?? '';
    if (!name || name.length > 100) errors.add('name', '请填写本轮摸排的名称（1至100字）', 'name must be 1 to 100 characters');
    if (!isRealDate(startsOn ?? '')) errors.add('startsOn', '开始日期无效，应为 YYYY-MM-DD', 'startsOn must be a real date, YYYY-MM-DD');
    if (!isRealDate(endsOn ?? '')) errors.add('endsOn', '结束日期无效，应为 YYYY-MM-DD', 'endsOn must be a real date, YYYY-MM-DD');
    else if (isRealDate(startsOn ?? '') && endsOn < startsOn) errors.add('endsOn', '结束日期不能早于开始日期', 'endsOn cannot be before startsOn');
    else if (endsOn < this.today) errors.add('endsOn', '结束日期已过：摸排应在今天或以后结束', 'endsOn is in the past');
    const userIds = [...new Set(team?.userIds ?? [])];
    const visitorIds = [...new Set(team?.visitorIds ?? [])];
    if (userIds.length + visitorIds.length > 500) errors.add('team', '工作队伍最多500人', 'At most 500 team members');
    const [found] = await this.ctx.em.execute<{ users: string[]; visitors: string[] }[]>(
      `select array(select id::text from app_user where id = any(?::uuid[]) and ${inSubtree('region_code')}) as users,
              array(select id::text from visitor where id = any(?::uuid[]) and ${inSubtree('region_code')}) as visitors`,
      [pgArray(userIds.filter(isUuid)), region.code, pgArray(visitorIds.filter(isUuid)), region.code],
    );
    // People of another area are treated like unknown ones: nothing tells the caller they exist.
    if (found!.users.length !== userIds.length) errors.add('team.userIds', '工作队伍中有用户不存在或不在本区域', 'A team user does not exist or is outside the region');
    if (found!.visitors.length !== visitorIds.length) errors.add('team.visitorIds', '工作队伍中有探访员不存在或不在本区域', 'A team visitor does not exist or is outside the region');
    errors.throwIfAny();

    const id = await this.ctx.em.transactional(async (em) => {
      const [round] = await em.execute<{ id: string }[]>(
        `insert into survey_round (region_code, county_code, name, starts_on, ends_on, team_user_ids, team_visitor_ids, created_by, created_at)
         values (?, ?, ?, ?, ?, ?::uuid[], ?::uuid[], ?, ?) returning id`,
        [region.code, region.code.slice(0, 6), name, startsOn, endsOn, pgArray(userIds), pgArray(visitorIds), actor.userId, this.ctx.now()],
      );
      const tasks = await this.buildTasks(em, round!.id, region.code);
      await writeAudit(this.ctx, [{
        action: AuditAction.SurveyRoundCreate,
        regionCode: region.code,
        detail: { roundId: round!.id, name, startsOn, endsOn, team: { users: userIds.length, visitors: visitorIds.length }, tasks },
      }], em);
      return round!.id;
    });
    return this.round(id);
  }

  /**
   * The round's task list, one set-based statement: archives due for re-verification, pending candidates and roll
   * people of the region, one task per person (their sources merged). A roll person with an archive is the archive's
   * task. Run again (refreshSurveyRound), it adds people who appeared since and sources that are new, and never
   * touches a task that has a result.
   */
  private async buildTasks(em: EntityManager, roundId: string, regionCode: string): Promise<number> {
    const day = this.today;
    const cutoff = cutoffOf(day, reverifyMonthsOf(this.ctx));
    const rows = await em.execute<{ n: number }[]>(
      `with source as (
         select e.region_code, e.id_number, e.name, e.id as elder_id, null::uuid as candidate_id, false as on_roll,
                case when e.last_verified_on <= ?::date then 'NOT_VERIFIED' else 'TEMPORARY_DIFFICULTY_ENDED' end as source
           from elder e where ${inSubtree('e.region_code')} and ${dueCondition('e')}
         union all
         select c.region_code, c.id_number, c.name, null, c.id, false, 'CANDIDATE'
           from candidate c where ${inSubtree('c.region_code')} and c.status = 'PENDING'
         union all
         -- The roll says where the person lives; an archive of theirs is matched by ID number wherever it is.
         select r.region_code, r.id_number, coalesce(e.name, r.name), e.id, null, true, 'ROLL'
           from agency_record r left join elder e on e.id_number = r.id_number
          where r.kind = 'RESIDENT_ROLL' and ${inSubtree('r.region_code')}
       ), person as (
         select id_number,
                coalesce(max(region_code) filter (where on_roll), max(region_code)) as region_code,
                coalesce(max(name) filter (where elder_id is not null), max(name)) as name,
                (array_agg(elder_id) filter (where elder_id is not null))[1] as elder_id,
                (array_agg(candidate_id) filter (where candidate_id is not null))[1] as candidate_id,
                bool_or(on_roll) as on_roll,
                array_agg(distinct source order by source) as sources
           from source group by id_number
       ), written as (
         insert into survey_task (round_id, region_code, county_code, id_number, name, elder_id, candidate_id, on_roll, sources, created_at)
         -- A village code the region tree does not know (agencies' codes are checked for form only) puts the task at
         -- the round's own level rather than failing the whole list.
         select ?::uuid, coalesce(g.code, ?), left(coalesce(g.code, ?), 6), p.id_number, p.name, p.elder_id, p.candidate_id, p.on_roll, p.sources, ?
           from person p left join region g on g.code = p.region_code
         on conflict (round_id, id_number) do update
           set sources = array(select distinct s from unnest(survey_task.sources || excluded.sources) s order by s),
               on_roll = survey_task.on_roll or excluded.on_roll,
               elder_id = coalesce(survey_task.elder_id, excluded.elder_id),
               candidate_id = coalesce(survey_task.candidate_id, excluded.candidate_id)
           where survey_task.result is null
         returning 1)
       select count(*)::int as n from written`,
      [cutoff, regionCode, cutoff, day, regionCode, regionCode, roundId, regionCode, regionCode, this.ctx.now()],
    );
    return rows[0]!.n;
  }

  async refreshRound(roundId: string): Promise<SurveyRoundType> {
    const actor = requireScope(this.ctx, Scope.SurveyRun);
    const round = await this.findRound(actor, roundId, true);
    await this.ctx.em.transactional(async (em) => {
      await em.execute(`select 1 from survey_round where id = ? for update`, [round.id]);
      const tasks = await this.buildTasks(em, round.id, round.region_code);
      await writeAudit(this.ctx, [{ action: AuditAction.SurveyRoundCreate, regionCode: round.region_code, detail: { roundId: round.id, refreshed: true, tasks } }], em);
    });
    return this.round(round.id);
  }

  /**
   * A round the caller may see: its region inside their subtree, or (a village worker of a town's round) their area
   * inside the round's. `own`: only rounds inside the caller's subtree (to change one).
   */
  private async findRound(actor: Actor, id: string, own = false): Promise<RoundRow> {
    const [row] = isUuid(id)
      ? await this.ctx.em.execute<RoundRow[]>(`select ${ROUND_COLUMNS} from survey_round r join region g on g.code = r.region_code where r.id = ?`, [id])
      : [];
    if (!row || !(isWithin(row.region_code, actor.regionCode) || (!own && isWithin(actor.regionCode, row.region_code)))) {
      throw notFound('摸排轮次', 'survey round');
    }
    return row;
  }

  async round(id: string): Promise<SurveyRoundType> {
    const actor = requireScope(this.ctx, Scope.SurveyRecord);
    return (await this.withTeams([await this.findRound(actor, id)]))[0]!;
  }

  async rounds(regionCode: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<ConnectionShape<SurveyRoundType>> {
    const actor = requireScope(this.ctx, Scope.SurveyRecord);
    const region = await regionInJurisdiction(this.ctx.em, actor, regionCode);
    const size = pageSize(first);
    const start = decodeOffset(after);
    // Rounds over the region's subtree, and the rounds over the areas above it that include it.
    const rows = await this.ctx.em.execute<(RoundRow & { total: string })[]>(
      `select ${ROUND_COLUMNS}, count(*) over () as total
         from survey_round r join region g on g.code = r.region_code
        where ${inSubtree('r.region_code')} or starts_with(?, r.region_code)
        order by r.starts_on desc, r.created_at desc, r.id limit ? offset ?`,
      [region.code, region.code, size + 1, start],
    );
    const nodes = await this.withTeams(rows.slice(0, size));
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(rows[0]?.total ?? 0));
  }

  private async withTeams(rows: RoundRow[]): Promise<SurveyRoundType[]> {
    const users = [...new Set(rows.flatMap((r) => r.team_user_ids))];
    const visitors = [...new Set(rows.flatMap((r) => r.team_visitor_ids))];
    const names = users.length + visitors.length
      ? await this.ctx.em.execute<{ id: string; name: string; kind: string }[]>(
          `select id::text, display_name as name, 'USER' as kind from app_user where id = any(?::uuid[])
           union all select id::text, name, 'VISITOR' from visitor where id = any(?::uuid[])`,
          [pgArray(users), pgArray(visitors)],
        )
      : [];
    const byId = new Map(names.map((n) => [`${n.kind}:${n.id}`, n]));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      regionCode: r.region_code,
      regionName: r.region_name,
      startsOn: r.starts_on,
      endsOn: r.ends_on,
      createdAt: new Date(r.created_at),
      team: [
        ...r.team_user_ids.map((id) => byId.get(`USER:${id}`)).filter((n) => !!n),
        ...r.team_visitor_ids.map((id) => byId.get(`VISITOR:${id}`)).filter((n) => !!n),
      ],
    }));
  }

  // ---------------------------------------------------------------- tasks

  async tasks(
    roundId: string,
    regionCode: string | null | undefined,
    status: SurveyTaskStatus | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<ConnectionShape<SurveyTaskType>> {
    const actor = requireScope(this.ctx, Scope.SurveyRecord);
    const round = await this.findRound(actor, roundId);
    // The tasks the caller may see: inside both the round and their own area (and the village asked for).
    const area = round.region_code.length >= actor.regionCode.length ? round.region_code : actor.regionCode;
    const prefix = regionCode?.trim() ? (await regionInJurisdiction(this.ctx.em, actor, regionCode)).code : area;
    if (!isWithin(prefix, area) && !isWithin(area, prefix)) throw notFound('行政区划', 'region');
    const scope = prefix.length >= area.length ? prefix : area;
    const size = pageSize(first);
    const start = decodeOffset(after);
    const rows = await this.ctx.em.execute<(TaskRow & { total: string })[]>(
      `select ${TASK_COLUMNS}, count(*) over () as total
         from survey_task t join region g on g.code = t.region_code left join app_user u on u.id = t.recorded_by
        where t.round_id = ? and ${inSubtree('t.region_code')}
          and (?::text is null or (?::text = 'PENDING') = (t.result is null))
        order by t.region_code, t.name, t.id limit ? offset ?`,
      [round.id, scope, status ?? null, status ?? null, size + 1, start],
    );
    const nodes = await this.toTasks(rows.slice(0, size));
    return toConnection(nodes, (n) => encodeCursor([start + nodes.indexOf(n) + 1]), rows.length > size, start > 0, Number(rows[0]?.total ?? 0));
  }

  private async toTasks(rows: TaskRow[]): Promise<SurveyTaskType[]> {
    const elderIds = [...new Set(rows.flatMap((r) => (r.elder_id ? [r.elder_id] : [])))];
    const elders = elderIds.length ? await this.ctx.em.find(Elder, { id: { $in: elderIds } }, { populate: ['region'] }) : [];
    const byId = new Map(elders.map((e) => [e.id, e]));
    return rows.map((r) => ({
      id: r.id,
      roundId: r.round_id,
      regionCode: r.region_code,
      regionName: r.region_name,
      name: r.name,
      idNumber: maskIdNumber(r.id_number)!,
      sources: r.sources,
      onRoll: r.on_roll,
      elder: r.elder_id ? byId.get(r.elder_id) ?? null : null,
      candidateId: r.candidate_id,
      result: r.result,
      note: r.note,
      recordedBy: r.recorded_by_name,
      recordedAt: r.recorded_at ? new Date(r.recorded_at) : null,
    }));
  }

  // ---------------------------------------------------------------- results

  /**
   * A result for one person, once (results cannot be changed: a second one is CONFLICT). ELIGIBLE verifies the
   * archive, or registers one through the registry's own path (a pending candidate is enrolled, so its agency records
   * apply to the new archive). A candidate found not eligible, dead or moved away leaves the survey queue with the
   * result as the reason. Other results change no archive: closing one (death, move) is the registry's act.
   */
  async recordResult(taskId: string, result: SurveyResult, noteRaw: string | null | undefined, archive: SurveyArchiveInput | null | undefined): Promise<SurveyTaskType> {
    const actor = requireScope(this.ctx, Scope.SurveyRecord);
    const note = noteRaw?.trim() || null;
    const errors = new FieldErrors();
    if (!Object.values(SurveyResult).includes(result)) errors.add('result', '摸排结果无效', 'Unknown result');
    if (result === SurveyResult.NOT_ELIGIBLE && !note) errors.add('note', '“不符合条件”须填写原因', 'NOT_ELIGIBLE needs the reason in note');
    if (note && note.length > 500) errors.add('note', '说明最多500字', 'note: at most 500 characters');
    if (archive && result !== SurveyResult.ELIGIBLE) errors.add('archive', '只有“符合条件”才建档', 'archive is only for ELIGIBLE');
    errors.throwIfAny();

    await this.ctx.em.transactional(async (em) => {
      const [task] = isUuid(taskId)
        ? await em.execute<(TaskRow & { round_region: string; team_user_ids: string[] })[]>(
            `select t.*, r.region_code as round_region, r.team_user_ids
               from survey_task t join survey_round r on r.id = t.round_id where t.id = ? for update of t`,
            [taskId],
          )
        : [];
      if (!task || !isWithin(task.region_code, actor.regionCode)) throw notFound('摸排任务', 'survey task');
      // Those who run rounds may record anywhere in them; others only as members of the round's team.
      if (!actor.scopes.has(Scope.SurveyRun) && !task.team_user_ids.includes(actor.userId)) {
        throw forbidden('您不在本轮摸排的工作队伍中，不能录入结果', 'You are not on this round’s team');
      }
      if (task.result) {
        throw conflict(
          `该对象的摸排结果已录入（${RESULT_WORDS[task.result]}），结果不可更改`,
          `A result was already recorded for this person (${task.result}); results cannot be changed`,
          { result: task.result },
        );
      }
      const tx: RequestContext = { ...this.ctx, em };
      let elderId = task.elder_id;
      if (result === SurveyResult.ELIGIBLE) {
        elderId ??= await this.existingArchive(em, task.id_number);
        if (elderId) await markVerified(em, [elderId], this.today);
        else elderId = await this.register(tx, task, archive);
      } else if (task.candidate_id && DISMISSING.has(result)) {
        const [pending] = await em.execute<{ id: string }[]>(`select id from candidate where id = ? and status = 'PENDING'`, [task.candidate_id]);
        if (pending) await new AgenciesService(tx).dismissCandidate(task.candidate_id, `摸底排查：${RESULT_WORDS[result]}${note ? `（${note}）` : ''}`);
      }
      await em.execute(
        `update survey_task set result = ?, note = ?, recorded_by = ?, recorded_at = ?, elder_id = ? where id = ?`,
        [result, note, actor.userId, this.ctx.now(), elderId, task.id],
        'run',
      );
      await writeAudit(tx, [{
        action: AuditAction.SurveyResultRecord,
        elderId,
        regionCode: task.region_code,
        detail: { roundId: task.round_id, taskId: task.id, result, note, onRoll: task.on_roll, registered: !task.elder_id && !!elderId },
      }], em);
    });
    const [row] = await this.ctx.em.execute<TaskRow[]>(
      `select ${TASK_COLUMNS} from survey_task t join region g on g.code = t.region_code left join app_user u on u.id = t.recorded_by where t.id = ?`,
      [taskId],
    );
    return (await this.toTasks([row!]))[0]!;
  }

  /** An archive registered since the task list was built (someone else registered the person meanwhile). */
  private async existingArchive(em: EntityManager, idNumber: string): Promise<string | null> {
    const [row] = await em.execute<{ id: string; region_code: string }[]>(`select id, region_code from elder where id_number = ?`, [idNumber]);
    if (!row) return null;
    if (!isWithin(row.region_code, this.ctx.actor!.regionCode)) {
      throw conflict('此人已在其他地区建档，请联系其所在地区核实', 'This person has an archive in another region: contact that region to verify it');
    }
    return row.id;
  }

  /** ELIGIBLE without an archive: the registry's registration (or a candidate's enrollment), on this transaction. */
  private async register(tx: RequestContext, task: TaskRow, archive: SurveyArchiveInput | null | undefined): Promise<string> {
    const { name, regionCode, ...fields } = archive ?? {};
    const village = regionCode?.trim() || task.region_code;
    if (village.length !== 12) {
      throw badInput('此人所在村（社区）未知：请在建档信息中选择村（社区）', 'The village is unknown: give archive.regionCode', 'archive.regionCode');
    }
    const elderName = name?.trim() || task.name || '';
    if (task.candidate_id) {
      const [pending] = await tx.em.execute<{ id: string }[]>(`select id from candidate where id = ? and status = 'PENDING'`, [task.candidate_id]);
      if (pending) {
        const enrolled = await new AgenciesService(tx).enrollCandidate(task.candidate_id, { name: elderName, regionCode: village });
        const rest = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
        if (Object.keys(rest).length > 0) await new ElderService(tx).update(enrolled.id, enrolled.version, rest);
        return enrolled.id;
      }
    }
    const input = { ...fields, name: elderName, idNumber: task.id_number, regionCode: village } as RegisterElderInput;
    const elder = await new ElderService(tx).register(input);
    return elder.id;
  }

  // ---------------------------------------------------------------- progress

  /**
   * Tasks, surveyed and left per village and for the round, and coverage (底数清) = roll people with a result ÷ roll
   * people; null, said in words, where no roll was synced. One grouped statement over the round's progress index.
   */
  async progress(roundId: string): Promise<SurveyProgressType> {
    const actor = requireScope(this.ctx, Scope.SurveyRecord);
    const round = await this.findRound(actor, roundId);
    const area = round.region_code.length >= actor.regionCode.length ? round.region_code : actor.regionCode;
    const rows = await this.ctx.em.execute<{ region_code: string; region_name: string; tasks: number; surveyed: number; roll: number; roll_surveyed: number }[]>(
      `select t.region_code, g.name as region_name, count(*)::int as tasks, count(t.result)::int as surveyed,
              count(*) filter (where t.on_roll)::int as roll, count(t.result) filter (where t.on_roll)::int as roll_surveyed
         from survey_task t join region g on g.code = t.region_code
        where t.round_id = ? and ${inSubtree('t.region_code')}
        group by t.region_code, g.name order by t.region_code`,
      [round.id, area],
    );
    const [areaRow] = await this.ctx.em.execute<{ name: string }[]>(`select name from region where code = ?`, [area]);
    const villages = rows.map((r) => figures(r.region_code, r.region_name, r.tasks, r.surveyed, r.roll, r.roll_surveyed, 'village'));
    const sum = (k: 'tasks' | 'surveyed' | 'roll' | 'roll_surveyed') => rows.reduce((n, r) => n + r[k], 0);
    return {
      roundId: round.id,
      total: figures(area, areaRow?.name ?? round.region_name, sum('tasks'), sum('surveyed'), sum('roll'), sum('roll_surveyed'), 'round'),
      villages,
    };
  }
}

function figures(regionCode: string, regionName: string, tasks: number, surveyed: number, roll: number, rollSurveyed: number, level: 'village' | 'round'): SurveyProgressFiguresType {
  const coverage = roll > 0 ? rollSurveyed / roll : null;
  const coverageNote =
    coverage === null
      ? level === 'round'
        ? '公安尚未同步本区域的户籍老年人名册（60周岁以上），无法计算覆盖率'
        : '户籍老年人名册中没有本村（社区）的人员，无法计算覆盖率'
      : `名册 ${roll} 人，已摸排 ${rollSurveyed} 人，覆盖率 ${(coverage * 100).toFixed(1)}%`;
  return { regionCode, regionName, tasks, surveyed, left: tasks - surveyed, rollPeople: roll, rollSurveyed, coverage, coverageNote };
}
