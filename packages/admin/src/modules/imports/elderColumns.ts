import { LABELS, bool, date, decimal, enumList, enumOf, grade, idNumber, maxText, phone, text, village, type ColumnSpec, type SheetSpec } from '../../spreadsheets';

// The registry import's columns: every field of the 基本信息登记表 a flat sheet can carry, in the form's order, plus
// 建档日期 and 备注/来源. Two emergency contacts and one helping unit as repeated column groups; household members
// are left to the archive's detail form (a list of people with their own ID numbers does not fit one row).

const col = (key: string, header: string, parse: ColumnSpec['parse'], more: Partial<ColumnSpec> = {}): ColumnSpec => ({
  key,
  header,
  parse,
  ...('allowed' in parse ? { allowed: (parse as { allowed: string[] }).allowed } : {}),
  ...more,
});

const circumstance = enumOf(LABELS.circumstance, { LIVING_ALONE: ['独居老人'], EMPTY_NEST: ['空巢老人'], LEFT_BEHIND: ['留守老人'], MINIMUM_ALLOWANCE: ['低保对象', '低保户'], EXTREME_POVERTY: ['特困', '特困人员', '五保'] });
const contactKind = enumOf(LABELS.contactKind, { CHILD: ['子女', '儿子', '女儿'], RELATIVE: ['亲属', '亲戚', '近亲属'], VILLAGE_WORKER: ['村干部', '村委', '居委', '网格员'] });

function contact(n: 1 | 2): ColumnSpec[] {
  const group = `emergencyContacts.${n - 1}`;
  const also = n === 1 ? ['紧急联系人', '紧急联系人姓名', '联系人姓名', '联系人'] : [];
  return [
    col(`${group}.name`, `联系人${n}姓名`, maxText(50), { group, required: true, synonyms: [`紧急联系人${n}`, `紧急联系人${n}姓名`, `联系人${n}`, ...also], example: n === 1 ? '关伟明' : '' }),
    col(`${group}.relation`, `联系人${n}关系`, maxText(20), { group, synonyms: [`紧急联系人${n}关系`, `联系人${n}与老人关系`, ...(n === 1 ? ['与老人关系', '联系人关系'] : [])], example: n === 1 ? '儿子' : '' }),
    col(`${group}.phone`, `联系人${n}电话`, phone, { group, required: true, synonyms: [`紧急联系人${n}电话`, ...(n === 1 ? ['紧急联系人电话', '联系人电话'] : [])], example: n === 1 ? '13800138000' : '' }),
    col(`${group}.kind`, `联系人${n}类别`, contactKind, { group, synonyms: [`紧急联系人${n}类别`], note: '子女、近亲属或村（居）委会工作人员；不填时按“关系”判断（儿子、女儿等为子女，村委、居委为工作人员，其余为近亲属）' }),
  ];
}

export const ELDER_COLUMNS: ColumnSpec[] = [
  col('name', '姓名', maxText(50), { required: true, synonyms: ['名字', '老人姓名', '老年人姓名'], example: '关桂英' }),
  col('gender', '性别', text, { displayOnly: true, note: '由身份证号自动得出，可不填（填了也不会导入）' }),
  col('idNumber', '公民身份号码', idNumber(), { required: true, synonyms: ['身份证号', '身份证号码', '身份证', '证件号码', '身份证件号码'], example: '440783194803070021', note: '18位，末位可为 X；请把该列设为“文本”格式，以免 Excel 把号码改成科学计数法' }),
  col('birthDate', '出生日期', text, { displayOnly: true, synonyms: ['出生年月', '年龄'], note: '由身份证号自动得出，可不填' }),
  col('phone', '联系电话', phone, { synonyms: ['电话', '手机', '手机号', '手机号码', '联系方式', '本人电话'], example: '13800138000' }),
  col('regionCode', '所在村（社区）', village, {
    required: true,
    synonyms: ['村（社区）', '村(居)', '村居', '所在村', '所在社区', '村委会', '居委会', '所属村居', '村（居）委会', '区划代码'],
    example: '东河社区',
    note: '本辖区内的村或社区名称；不同镇街有重名时写“镇街+村”，如 三埠街道东河社区；也可填12位区划代码',
  }),
  col('addressDetail', '详细地址', maxText(200), { synonyms: ['地址', '家庭住址', '住址', '现住址', '居住地址'], example: '东河路12号' }),
  col('livesAtRegisteredResidence', '是否居住在户籍所在地', bool, { synonyms: ['居住在户籍所在地', '是否户籍地居住', '户籍地居住'], allowed: ['是', '否'], example: '是' }),
  col('circumstances', '困难情形', enumList(circumstance), {
    synonyms: ['特殊困难情形', '困难类型', '老人类型', '类型'],
    allowed: circumstance.allowed,
    example: '独居、低保',
    note: '可填多项，用顿号或逗号隔开；高龄、重残由出生日期和残疾等级自动判断，不必填写',
  }),
  col('incapacityLevel', '失能程度', enumOf(LABELS.incapacityLevel, { PARTIAL: ['半失能', '轻度失能', '中度失能'], FULL: ['全失能', '重度失能'] }), { synonyms: ['失能等级'] }),
  col('disability.certificateNumber', '残疾人证号', text, { synonyms: ['残疾证号'], example: '' }),
  col('disability.category', '残疾类别', enumOf(LABELS.disabilityCategory), { synonyms: ['残疾类型'] }),
  col('disability.grade', '残疾等级', grade, { allowed: ['一级', '二级', '三级', '四级'] }),
  col('familyPlanningKind', '计划生育特殊家庭类型', enumOf(LABELS.familyPlanningKind, { ONLY_CHILD_DECEASED: ['失独'] }), { synonyms: ['计生特殊家庭', '计划生育特殊家庭'] }),
  col('extremePovertyKind', '特困供养方式', enumOf(LABELS.extremePovertyKind), { synonyms: ['供养方式'] }),
  col('temporaryDifficulty', '阶段性临时困难情况', maxText(500), { synonyms: ['临时困难', '阶段性临时困难'] }),
  col('temporaryDifficultyUntil', '临时困难预计结束日期', date(), {
    synonyms: ['预计结束日期', '临时困难结束日期', '困难结束日期'],
    example: '2025年6月30日',
    note: '只与“阶段性临时困难情况”一起填写；过了这一天，档案列入重新核实名单',
  }),
  col('livingConditions.waterSafe', '饮水安全', bool, { synonyms: ['饮水是否安全'], allowed: ['是', '否'] }),
  col('livingConditions.electricitySafe', '用电安全', bool, { synonyms: ['用电是否安全'], allowed: ['是', '否'] }),
  col('livingConditions.housingSafe', '住房安全', bool, { synonyms: ['住房是否安全'], allowed: ['是', '否'] }),
  col('livingConditions.householdMonthlyIncome', '家庭月收入（元）', decimal({ min: 0 }), { synonyms: ['家庭每月收入（元）', '家庭月收入', '月收入'] }),
  col('livingConditions.monthlyBenefits', '每月领取补贴（元）', decimal({ min: 0 }), {
    synonyms: ['每月领取养老保险、社会救助和社会福利补贴（元）', '每月补贴', '月补贴（元）'],
    note: '每月领取的养老保险、社会救助和社会福利补贴合计',
  }),
  col('livingConditions.benefitsNote', '补贴说明', maxText(200)),
  ...contact(1),
  ...contact(2),
  col('helpReceived.0.unitType', '帮扶单位类型', enumOf(LABELS.helpUnitType, { STREET_VILLAGE_COMMITTEE: ['村委会', '居委会', '街道', '乡镇'], PARTY_GOVERNMENT: ['党政机关'], PROFESSIONAL_SOCIAL_WORKER: ['社工'] }), {
    group: 'helpReceived.0',
    required: true,
  }),
  col('helpReceived.0.unitName', '帮扶单位名称', maxText(100), { group: 'helpReceived.0' }),
  col('helpReceived.0.measures', '帮扶措施', maxText(500), { group: 'helpReceived.0', required: true, synonyms: ['已享受帮扶', '帮扶情况'] }),
  // 意愿: the form's 是否愿意接受探访. 否 needs the written refusal (拒绝日期, 拒绝原因, 排查人员), sent as `refusal`.
  col('willing', '是否愿意接受探访', bool, {
    synonyms: ['是否愿意接受探访服务', '意愿', '是否接受探访', '愿意接受探访'],
    allowed: ['是', '否'],
    example: '是',
    note: '不填视为愿意；填“否”时须同时填写拒绝日期、拒绝原因和排查人员，档案建立后停止探访要求（老人仍在册）',
  }),
  col('refusal.refusedOn', '拒绝日期', date({ notFuture: true }), { group: 'refusal', required: true, synonyms: ['拒绝探访日期'], note: '老人（或家属）书面拒绝探访的日期，不能晚于今天' }),
  col('refusal.reason', '拒绝原因', maxText(500), { group: 'refusal', required: true, synonyms: ['拒绝探访原因', '不愿意原因'], note: '至少 2 个字' }),
  col('refusal.talkedWith', '排查人员', maxText(50), { group: 'refusal', required: true, synonyms: ['沟通人员', '谈话人员', '排查人'], note: '与老人或家属沟通的人员' }),
  col('registeredOn', '建档日期', date({ notFuture: true }), { synonyms: ['登记日期', '建档时间', '摸排日期'], example: '2024年5月1日', note: '不填为今天；不能晚于今天。探访记录可追溯到建档日期' }),
  col('sourceRef', '备注', maxText(200), { synonyms: ['来源', '备注/来源', '说明'], note: '自由填写，会随结果返回；不填时为“文件名 第N行”' }),
];

const CHILD = /^(子|女|儿|儿子|女儿|长子|次子|长女|次女|养子|养女|继子|继女)$/;
const WORKER = /(村|居|委|网格|社工|干部)/;

export const ELDER_SHEET: SheetSpec = {
  title: '特殊困难老年人基本信息登记表',
  columns: ELDER_COLUMNS,
  uniqueKey: 'idNumber',
  notes: [
    '一行一位老人。“公民身份号码”是唯一标识：已在本辖区建档的老人不会重复建档，会显示与档案不同的字段。',
    '紧急联系人最多填两位（联系人1、联系人2）；已享受帮扶填一项。更多联系人、家庭成员和其他帮扶情况请导入后在档案详情中补充。',
    '性别、出生日期、年龄由身份证号自动得出；年满60周岁方可建档。',
    '“是否愿意接受探访”填“否”的老人照常建档，同时登记书面拒绝（拒绝日期、拒绝原因、排查人员三项都要填）；之后老人同意探访时，请在档案详情中“撤回拒绝”。',
    '日期可写作 2024年5月1日、2024-05-01、2024/5/1、2024.5.1 或 20240501；是/否 也可写作 √/×、有/无。',
    '表头可以不在第一行（上面可以有标题行）；列的顺序可以不同；不认识的列会请您选择对应字段或忽略。',
  ],
  finish(record, problem) {
    // 意愿: 否 with the written refusal becomes `refusal`; 是 (or empty) with refusal columns filled is a contradiction.
    const willing = record.willing;
    delete record.willing;
    if (willing === false && !record.refusal) problem('willing', '不愿意接受探访时，请填写拒绝日期、拒绝原因和排查人员');
    if (willing === true && record.refusal) problem('willing', '填写了拒绝日期等拒绝信息，“是否愿意接受探访”应为“否”');
    if (willing === undefined && record.refusal) problem('willing', '填写了拒绝信息，请把“是否愿意接受探访”填为“否”');
    // A contact's kind from the relation when the kind column is empty (the form asks children first).
    for (const c of (record.emergencyContacts as Record<string, unknown>[] | undefined) ?? []) {
      if (c.kind) continue;
      const relation = String(c.relation ?? '');
      c.kind = CHILD.test(relation) ? 'CHILD' : WORKER.test(relation) ? 'VILLAGE_WORKER' : 'RELATIVE';
    }
  },
};

/** Input field names (the API's `differences`) in words. */
export const ELDER_FIELD_WORDS: Record<string, string> = {
  name: '姓名',
  idNumber: '公民身份号码',
  phone: '联系电话',
  regionCode: '所在村（社区）',
  addressDetail: '详细地址',
  livesAtRegisteredResidence: '是否居住在户籍所在地',
  circumstances: '困难情形',
  incapacityLevel: '失能程度',
  disability: '残疾情况',
  familyPlanningKind: '计划生育特殊家庭类型',
  extremePovertyKind: '特困供养方式',
  temporaryDifficulty: '阶段性临时困难情况',
  temporaryDifficultyUntil: '临时困难预计结束日期',
  livingConditions: '家庭生活条件',
  emergencyContacts: '紧急联系人',
  householdMembers: '家庭成员',
  helpReceived: '已享受帮扶情况',
  registeredOn: '建档日期',
  refusal: '是否愿意接受探访（书面拒绝）',
  sourceRef: '备注',
};
