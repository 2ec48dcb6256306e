export type { SubjectOut } from './access.js';
export * from './app.js';
export * from './auth.js';
export * from './device-credentials.js';
export * from './health.js';
export { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './protection.js';
// Response types of the routes the web dashboard reads: the browser code is typed from the same zod schemas.
export type { CohortList, CohortSubjects } from './routes/cohorts.js';
export type { MorningDetail, NightDetail } from './routes/days.js';
export type { DeviceOut } from './routes/devices.js';
export type { CohortLinks, Trends } from './routes/links.js';
export type { ReportList } from './routes/reports.js';
export type { PatientList, SubjectSummary } from './routes/review.js';
export type { EpochList, SubjectList } from './routes/subjects.js';
export type { Me } from './routes/users.js';
export type { DaySummary, ReportOut } from './views.js';
