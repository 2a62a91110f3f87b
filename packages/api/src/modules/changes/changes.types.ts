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
}
registerEnumType(ChangeOp, {
  name: 'ChangeOp',
  valuesConfig: labelled(ChangeOp, { INSERT: 'Created.', UPDATE: 'Changed (rows are never deleted: closing an archive is an UPDATE).' }),
});

@ObjectType('Change', {
  description: 'One entry of the change log: what changed and when, never the data itself. Read the entity through your own view to mirror it.',
})
export class ChangeType {
  @Field(() => String, { description: 'Position in the log (a 64-bit integer, as a decimal string), increasing.' })
  seq!: string;

  @Field(() => String, { description: 'Opaque cursor of this entry: pass it as `since` to read what came after it.' })
  cursor!: string;

  @Field(() => GraphQLDateTimeISO)
  at!: Date;

  @Field(() => ChangeEntity)
  entity!: ChangeEntity;

  @Field(() => ID)
  entityId!: string;

  @Field(() => ID, { nullable: true, description: 'The elder concerned (null for an agency record not matched to an archive).' })
  elderId!: string | null;

  @Field(() => ChangeOp)
  op!: ChangeOp;
}

@ObjectType('ChangeFeed', {
  description:
    'A page of the change log in `seq` order. To mirror: store `endCursor`, then call `changes(since: endCursor)` again until `hasMore` is false; later, poll with the last stored `endCursor`.',
})
export class ChangeFeedType {
  @Field(() => [ChangeType])
  entries!: ChangeType[];

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last entry, or `since` itself when there was nothing new: always the value to store and send next.',
  })
  endCursor!: string | null;

  @Field(() => Boolean, { description: 'More entries follow: call again at once with `since: endCursor`.' })
  hasMore!: boolean;
}
