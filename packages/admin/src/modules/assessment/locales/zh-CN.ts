// Strings of the assessment page (考核). One namespace; English has the same keys (the type checks it).
import type { ReportTimeliness } from '../../../gql/graphql';

const zhCN = {
  assessment: {
    nav: '考核排名',
    title: '探访关爱服务考核',
    period: '考核月份',
    region: '地区',
    regionPlaceholder: '本辖区',
    range: '{from} 至 {to}，探访率统计截止 {asOf}',
    targets: '目标探访率：{targets}',
    suppressed: '“*”为保护个人信息隐去的1至4的计数及由其算出的比率、均值',
    weightingTitle: '计分方法',
    weighting:
      '得分（0-100）按有数据的部分加权：探访 40%（各类别“探访率÷目标”封顶为1后取平均），预警按时确认 15%，满意度 15%（1-4分折算），按时报送 15%（首次报送不晚于期限得满分，逾期或过期未报为0），抽查核实率 15%（属实÷（属实+不属实），联系不上的不计）；某部分无数据（本期无预警、无满意度评价、报送未到期限、未抽查）则不计入，其余权重按比例放大。转介答复用时只展示不计分（反映的是承接部门）。得分相同名次相同。',
    verification: '抽查核实率',
    verificationCount: '（核实 {n} 条）',
    report: '报送',
    reportDue: '期限 {date}',
    timeliness: { ON_TIME: '按时', LATE: '逾期', NOT_YET_DUE: '未到期限' } satisfies Record<ReportTimeliness, string>,
    rank: '排名',
    name: '乡镇（街道）',
    score: '得分',
    eldersToVisit: '应探访人数',
    visitRate: '探访率',
    classRate: '{cls}类探访率',
    alerts: '新增预警',
    ackOnTime: '按时确认率',
    ackMinutes: '平均确认用时',
    referrals: '转介（已答复）',
    referralResponse: '转介平均答复用时',
    referralOutcome: '转介平均处置用时',
    satisfaction: '满意度均分',
    satisfactionCount: '（{n} 条评价）',
    noScore: '无数据',
    download: '导出 xlsx',
    downloaded: '已下载 {file}',
    downloadFailed: '导出失败：{message}',
    empty: '该地区没有下一级地区可考核',
    minutes: '{n} 分钟',
    hours: '{n} 小时',
    days: '{n} 天',
  },
} as const;

export default zhCN;
