import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLDateTimeISO } from 'graphql-scalars';
import { labelled } from '../../graphql/enums.js';

export enum ChangeEntity {
  ELDER = 'ELDER',
  VISIT = 'VISIT',
  ALERT = 'ALERT',
  CLASS = 'CLASS',
  AGENCY_RECORD = 'AGENCY_RECORD',
}
registerEnumType(ChangeEntity, {
  name: 'ChangeEntity',
  description: 'What changed. `entityId` is the row of that kind (for CLASS: the elder).',
  valuesConfig: labelled(ChangeEntity, {
    ELDER: 'An archive (registered, edited, closed, reopened).',
    VISIT: 'A visit record (civil affairs only).',
    ALERT: 'An alert (partners: only while it is referred to their kind).',
    CLASS: "An elder's visit class was recomputed or overridden (civil affairs, health, disability).",
    AGENCY_RECORD: "An agency's own record (partners: only their own agency's).",
  }),
});

export enum ChangeOp {
  INSERT = 'INSERT',
  UPDATE = 'UPDATE',
  ENTER = 'ENTER',
  LEAVE = 'LEAVE',
}
registerEnumType(ChangeOp, {
  name: 'ChangeOp',
  description: 'What happened to the entity (操作).',
  valuesConfig: labelled(ChangeOp, {
    INSERT: 'Created.',
    UPDATE: 'Changed (rows are never deleted: closing an archive is an UPDATE).',
    ENTER:
      'Partners only, on an ELDER entry: the elder came into your view through a change you do not receive otherwise (a visit that found the housing unsafe, an alert); read the elder through your view.',
    LEAVE:
      'Partners only, on an ELDER entry: the elder left your view (moved out of your region, certificate cancelled, no longer flagged); drop your copy. Sent once per departure; if the elder comes back, its entries (or ENTER) follow again.',
  }),
});

@ObjectType('Change', {
  description: 'One entry of the change log: what changed and when, never the data itself. Read the entity through your own view to mirror it.',
})
export class ChangeType {
  @Field(() => String, {
    description:
      'Position in the feed (a 64-bit integer, as a decimal string), in commit order: an entry gets it once its transaction has committed, so positions only grow as you poll. Not decreasing along a page; a partner may get two entries at one position (an entry and the ENTER or LEAVE it caused).',
  })
  seq!: string;

  @Field(() => String, { description: 'Opaque cursor of this entry: pass it as `since` to read what came after it.' })
  cursor!: string;

  @Field(() => GraphQLDateTimeISO, { description: 'When the change was made (transaction time, ISO 8601 with offset).' })
  at!: Date;

  @Field(() => ChangeEntity, { description: 'The kind of record that changed.' })
  entity!: ChangeEntity;

  @Field(() => ID, { description: 'The id of the record that changed (for CLASS: the elder).' })
  entityId!: string;

  @Field(() => ID, { nullable: true, description: 'The elder concerned (null for an agency record not matched to an archive).' })
  elderId!: string | null;

  @Field(() => ChangeOp, { description: 'What happened to it.' })
  op!: ChangeOp;
}

@ObjectType('ChangeFeed', {
  description:
    'A page of the change log in commit order (`seq`), each entry exactly once: an entry of a transaction still running when the page was read comes in a later page, never before the cursor. To mirror: store `endCursor`, then call `changes(since: endCursor)` again until `hasMore` is false; later, poll with the last stored `endCursor`.',
})
export class ChangeFeedType {
  @Field(() => [ChangeType], { description: 'The entries of this page in `seq` order, up to `first` (1 to 1,000, default 200).' })
  entries!: ChangeType[];

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last entry, or `since` itself when there was nothing new: always the value to store and send next.',
  })
  endCursor!: string | null;

  @Field(() => Boolean, { description: 'More entries follow: call again at once with `since: endCursor`.' })
  hasMore!: boolean;
}
