import { LABELS, bool, date, enumList, enumOf, idNumber, int, maxText, phone, text, type ColumnSpec, type SheetSpec } from '../../spreadsheets';

// The historical visits ledger: the columns of the 探访关爱服务记录表 in its order. The ID number identifies the
// elder (姓名 is only shown, to check the row); the visitor is matched by name (and phone) among those serving the
// elder's village or town.

const col = (key: string, header: string, parse: ColumnSpec['parse'], more: Partial<ColumnSpec> = {}): ColumnSpec => ({
  key,
  header,
  parse,
  ...('allowed' in parse ? { allowed: (parse as { allowed: string[] }).allowed } : {}),
  ...more,
});

const trend = (key: string, header: string, synonyms: string[] = []) => col(key, header, enumOf(LABELS.trend, { BETTER: ['好', '良好', '好转'], UNCHANGED: ['无', '正常', '一般'], WORSE: ['差', '变差'] }), { synonyms });
const safety = (key: string, header: string, synonyms: string[] = []) => col(key, header, enumOf(LABELS.safety, { SAFE: ['是', '√', '无隐患'], UNSAFE: ['否', '×', '有隐患'] }), { synonyms });
const careKind = enumOf(LABELS.careKind, { CLEANING: ['打扫', '清洁'], LAUNDRY: ['洗衣'], MEAL: ['送餐'], MEDICAL: ['陪诊', '就医'] });

export const VISIT_SHEET: SheetSpec = {
  title: '探访关爱服务记录表',
  columns: [
    col('idNumber', '公民身份号码', idNumber(), { required: true, synonyms: ['身份证号', '身份证号码', '身份证', '老人身份证号', '被探访人身份证号'], example: '440783194803070021', note: '老人档案须在本辖区内' }),
    col('elderName', '姓名', text, { displayOnly: true, synonyms: ['老人姓名', '被探访人', '被探访人姓名'], note: '仅用于核对，不导入：以身份证号为准' }),
    col('visitedOn', '探访日期', date({ notFuture: true }), { required: true, synonyms: ['探访时间', '日期'], example: '2024年5月1日', note: '不能晚于今天，也不能早于老人建档日期' }),
    col('method', '探访方式', enumOf(LABELS.visitMethod, { HOME: ['上门', '入户', '上门探访'], PHONE: ['电话', '电话探访'], VIDEO: ['视频', '视频通话', '微信视频', '音视频'], REMOTE: ['远程', '智能设备'] }), { required: true, synonyms: ['方式'], example: '上门入户' }),
    col('visitorName', '探访人', maxText(50), { required: true, synonyms: ['探访人员', '探访人姓名', '联系人'], example: '李志强', note: '按姓名（及电话）匹配为老人所在村或镇街的探访人员；未匹配时按原文保留并提示' }),
    col('visitorPhone', '探访人电话', phone, { synonyms: ['探访人员电话', '探访人联系电话'] }),
    col('location', '探访地点', maxText(100), { synonyms: ['地点'] }),
    col('durationMinutes', '探访时长（分钟）', int({ min: 0, max: 1440, unit: '分钟' }), { synonyms: ['时长', '探访时长'] }),
    col('householdChange', '家庭人口变化', enumOf(LABELS.householdChange, { UNCHANGED: ['无', '否'] }), { synonyms: ['家庭人口', '家庭变化'] }),
    col('householdChangeCount', '变化人数', int({ min: 0, max: 50, unit: '人' })),
    trend('expression', '表达能力'),
    trend('mobility', '行动能力'),
    col('disease', '疾病状况', enumOf(LABELS.disease, { SERIOUS: ['重病', '严重疾病'], BETTER: ['好转'] }), { synonyms: ['疾病'] }),
    col('diseaseName', '疾病名称', maxText(100)),
    trend('mood', '情绪状态', ['精神状态', '情绪']),
    safety('gasSafety', '燃气安全'),
    safety('waterHeatingSafety', '水暖安全'),
    safety('electricitySafety', '用电安全'),
    col('housingUnsafe', '住房存在安全隐患', bool, { synonyms: ['住房隐患', '房屋安全隐患'], allowed: ['是', '否'] }),
    col('unattended', '无人照料', bool, { synonyms: ['是否无人照料'], allowed: ['是', '否'] }),
    trend('personalHygiene', '个人卫生'),
    trend('homeHygiene', '家庭卫生'),
    trend('indoorEnvironment', '室内环境', ['居住环境']),
    col('serviceNeeds', '老年人服务需求', maxText(500), { synonyms: ['服务需求', '需求'] }),
    col('careSuggestions', '实施关爱服务建议', maxText(500), { synonyms: ['关爱服务建议', '建议'] }),
    col('careServiceKinds', '关爱服务', enumList(careKind), { synonyms: ['关爱服务类别', '提供的关爱服务', '服务项目'], allowed: careKind.allowed, example: '打扫卫生、理发', note: '本次提供的关爱服务，可填多项；服务日期为探访当天' }),
    col('careServiceContent', '关爱服务内容', maxText(500), { synonyms: ['服务内容'] }),
    col('visitorSigned', '探访人员签字', bool, { synonyms: ['探访人签字'], allowed: ['是', '否'] }),
    col('elderSigned', '被探访人签字', bool, { synonyms: ['老人签字'], allowed: ['是', '否'] }),
    col('satisfaction', '满意度', enumOf(LABELS.satisfaction), { synonyms: ['老年人服务满意度评价', '服务满意度'] }),
    col('notes', '备注', maxText(500)),
  ],
  notes: [
    '一行一次探访。老人以“公民身份号码”识别，须已在本辖区建档；“姓名”仅供核对。',
    '同一老人、同一天、同一方式、同一探访人的记录已存在时不会重复导入。',
    '各项情况按记录表填写中文：表达能力、行动能力等填“较好/无变化/较差”，安全情况填“安全/较安全/不安全”。',
  ],
  finish(record) {
    // 关爱服务 (a list of kinds in one cell) and its content become the record's careServices.
    const kinds = record.careServiceKinds as string[] | undefined;
    const content = record.careServiceContent as string | undefined;
    delete record.careServiceKinds;
    delete record.careServiceContent;
    if (kinds?.length) record.careServices = kinds.map((kind, i) => (i === 0 && content ? { kind, content } : { kind }));
    else if (content) record.careServices = [{ kind: 'OTHER', content }];
  },
};
