import { Migration } from '@mikro-orm/migrations';

/**
 * The referral loop (issue 16, item 3). Until now a referral went out and nothing came back: the agency could read
 * it but not answer. Service organisations (social work, counselling, legal aid) become agency kinds with their own
 * users and keys, and the agency an alert is referred to answers it: accepts, declines with a reason (the alert goes
 * back to the town), or reports the outcome with its date.
 *
 * The alert keeps the state of its current referral (`referral_state`) and when it was answered, so response times
 * (referral → acceptance or decline, referral → outcome) are one subtraction per row and a region's average one
 * aggregate; the answers themselves (who, which agency, the reason or outcome) are steps of the timeline
 * (`alert_event`), like every other move of an alert. Referrals made before this migration are waiting for an
 * answer (PENDING).
 */
export class Migration20261205014000_referral_responses extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table agency drop constraint agency_kind_check;`);
    this.addSql(`
      alter table agency add constraint agency_kind_check
        check (kind in ('POLICE', 'HEALTH', 'DISABILITY', 'HOUSING', 'SOCIAL_WORK', 'COUNSELLING', 'LEGAL_AID', 'CIVIL_AFFAIRS'));`);
    this.addSql(`
      alter table alert
        add column referral_state varchar(10) null check (referral_state in ('PENDING', 'ACCEPTED', 'DECLINED', 'OUTCOME')),
        add column referral_responded_at timestamptz null,
        add column referral_outcome_at timestamptz null,
        add column referral_outcome_on date null,
        add column referral_answer varchar(1000) null;`);
    this.addSql(`update alert set referral_state = 'PENDING' where referred_to is not null and status = 'REFERRED';`);
    this.addSql(`
      alter table alert_event
        add column response varchar(8) null check (response in ('ACCEPT', 'DECLINE', 'OUTCOME')),
        add column outcome_on date null,
        add column agency_id uuid null references agency (id);`);
    // The assessment averages response times of the referrals made in a period, per town: by referral time.
    this.addSql(`create index alert_referred_at_idx on alert (referred_at) where referred_at is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index alert_referred_at_idx;`);
    this.addSql(`alter table alert_event drop column response, drop column outcome_on, drop column agency_id;`);
    this.addSql(`
      alter table alert drop column referral_state, drop column referral_responded_at, drop column referral_outcome_at,
        drop column referral_outcome_on, drop column referral_answer;`);
    this.addSql(`alter table agency drop constraint agency_kind_check;`);
    this.addSql(`alter table agency add constraint agency_kind_check check (kind in ('POLICE', 'HEALTH', 'DISABILITY', 'HOUSING', 'CIVIL_AFFAIRS'));`);
  }
}
