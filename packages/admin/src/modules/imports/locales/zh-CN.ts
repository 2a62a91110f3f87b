// Strings of the import pages (批量导入). Chinese first; English has the same keys (the type checks it). The engine's
// problem messages are Chinese (they describe Chinese sheets).
const zhCN = {
  imports: {
    nav: { elders: '导入老年人档案', visits: '导入探访记录' },
    title: { elders: '批量导入老年人档案（基本信息登记表）', visits: '批量导入历史探访记录（探访关爱服务记录表）' },
    intro: {
      elders: '按模板整理本辖区的基本信息登记表，或直接上传已有台账：表头可以不在第一行，列名和取值用中文即可。上传后先检查，确认无误再导入；已建档的老人不会重复建档。',
      visits: '上传历史探访台账：每行一次探访，以公民身份号码识别老人（须已在本辖区建档）。上传后先检查，确认无误再导入；已登记的探访不会重复导入。',
    },
    steps: { template: '下载模板', upload: '上传表格', check: '检查', import: '导入', done: '完成' },
    template: '下载模板（.xlsx）',
    choose: '选择文件（.xlsx 或 .csv）',
    reading: '正在读取表格…',
    checking: '正在检查（第 {done}/{total} 行）…',
    checkFailed: '检查未完成（第 {n} 批）：{msg}',
    recheck: '重新检查',
    previewTitle: '检查结果',
    counts: {
      create: '将新建 {n}',
      exists: '已存在 {n}',
      differ: '其中本辖区有差异 {n}',
      elsewhere: '其他辖区 {n}',
      rejected: '不能导入 {n}',
    },
    updateExisting: '用表格数据更新这些档案',
    updateExistingHint: '本辖区已有 {n} 份档案与表格内容不同。不勾选时这些档案保持不变。',
    confirmUpdateTitle: '确认更新档案',
    confirmUpdate: '将用表格中的数据更新 {n} 份已有档案（{fields}）。更新会记入档案的变更记录。确定吗？',
    confirm: '确定更新',
    cancel: '取消',
    start: '开始导入 {n} 行',
    nothingToImport: '没有可导入的行：请按检查结果改正表格后重新上传',
    importing: '正在导入：第 {chunk}/{chunks} 批，已完成 {done}/{total} 行',
    importedRows: '已完成 {done}/{total} 行（共 {chunks} 批）',
    importFailed: '第 {n} 批导入失败：{msg}。已完成的批次已保存。',
    retry: '重试（已保存的批次不会重复导入）',
    summaryTitle: '导入完成',
    summary: { created: '新建 {n}', updated: '更新 {n}', exists: '已存在 {n}', rejected: '未导入 {n}' },
    replayed: '其中 {n} 批为重试，结果与上次相同',
    resultFile: '下载结果文件',
    another: '导入另一个文件',
    empty: '尚未选择文件',
  },
} as const;

export default zhCN;
