import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 16 item 2: nobody was told of anything. Three tables:
 *  - `notification`: the in-app notifications centre. One row per recipient and event; `dedupe_key` is unique per
 *    recipient, so a repeated event or a cron job run twice (or on two instances) never notifies anyone twice
 *    (`insert ... on conflict do nothing`).
 *  - `webhook_subscription` / `webhook_delivery`: outbound webhooks of partner agencies and integrators. A delivery
 *    row is written in the transaction of the event (an outbox) together with its graphile-worker job (job key = the
 *    delivery id), so an event is never lost and never queued twice; the row is the log the subscriber reads.
 * `app_user.phone` is where an urgent alert's SMS goes (a visitor's phone is used when the user has none).
 * graphile-worker's own schema is not here: its `runMigrations` keeps it (db/bootstrap.ts).
 */
export class Migration20261205013000_notifications_webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table app_user add column phone varchar(20) null;`);
    this.addSql(`
      create table notification (
        id uuid primary key default gen_random_uuid(),
        user_id uuid not null references app_user (id),
        kind varchar(30) not null check (kind in ('ALERT_URGENT', 'ALERT_ESCALATED', 'ASSIGNMENT', 'DATA_CONFLICT', 'TRANSFER',
          'REPORT_DUE', 'REPORT_RETURNED', 'REPORT_APPROVED')),
        title varchar(200) not null,
        body varchar(1000) null,
        link varchar(300) null,
        elder_id uuid null references elder (id),
        alert_id uuid null references alert (id),
        region_code varchar(12) collate "C" null,
        dedupe_key varchar(200) not null,
        created_at timestamptz not null default now(),
        read_at timestamptz null,
        unique (user_id, dedupe_key)
      );`);
    // The bell's list (newest first) and its unread count.
    this.addSql(`create index notification_user_idx on notification (user_id, created_at desc, id desc);`);
    this.addSql(`create index notification_unread_idx on notification (user_id) where read_at is null;`);

    this.addSql(`
      create table webhook_subscription (
        id uuid primary key default gen_random_uuid(),
        -- Owner: a partner agency (its users and API keys share it) or, for integrators, the user.
        agency_id uuid null references agency (id),
        owner_user_id uuid null references app_user (id),
        region_code varchar(12) collate "C" not null references region (code),
        url varchar(2000) not null,
        events text[] not null,
        secret varchar(100) not null,
        active boolean not null default true,
        -- FEED_CHANGED: the last end cursor of changes(since:) announced to this subscriber.
        feed_cursor varchar(100) null,
        created_by uuid null,
        created_at timestamptz not null,
        deleted_at timestamptz null,
        check ((agency_id is null) <> (owner_user_id is null))
      );`);
    this.addSql(`create index webhook_subscription_agency_idx on webhook_subscription (agency_id) where active;`);
    this.addSql(`create index webhook_subscription_region_idx on webhook_subscription (region_code);`);
    this.addSql(`
      create table webhook_delivery (
        id uuid primary key default gen_random_uuid(),
        subscription_id uuid not null references webhook_subscription (id),
        event varchar(30) not null,
        -- Ids and cursors only, never personal data.
        payload jsonb not null,
        -- The event's identity for this subscriber: the same event never makes two deliveries.
        dedupe_key varchar(200) not null,
        status varchar(10) not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
        attempts integer not null default 0,
        last_http_status integer null,
        last_error varchar(500) null,
        next_attempt_at timestamptz null,
        created_at timestamptz not null,
        delivered_at timestamptz null,
        unique (subscription_id, dedupe_key)
      );`);
    this.addSql(`create index webhook_delivery_subscription_idx on webhook_delivery (subscription_id, created_at desc, id desc);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table webhook_delivery;');
    this.addSql('drop table webhook_subscription;');
    this.addSql('drop table notification;');
    this.addSql('alter table app_user drop column phone;');
  }
}
