import { Migration } from '@mikro-orm/migrations';

/**
 * Assessment rollups (issue 17, item 1): the 考核 screen's raw figures per region for the running periods the report
 * rollups keep (this month and last month), written by the same refresh: each village after its per-elder verdicts,
 * the towns, counties, city and province summed in the report rollups' sum transaction. A city's assessment then
 * reads one row per town instead of judging every elder, alert and visit of the city per request (201 ms at 100k
 * elders, growing with the city).
 *
 * Averages are kept as sums and counts (`ack_minutes` ÷ `acked`, ...) so sums up the tree stay exact. Alerts not yet
 * acknowledged turn late with the clock, not with a write: `late_unacked` counts those late at `judged_at`, and
 * `pending` keeps the deadlines still ahead then (a reader adds those passed by its own time).
 *
 * Derived and disposable like `report_rollup`: dropping every row only makes the next full refresh rebuild them.
 */
export class Migration20261206024000_assessment_rollup extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table assessment_rollup (
        period varchar(10) not null,
        region_code varchar(12) collate "C" not null,
        as_of date not null,
        judged_at timestamptz not null,
        refreshed_at timestamptz not null,
        a_num int not null, a_den int not null,
        b_num int not null, b_den int not null,
        c_num int not null, c_den int not null,
        none_num int not null, none_den int not null,
        raised int not null,
        acked int not null,
        on_time int not null,
        ack_minutes numeric null,
        late_unacked int not null,
        pending timestamptz[] not null default '{}',
        referrals int not null,
        answered int not null,
        response_minutes numeric null,
        outcomes int not null,
        outcome_minutes numeric null,
        satisfaction_n int not null,
        satisfaction_sum int not null,
        primary key (period, region_code)
      );`);
    // Rollups already there have no assessment rows: forgetting their state makes the next refresh a full one (as
    // on a new day), and until it has run the reports and the assessment compute live, as before rollups existed.
    this.addSql('delete from report_rollup_state;');
  }

  override async down(): Promise<void> {
    this.addSql('drop table assessment_rollup;');
  }
}
