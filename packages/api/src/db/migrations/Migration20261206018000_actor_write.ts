import { Migration } from '@mikro-orm/migrations';

/**
 * Read replicas (issue 18): the time of each actor's (user's or API client's) last mutation, so that for a few
 * seconds after it their reads go to the primary and they see their own change, whichever API instance answers.
 * Kept in PostgreSQL, not in an instance's memory: instances are stateless. One row per actor, updated in place
 * (no index on `written_at`, so the update stays a HOT update). No foreign key: the id is a user's or an API client's.
 */
export class Migration20261206018000_actor_write extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table actor_write (actor_id uuid primary key, written_at timestamptz not null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table actor_write;`);
  }
}
