// Strings of the notifications centre (消息通知): the bell in the header and its page.
const zhCN = {
  notifications: {
    nav: '消息通知',
    bell: '消息通知，{n} 条未读',
    latest: '最新消息',
    none: '暂无消息',
    all: '查看全部',
    markAllRead: '全部标为已读',
    markedAll: '已将 {n} 条消息标为已读',
    show: '显示',
    showAll: '全部',
    showUnread: '仅未读',
    state: '状态',
    unread: '未读',
    read: '已读',
    kindLabel: '类型',
    content: '内容',
    at: '时间',
    open: '查看',
    actions: '操作',
    empty: '没有消息',
    kind: {
      ALERT_URGENT: '紧急预警',
      ALERT_ESCALATED: '预警逾期上报',
      ASSIGNMENT: '新的探访分配',
      DATA_CONFLICT: '数据冲突',
      TRANSFER: '待接收迁入',
      REPORT_DUE: '报表待报送',
      REPORT_RETURNED: '报表被退回',
      REPORT_APPROVED: '报表已审核',
    },
  },
};

export default zhCN;
