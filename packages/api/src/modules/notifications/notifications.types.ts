import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';
import { connectionOf } from '../../graphql/pagination.js';

export enum NotificationKind {
  ALERT_URGENT = 'ALERT_URGENT',
  ALERT_ESCALATED = 'ALERT_ESCALATED',
  ASSIGNMENT = 'ASSIGNMENT',
  DATA_CONFLICT = 'DATA_CONFLICT',
  TRANSFER = 'TRANSFER',
  REPORT_DUE = 'REPORT_DUE',
  REPORT_RETURNED = 'REPORT_RETURNED',
  REPORT_APPROVED = 'REPORT_APPROVED',
}
registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'What a notification tells of: urgent alerts in your area, escalations reaching your level, assignments to you, data conflicts and transfers to settle, reports due in 3 days, returned or approved.',
  valuesConfig: labelled(NotificationKind, {
    ALERT_URGENT: '紧急预警',
    ALERT_ESCALATED: '预警逾期上报',
    ASSIGNMENT: '新的探访分配',
    DATA_CONFLICT: '待处理的数据冲突',
    TRANSFER: '待接收的迁入',
    REPORT_DUE: '报表待报送',
    REPORT_RETURNED: '报表被退回',
    REPORT_APPROVED: '报表已审核',
  }),
});

@ObjectType('Notification', { description: 'One notification of the signed-in user (消息通知). No personal data: the link opens the thing itself.' })
export class NotificationType {
  @Field(() => ID, { description: 'The notification’s id (for markNotificationsRead).' })
  id!: string;

  @Field(() => NotificationKind, { description: 'What kind of event it tells of (紧急预警, 新的探访分配, 报表被退回 ...).' })
  kind!: NotificationKind;

  @Field(() => String, { description: 'What happened, in Chinese.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'More detail in Chinese (a return’s reason, a due date), when there is any.' })
  body!: string | null;

  @Field(() => String, { nullable: true, description: 'The console route that opens the thing (`/elders/<id>`, `/worklist`, ...).' })
  link!: string | null;

  @Field(() => ID, { nullable: true, description: 'The elder it concerns, if any (open with elder(id); the read is audited there).' })
  elderId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The alert it concerns, if any.' })
  alertId!: string | null;

  @Field(() => String, { nullable: true, description: 'The region it concerns (the alert’s queue, the report’s region), if any.' })
  regionCode!: string | null;

  @Field(() => GraphQLDateTimeISO, { description: 'When it was sent.' })
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the user marked it read; null while unread.' })
  readAt!: Date | null;
}

export const NotificationConnection = connectionOf('Notification', NotificationType, 'The signed-in user\'s notifications, newest first.');
