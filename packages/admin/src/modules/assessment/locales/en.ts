// English strings of this module, loaded only when the console is in English (plugins/i18n.ts).
import type zhCN from './zh-CN';

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const en: Shape<typeof zhCN> = {
  assessment: {
    nav: 'Assessment',
    title: 'Visiting service assessment',
    period: 'Month',
    region: 'Region',
    regionPlaceholder: 'Your jurisdiction',
    range: '{from} to {to}, visit rates judged on {asOf}',
    targets: 'Visit-rate targets: {targets}',
    suppressed: '“*” is a count of 1 to 4 withheld to protect people, and the rates and averages made of it',
    weightingTitle: 'How the score is made',
    weighting:
      'Score (0-100) weighs the parts with data: visits 40% (per class, visit rate ÷ target capped at 1, averaged), alerts acknowledged on time 15%, satisfaction 15% (1-4 scaled), report submitted on time 15% (first version by the due day; late or unsent past it is 0), spot-check verification 15% (confirmed ÷ (confirmed + not confirmed); unreachable counts in neither); a part without data (no alert, no satisfaction recorded, report not yet due, no spot check) is left out and the other weights scale up. Referral response times are shown, not scored (they measure the receiving agency). Equal scores share a rank.',
    verification: 'Verified by spot checks',
    verificationCount: '({n} checked)',
    report: 'Report',
    reportDue: 'due {date}',
    timeliness: { ON_TIME: 'On time', LATE: 'Late', NOT_YET_DUE: 'Not yet due' },
    rank: 'Rank',
    name: 'Town',
    score: 'Score',
    eldersToVisit: 'To visit',
    visitRate: 'Visit rate',
    classRate: 'Class {cls}',
    alerts: 'Alerts',
    ackOnTime: 'Acknowledged on time',
    ackMinutes: 'Average time to acknowledge',
    referrals: 'Referrals (answered)',
    referralResponse: 'Average referral answer time',
    referralOutcome: 'Average referral outcome time',
    satisfaction: 'Satisfaction',
    satisfactionCount: '({n} answers)',
    noScore: 'No data',
    download: 'Export xlsx',
    downloaded: 'Downloaded {file}',
    downloadFailed: 'Export failed: {message}',
    empty: 'This region has no regions below it to assess',
    minutes: '{n} min',
    hours: '{n} h',
    days: '{n} days',
  },
};

export default en;
