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
  @Field(() => ID)
  id!: string;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => String, { description: 'What happened, in Chinese.' })
  title!: string;

  @Field(() => String, { nullable: true })
  body!: string | null;

  @Field(() => String, { nullable: true, description: 'The console route that opens the thing (`/elders/<id>`, `/worklist`, ...).' })
  link!: string | null;

  @Field(() => ID, { nullable: true })
  elderId!: string | null;

  @Field(() => ID, { nullable: true })
  alertId!: string | null;

  @Field(() => String, { nullable: true })
  regionCode!: string | null;

  @Field(() => GraphQLDateTimeISO)
  createdAt!: Date;

  @Field(() => GraphQLDateTimeISO, { nullable: true, description: 'When the user marked it read; null while unread.' })
  readAt!: Date | null;
}

export const NotificationConnection = connectionOf('Notification', NotificationType, 'The signed-in user\'s notifications, newest first.');
