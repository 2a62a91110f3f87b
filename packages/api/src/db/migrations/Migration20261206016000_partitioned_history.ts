import { Migration } from '@mikro-orm/migrations';

/**
 * Partitioned history (issue 18, item 3). `audit_event` (a row for every read of an archive, lists included),
 * `change_log` (a row for every change) and `visit` (about one per elder per month: 36 million a year for a province)
 * only grow. Each becomes a table partitioned BY RANGE on its time column, one partition per China month
 * (`<table>_pYYYYMM`, bounds at 00:00 Asia/Shanghai, the months the reports count), plus a DEFAULT partition so that no
 * insert ever fails for want of a partition (a visit dated years back by an import, a clock ahead of the maintenance).
 * Old months of the audit log can then be detached, exported and dropped (retention) instead of deleted row by row,
 * and scans of a month (reports, feeds of recent changes) read only that month.
 *
 * How, per table, keeping every row: the old table is renamed (with its indexes and identity sequence), the
 * partitioned parent is created LIKE it (columns, defaults, checks, identity), monthly partitions cover the months of
 * the existing rows and the next three, rows move with INSERT ... SELECT, the identity restarts above the highest id,
 * the indexes, outgoing foreign keys, triggers and grants of the old table are recreated on the parent (indexes and
 * row triggers reach every partition, present and future), and the old table is dropped.
 *
 * Keys must include the partition key on a partitioned table:
 * - audit_event: PRIMARY KEY (id, at); ids still come from the identity sequence, so `id` alone stays unique and the
 *   ORM entity keeps `id` as its primary key.
 * - change_log: PRIMARY KEY (seq, at), seq from its identity. `pos` loses its UNIQUE index (a plain one remains): pos is
 *   unique by construction, numbered above max(pos) by one stamper at a time under an advisory lock (changes.stamp.ts).
 * - visit: PRIMARY KEY (id, visited_at); ids are gen_random_uuid(). (elder_id, seq) stays indexed but no longer
 *   UNIQUE: both writers (recordVisit, importVisits) number visits while holding the elder's row lock. The idempotency
 *   key must stay unique across months (a retry may carry another visitedAt only with another request hash, but two
 *   different submissions under one key must still collide), so it moves to a small unpartitioned table
 *   `visit_idempotency_key` filled by a statement trigger: a duplicate raises unique_violation (23505) in the same
 *   statement, as the old unique index did, and the service's retry path (replay) is unchanged.
 *
 * Foreign keys that pointed at visit(id) (care_service, alert, elder_reference_location, visit_proof, spot_check) would
 * have to carry visited_at to reference the new key (five tables, their writers and entities to change, and a
 * visit's time could never be corrected without touching its children). They are replaced by triggers instead:
 * each child checks, per statement over its transition table, that every visit_id exists; a statement deleting
 * visits fails while a child row still points at one of them. Visits are never deleted by the application.
 *
 * Statement triggers with transition tables (the change log of visits, compliance dirty marks, home-visit
 * verification) are allowed on a partitioned parent and fire for statements on the parent, as before; only ROW
 * triggers with transition tables are refused on partitioned tables, and none exist on these three.
 *
 * `ensure_month_partitions(from, months)` creates missing monthly partitions of the three tables (idempotently),
 * moving any rows the DEFAULT partition holds for that month into the new one; the job queue calls it daily for the
 * months ahead (jobs/partitions.ts), and every start calls it for the current and next months.
 */
const TABLES: { table: string; key: string; pk: string }[] = [
  { table: 'audit_event', key: 'at', pk: 'id, at' },
  { table: 'change_log', key: 'at', pk: 'seq, at' },
  { table: 'visit', key: 'visited_at', pk: 'id, visited_at' },
];

export class Migration20261206016000_partitioned_history extends Migration {
  override async up(): Promise<void> {
    // TRUNCATE of the parent is refused by its statement trigger, but a statement trigger is not cloned to partitions:
    // each audit partition gets its own, so that `truncate audit_event_p202612` is refused too (retention drops whole
    // partitions, after their export, which is not a TRUNCATE).
    this.addSql(`
      create function guard_audit_partition(parent text, part text) returns void language plpgsql as $$
      begin
        if parent = 'audit_event' then
          execute format('create trigger audit_event_no_truncate before truncate on %I for each statement execute function audit_event_append_only()', part);
        end if;
      end
      $$;`);
    // The month partition of one table, made if missing; rows the DEFAULT partition holds for the month move into it
    // (PostgreSQL refuses a new partition while the default holds rows of its range). Bounds are China months.
    this.addSql(`
      create function ensure_month_partition(parent text, key text, month date) returns boolean
      language plpgsql as $$
      declare
        part text := format('%s_p%s', parent, to_char(month, 'YYYYMM'));
        lo timestamptz := (date_trunc('month', month)::timestamp at time zone 'Asia/Shanghai');
        hi timestamptz := ((date_trunc('month', month) + interval '1 month')::timestamp at time zone 'Asia/Shanghai');
        def text := parent || '_default';
        stranded boolean;
      begin
        if to_regclass(part) is not null then
          return false;
        end if;
        execute format('select exists (select 1 from %I where %I >= $1 and %I < $2)', def, key, key) into stranded using lo, hi;
        if not stranded then
          execute format('create table %I partition of %I for values from (%L) to (%L)', part, parent, lo, hi);
          perform guard_audit_partition(parent, part);
          return true;
        end if;
        -- Rows already in the default partition for this month: detach it, make the month, move them, attach it again.
        -- The move bypasses the parent (no change-log or audit statement triggers fire: nothing changed) and the
        -- default's own row triggers (the audit log's append-only guard: these rows are moved, not deleted).
        execute format('alter table %I detach partition %I', parent, def);
        execute format('alter table %I disable trigger user', def);
        execute format('create table %I partition of %I for values from (%L) to (%L)', part, parent, lo, hi);
        execute format('insert into %I overriding system value select * from %I where %I >= $1 and %I < $2', part, def, key, key) using lo, hi;
        execute format('delete from %I where %I >= $1 and %I < $2', def, key, key) using lo, hi;
        execute format('alter table %I enable trigger user', def);
        execute format('alter table %I attach partition %I default', parent, def);
        perform guard_audit_partition(parent, part);
        return true;
      end
      $$;`);
    // The months [from, from + months) of the three history tables; returns how many partitions were made.
    this.addSql(`
      create function ensure_month_partitions(from_month date, months integer) returns integer
      language plpgsql as $$
      declare
        made integer := 0;
        m integer;
        t record;
      begin
        for t in select * from (values ('audit_event', 'at'), ('change_log', 'at'), ('visit', 'visited_at')) as x(parent, key) loop
          for m in 0 .. greatest(months, 1) - 1 loop
            if ensure_month_partition(t.parent, t.key, (date_trunc('month', from_month) + make_interval(months => m))::date) then
              made := made + 1;
            end if;
          end loop;
        end loop;
        return made;
      end
      $$;`);

    // Triggers standing in for foreign keys to visit(id) (see above). Arguments: the child's column.
    this.addSql(`
      create function visit_ref_check() returns trigger language plpgsql as $$
      declare
        missing text;
      begin
        execute format('select n.%1$I::text from new_rows n where n.%1$I is not null
                          and not exists (select 1 from visit v where v.id = n.%1$I) limit 1', tg_argv[0]) into missing;
        if missing is not null then
          raise exception 'insert or update on table "%" violates the reference to visit: visit % does not exist', tg_table_name, missing
            using errcode = 'foreign_key_violation';
        end if;
        return null;
      end
      $$;`);
    // On visit: a statement deleting visits still referenced fails. Arguments: pairs of child table and column.
    this.addSql(`
      create function visit_ref_restrict() returns trigger language plpgsql as $$
      declare
        i integer := 0;
        found_one boolean;
      begin
        while i < tg_nargs loop
          execute format('select exists (select 1 from old_rows o join %I c on c.%I = o.id)', tg_argv[i], tg_argv[i + 1]) into found_one;
          if found_one then
            raise exception 'delete on table "visit" violates the reference from "%": a row still points at a deleted visit', tg_argv[i]
              using errcode = 'foreign_key_violation';
          end if;
          i := i + 2;
        end loop;
        return null;
      end
      $$;`);

    // What the old tables carry, saved before anything is renamed.
    this.addSql(`
      create temp table history_saved on commit drop as
      select c.relname as tbl, 'index' as kind, i.relname as name, pg_get_indexdef(x.indexrelid) as def,
             x.indisunique as is_unique, exists (select 1 from pg_constraint k where k.conindid = x.indexrelid and k.contype in ('p', 'u')) as is_constraint
        from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
       where c.relname in ('audit_event', 'change_log', 'visit') and c.relnamespace = 'public'::regnamespace
      union all
      select c.relname, 'fk', k.conname, pg_get_constraintdef(k.oid), false, true
        from pg_constraint k join pg_class c on c.oid = k.conrelid
       where k.contype = 'f' and c.relname in ('audit_event', 'change_log', 'visit') and c.relnamespace = 'public'::regnamespace
      union all
      select c.relname, 'trigger', t.tgname, pg_get_triggerdef(t.oid), false, false
        from pg_trigger t join pg_class c on c.oid = t.tgrelid
       where not t.tgisinternal and c.relname in ('audit_event', 'change_log', 'visit') and c.relnamespace = 'public'::regnamespace

      union all
      select g.table_name, 'grant', g.grantee, g.privilege_type, false, false
        from information_schema.role_table_grants g join pg_class c on c.relname = g.table_name and c.relnamespace = 'public'::regnamespace
       where g.table_schema = 'public' and g.table_name in ('audit_event', 'change_log', 'visit') and g.grantee <> pg_get_userbyid(c.relowner);`);
    // The child columns of the foreign keys to visit (all single-column visit_id), kept for the triggers below.
    this.addSql(`
      create temp table visit_children on commit drop as
      select k.conrelid::regclass::text as child, a.attname::text as col
        from pg_constraint k join pg_attribute a on a.attrelid = k.conrelid and a.attnum = k.conkey[1]
       where k.contype = 'f' and k.confrelid = 'public.visit'::regclass;`);

    for (const { table, key, pk } of TABLES) this.convert(table, key, pk);

    // Foreign keys to visit(id) become triggers (the old constraints went with the old table).
    this.addSql(`
      do $$ declare r record; args text := ''; begin
        for r in select * from visit_children order by child loop
          execute format('create trigger %I after insert on %s referencing new table as new_rows for each statement execute function visit_ref_check(%L)',
                         r.child || '_visit_ref_insert', r.child, r.col);
          execute format('create trigger %I after update on %s referencing new table as new_rows for each statement execute function visit_ref_check(%L)',
                         r.child || '_visit_ref_update', r.child, r.col);
          args := args || format('%L, %L, ', r.child, r.col);
        end loop;
        if args <> '' then
          execute format('create trigger visit_ref_restrict after delete on visit referencing old table as old_rows for each statement execute function visit_ref_restrict(%s)',
                         left(args, -2));
        end if;
      end $$;`);
    // The idempotency key, unique across every month (see above).
    this.addSql(`
      create table visit_idempotency_key (
        entered_by uuid not null,
        idempotency_key varchar(100) not null,
        visit_id uuid not null,
        primary key (entered_by, idempotency_key)
      );`);
    this.addSql(`insert into visit_idempotency_key select entered_by, idempotency_key, id from visit where idempotency_key is not null;`);
    this.addSql(`
      create function visit_idempotency_claim() returns trigger language plpgsql as $$
      begin
        insert into visit_idempotency_key (entered_by, idempotency_key, visit_id)
        select n.entered_by, n.idempotency_key, n.id from new_rows n where n.idempotency_key is not null;
        return null;
      end
      $$;`);
    this.addSql(`
      create trigger visit_idempotency_claim after insert on visit referencing new table as new_rows
        for each statement execute function visit_idempotency_claim();`);
    // A fresh database has this month and the next three at once; the job keeps them ahead (jobs/partitions.ts).
    this.addSql(`select ensure_month_partitions((now() at time zone 'Asia/Shanghai')::date, 4);`);
  }

  /** One table: rename the old one out of the way, create the partitioned parent, move the rows, rebuild the rest. */
  private convert(table: string, key: string, pk: string): void {
    this.addSql(`alter table ${table} rename to ${table}_unpartitioned;`);
    // Index, constraint and sequence names must be free for the new parent.
    this.addSql(`
      do $$ declare r record; begin
        for r in select i.relname from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = '${table}_unpartitioned'::regclass loop
          execute format('alter index %I rename to %I', r.relname, left(r.relname, 50) || '_unpart');
        end loop;
        for r in select s.relname from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
                  where d.refobjid = '${table}_unpartitioned'::regclass and d.deptype in ('a', 'i') loop
          execute format('alter sequence %I rename to %I', r.relname, left(r.relname, 50) || '_unpart');
        end loop;
      end $$;`);
    this.addSql(`
      create table ${table} (like ${table}_unpartitioned including defaults including constraints including identity
                             including generated including storage including comments, primary key (${pk}))
        partition by range (${key});`);
    this.addSql(`create table ${table}_default partition of ${table} default;`);
    this.addSql(`select guard_audit_partition('${table}', '${table}_default');`);
    // Monthly partitions over the existing rows' months (at most 50 years back: older rows stay in the default).
    this.addSql(`
      select ensure_month_partition('${table}', '${key}', m::date)
        from generate_series(
               greatest(date_trunc('month', coalesce((select min(${key}) from ${table}_unpartitioned), now()) at time zone 'Asia/Shanghai'),
                        date_trunc('month', now() at time zone 'Asia/Shanghai') - interval '50 years'),
               date_trunc('month', now() at time zone 'Asia/Shanghai') + interval '3 months', interval '1 month') as m;`);
    // Past and present rows, with their own ids (no statement trigger of the parent exists yet: nothing is logged twice).
    this.addSql(`insert into ${table} overriding system value select * from ${table}_unpartitioned;`);
    // The identity continues above the highest id moved.
    this.addSql(`
      do $$ declare col text; seqname text; top bigint; begin
        select a.attname into col from pg_attribute a where a.attrelid = '${table}'::regclass and a.attidentity <> '';
        if col is not null then
          seqname := pg_get_serial_sequence('${table}', col);
          execute format('select max(%I) from ${table}', col) into top;
          if top is not null then perform setval(seqname, top); end if;
        end if;
      end $$;`);
    // Secondary indexes as they were; a UNIQUE index without the partition key becomes a plain one (see above).
    this.addSql(`
      do $$ declare r record; def text; begin
        for r in select * from history_saved where tbl = '${table}' and kind = 'index' and not is_constraint loop
          def := replace(r.def, 'ON public.${table} ', 'ON ${table} ');
          if r.is_unique and position('(${key}' in def) = 0 and position(' ${key},' in def) = 0 and position(' ${key})' in def) = 0 then
            def := replace(def, 'CREATE UNIQUE INDEX', 'CREATE INDEX');
          end if;
          execute def;
        end loop;
        -- Unique constraints other than the primary key (visit's (elder_id, seq)) stay as plain indexes.
        for r in select * from history_saved where tbl = '${table}' and kind = 'index' and is_constraint and position('_pkey' in name) = 0 loop
          execute regexp_replace(replace(r.def, 'ON public.${table} ', 'ON ${table} '), '^CREATE UNIQUE INDEX', 'CREATE INDEX');
        end loop;
        for r in select * from history_saved where tbl = '${table}' and kind = 'fk' loop
          execute format('alter table ${table} add constraint %I %s', r.name, r.def);
        end loop;
        for r in select * from history_saved where tbl = '${table}' and kind = 'trigger' loop
          execute replace(r.def, 'ON public.${table} ', 'ON ${table} ');
        end loop;
        for r in select * from history_saved where tbl = '${table}' and kind = 'grant' loop
          execute format('grant %s on ${table} to %I', r.def, r.name);
        end loop;
      end $$;`);
    this.addSql(`drop table ${table}_unpartitioned cascade;`);
    this.addSql(`analyze ${table};`);
  }

  override async down(): Promise<void> {
    // Back to plain tables: the rows return through the same LIKE / INSERT ... SELECT path in reverse would need the
    // old definitions in full; refusing is safer than a half-restored audit log (the registry migration refuses too).
    throw new Error('The partitioned history migration cannot be reverted automatically: restore from a backup taken before it.');
  }
}
