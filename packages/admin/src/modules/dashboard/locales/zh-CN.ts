// Strings of the dashboard (工作台). One namespace; English has the same keys (the type checks it).
const zhCN = {
  dashboard: {
    nav: '工作台',
    title: '工作台',
    period: '{period} 月',
    asOf: '数据截至 {date}',
    visitRate: '本月探访率',
    visitRateHint: '{n} / {d} 位老年人按要求完成探访',
    visitRateNone: '本区域暂无需探访的老年人',
    overdue: '逾期未探访',
    overdueHint: '至少一项探访要求已逾期',
    openAlerts: '待处理预警',
    unresolvedHint: '未办结共 {n} 条',
    escalated: '已升级预警',
    escalatedHint: '超时未确认，已上报上级',
    classes: '老年人分类',
    classTotal: '在册 {n} 位',
    byRegion: '各下级地区探访率',
    drillHint: '点击柱形查看该地区的下一级',
    noChildren: '该地区没有下级地区',
    chartRate: '探访率',
    chartAxis: '探访率（%）',
    chartTooltip: '{name}：{rate}（{n} / {d}）',
    viewAlerts: '去处置',
    withheldNote: '为保护个人信息，1至4的计数及可借相减推出它们的数字显示为“*”',
    withheldBar: '已隐去',
    nothing: '您的角色在工作台暂无可查看的数据。',
    classLabel: { A: 'A类', B: 'B类', C: 'C类', NONE: '未分类' },
  },
} as const;

export default zhCN;
