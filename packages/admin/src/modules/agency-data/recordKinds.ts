import { Scope } from '@tanfang/schema';
import { LABELS, date, enumOf, grade, idNumber, int, maxText, text, villageOrCode, type ColumnSpec, type SheetSpec } from '../../spreadsheets';

// The record kinds a partner agency may send (mirrors RECORD_KINDS in packages/api/src/modules/agencies/sync.kinds.ts
// and the inputs of sync.types.ts), as the columns of the sheets agencies keep: Chinese headers and values, with the
// GraphQL field names still accepted as headers and the codes as values, so integrators' CSVs keep working.

export interface RecordKindSpec {
  kind: RecordKindName;
  agency: 'POLICE' | 'HEALTH' | 'DISABILITY' | 'HOUSING';
  scope: string;
  sheet: SheetSpec;
}

export type RecordKindName =
  | 'RESIDENCE_CHANGE'
  | 'DEATH_REGISTRATION'
  | 'MISSING_PERSON'
  | 'INCIDENT'
  | 'ANTI_FRAUD_OUTREACH'
  | 'RESIDENT_ROLL'
  | 'FAMILY_PLANNING_SPECIAL'
  | 'INCAPACITY_ASSESSMENT'
  | 'FAMILY_DOCTOR_CONTRACT'
  | 'HEALTH_CHECK'
  | 'CHRONIC_FOLLOW_UP'
  | 'DISABILITY_CERTIFICATE'
  | 'HOUSING_APPRAISAL'
  | 'HOUSING_RENOVATION';

const col = (key: string, header: string, parse: ColumnSpec['parse'], more: Partial<ColumnSpec> = {}): ColumnSpec => ({
  key,
  header,
  parse,
  ...('allowed' in parse ? { allowed: (parse as { allowed: string[] }).allowed } : {}),
  ...more,
});
const day = (key: string, header: string, synonyms: string[], required = true) =>
  col(key, header, date({ notFuture: true }), { synonyms, required, example: '2024年5月1日' });

/** Every record carries these: the agency's own id and version, and whom it is about. */
const BASE: ColumnSpec[] = [
  col('externalId', '部门记录编号', maxText(100), {
    synonyms: ['记录编号', '业务编号', '编号'],
    note: '本部门系统中的记录编号，同一编号再次上传即为更新；不填时按本表说明自动生成',
    example: 'CDPF-0001',
  }),
  col('idNumber', '公民身份号码', idNumber(), { required: true, synonyms: ['身份证号', '身份证号码', '身份证', '证件号码', '身份证件号码'], example: '440783194803070021' }),
  col('name', '姓名', text, { synonyms: ['名字', '老人姓名'], example: '欧阳桂英' }),
  col('regionCode', '所在村（社区）', villageOrCode, {
    synonyms: ['村（社区）', '村(居)', '村居', '所在村', '所在社区', '区划代码', '行政区划代码'],
    note: '村或社区名称（重名时写“镇街+村”），或12位区划代码；只在系统中尚无档案时用于列入摸排',
    example: '东河社区',
  }),
  col('sourceVersion', '版本号', int({ min: 0 }), { synonyms: ['版本'] }),
];

interface KindDef {
  kind: RecordKindName;
  agency: RecordKindSpec['agency'];
  scope: string;
  title: string;
  fields: ColumnSpec[];
  /** Without a 部门记录编号 column, the record id is these values joined: one person's one event. */
  externalIdFrom: string[];
}

const police = { agency: 'POLICE', scope: Scope.AgencyPoliceWrite } as const;
const health = { agency: 'HEALTH', scope: Scope.AgencyHealthWrite } as const;
const housing = { agency: 'HOUSING', scope: Scope.AgencyHousingWrite } as const;

const DEFS: KindDef[] = [
  {
    kind: 'RESIDENCE_CHANGE',
    ...police,
    title: '户籍居住地变化',
    fields: [
      col('newRegionCode', '迁入地村（社区）', villageOrCode, { required: true, synonyms: ['迁入地', '新居住地', '迁入地区划代码'], example: '东河社区', note: '辖区外的迁入地请填12位区划代码' }),
      col('newAddress', '迁入地址', text, { synonyms: ['新地址', '现住址'] }),
      day('movedOn', '迁移日期', ['迁入日期', '变动日期']),
    ],
    externalIdFrom: ['idNumber', 'movedOn'],
  },
  {
    kind: 'DEATH_REGISTRATION',
    ...police,
    title: '死亡登记',
    fields: [day('diedOn', '死亡日期', ['死亡时间']), col('certificateNumber', '死亡证明编号', text, { synonyms: ['死亡医学证明编号', '证明编号'] })],
    externalIdFrom: ['idNumber', 'diedOn'],
  },
  {
    kind: 'MISSING_PERSON',
    ...police,
    title: '走失报告',
    fields: [day('reportedOn', '报告日期', ['报失日期', '报案日期']), day('foundOn', '找回日期', ['寻回日期'], false)],
    externalIdFrom: ['idNumber', 'reportedOn'],
  },
  {
    kind: 'INCIDENT',
    ...police,
    title: '侵害诈骗案事件',
    fields: [
      col('incidentKind', '案事件类型', enumOf({ ABUSE: '侵害', FRAUD: '诈骗' }, { ABUSE: ['虐待', '侵害老年人'], FRAUD: ['电信诈骗', '诈骗老年人'] }), { required: true, synonyms: ['类型', '案件类型'] }),
      day('occurredOn', '发生日期', ['案发日期', '发生时间']),
      col('summary', '简要案情', text, { required: true, synonyms: ['案情', '摘要'] }),
    ],
    externalIdFrom: ['idNumber', 'occurredOn', 'incidentKind'],
  },
  {
    kind: 'ANTI_FRAUD_OUTREACH',
    ...police,
    title: '反诈宣传',
    fields: [day('deliveredOn', '宣传日期', ['日期']), col('topic', '宣传主题', text, { required: true, synonyms: ['主题', '宣传内容'] })],
    externalIdFrom: ['idNumber', 'deliveredOn'],
  },
  {
    // 户籍老年人名册: the survey's denominator. One row per resident aged 60+ on the extract's date; a new extract is a
    // new set of records, so the number is built from the person and the extract's date.
    kind: 'RESIDENT_ROLL',
    ...police,
    title: '户籍老年人名册',
    fields: [day('listedOn', '名册日期', ['名册截止日期', '统计日期', '登记日期', '截止日期'])],
    externalIdFrom: ['idNumber', 'listedOn'],
  },
  {
    kind: 'FAMILY_PLANNING_SPECIAL',
    ...health,
    title: '计划生育特殊家庭',
    fields: [
      col('familyPlanningKind', '特殊家庭类型', enumOf(LABELS.familyPlanningKind, { ONLY_CHILD_DECEASED: ['失独'], ONLY_CHILD_DISABLED: ['伤残'] }), { required: true, synonyms: ['家庭类型', '类型'] }),
      day('recognizedOn', '认定日期', ['确认日期']),
    ],
    externalIdFrom: ['idNumber', 'recognizedOn'],
  },
  {
    kind: 'INCAPACITY_ASSESSMENT',
    ...health,
    title: '失能评估',
    fields: [
      col(
        'level',
        '失能等级',
        enumOf({ NONE: '未失能', PARTIAL: '部分失能', FULL: '完全失能' }, { NONE: ['能力完好', '正常', '无'], PARTIAL: ['轻度失能', '中度失能', '半失能'], FULL: ['重度失能', '全失能'] }),
        { required: true, synonyms: ['评估结果', '失能程度'] },
      ),
      day('assessedOn', '评估日期', ['评估时间']),
    ],
    externalIdFrom: ['idNumber', 'assessedOn'],
  },
  {
    kind: 'FAMILY_DOCTOR_CONTRACT',
    ...health,
    title: '家庭医生签约',
    fields: [
      col('doctorName', '签约医生', text, { required: true, synonyms: ['家庭医生', '医生姓名'] }),
      day('signedOn', '签约日期', ['签约时间']),
      col('expiresOn', '到期日期', date(), { synonyms: ['有效期至', '截止日期'] }),
    ],
    externalIdFrom: ['idNumber', 'signedOn'],
  },
  {
    kind: 'HEALTH_CHECK',
    ...health,
    title: '老年人健康体检',
    fields: [day('checkedOn', '体检日期', ['体检时间']), col('summary', '体检结论', text, { synonyms: ['结论', '摘要'] })],
    externalIdFrom: ['idNumber', 'checkedOn'],
  },
  {
    kind: 'CHRONIC_FOLLOW_UP',
    ...health,
    title: '慢病随访',
    fields: [col('disease', '慢性病种类', text, { required: true, synonyms: ['病种', '疾病名称', '慢病'] }), day('followedOn', '随访日期', ['随访时间'])],
    externalIdFrom: ['idNumber', 'followedOn', 'disease'],
  },
  {
    kind: 'DISABILITY_CERTIFICATE',
    agency: 'DISABILITY',
    scope: Scope.AgencyDisabilityWrite,
    title: '残疾人证',
    fields: [
      col('certificateNumber', '残疾人证号', text, { required: true, synonyms: ['残疾证号', '证号'], example: '44078319480307002142', note: '身份证号加类别、等级两位数字' }),
      col('category', '残疾类别', enumOf(LABELS.disabilityCategory), { required: true, synonyms: ['类别', '残疾类型'], example: '肢体' }),
      col('grade', '残疾等级', grade, { required: true, synonyms: ['等级', '级别'], allowed: ['一级', '二级', '三级', '四级'], example: '二级' }),
      day('issuedOn', '发证日期', ['发证时间', '办证日期']),
      day('cancelledOn', '注销日期', ['注销时间'], false),
    ],
    externalIdFrom: ['certificateNumber'],
  },
  {
    kind: 'HOUSING_APPRAISAL',
    ...housing,
    title: '房屋安全鉴定',
    fields: [
      col('grade', '鉴定等级', enumOf({ A: 'A级', B: 'B级', C: 'C级', D: 'D级' }), { required: true, synonyms: ['危险等级', '房屋等级', '等级'] }),
      day('appraisedOn', '鉴定日期', ['鉴定时间']),
    ],
    externalIdFrom: ['idNumber', 'appraisedOn'],
  },
  {
    kind: 'HOUSING_RENOVATION',
    ...housing,
    title: '危房改造适老化改造',
    fields: [
      col('renovationKind', '改造类型', enumOf({ DANGEROUS_HOUSING: '危房改造', AGE_FRIENDLY: '适老化改造' }), { required: true, synonyms: ['类型'] }),
      col('status', '改造进度', enumOf({ PLANNED: '计划', IN_PROGRESS: '实施中', DONE: '已完成' }, { PLANNED: ['未开工', '待实施'], IN_PROGRESS: ['施工中', '在建'], DONE: ['竣工', '完成'] }), {
        required: true,
        synonyms: ['进度', '状态'],
      }),
      day('updatedOn', '更新日期', ['进度日期']),
    ],
    externalIdFrom: ['idNumber', 'renovationKind'],
  },
];

function sheetOf(d: KindDef): SheetSpec {
  const headerOf = (key: string) => [...BASE, ...d.fields].find((c) => c.key === key)!.header;
  const from = d.externalIdFrom.map(headerOf).join('＋');
  return {
    title: d.title,
    columns: [...BASE.map((c) => (c.key === 'externalId' ? { ...c, note: `${c.note}：${from}` } : c)), ...d.fields],
    notes: [`“部门记录编号”不填时，系统用“${from}”作为编号：同一人同一事项再次上传即为更新。`, '日期可写作 2024年5月1日、2024-05-01、2024/5/1 或 20240501。'],
    finish(record, problem) {
      if (record.externalId) return;
      const parts = d.externalIdFrom.map((k) => record[k]);
      if (parts.some((p) => p === undefined || p === '')) problem('externalId', `不能为空（也无法由“${from}”生成）`);
      else record.externalId = parts.join('-').slice(0, 100);
    },
  };
}

export const RECORD_KINDS: readonly RecordKindSpec[] = DEFS.map((d) => ({ kind: d.kind, agency: d.agency, scope: d.scope, sheet: sheetOf(d) }));

export const WRITE_SCOPES = [...new Set(RECORD_KINDS.map((k) => k.scope))];

export function kindSpec(kind: string): RecordKindSpec | undefined {
  return RECORD_KINDS.find((k) => k.kind === kind);
}
