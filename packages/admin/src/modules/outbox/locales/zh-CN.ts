// Strings of the outbox (visits recorded without a network, waiting to upload) and the offline badge.
const zhCN = {
  outbox: {
    nav: '待上传记录',
    title: '待上传记录',
    intro: '没有网络时记录的探访保存在本机（已加密），联网后自动上传；服务器收到后从本机删除。',
    badge: '{n} 条待上传',
    refusedBadge: '{n} 条被退回',
    offline: '离线',
    sending: '正在上传…',
    sendNow: '立即上传',
    empty: '没有待上传的记录',
    pending: '待上传',
    refused: '被退回',
    attempts: '已尝试 {n} 次',
    recordedAt: '记录于 {at}',
    refusedBecause: '服务器退回：{message}',
    retry: '重新上传',
    discard: '删除',
    discardConfirm: '删除后这条对 {name} 的探访记录将无法恢复，也不会上传。确定删除吗？',
    discardTitle: '删除待上传记录',
    needsNetwork: '当前没有网络，联网后会自动上传',
    savedOffline: '没有网络：探访记录已加密保存在本机，联网后自动上传',
    logoutPending: '还有 {n} 条探访记录未上传。退出后它们仍加密保存在本机，您再次登录后自动上传；如需删除，请到「待上传记录」页逐条删除。确定退出吗？',
    logoutTitle: '有未上传的记录',
    idleLoggedOut: '因长时间未操作已退出登录，本机保存的离线数据已清除',
  },
};

export default zhCN;
