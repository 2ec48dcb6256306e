// @restpose/analytics: posture-stiffness link statistics and flags for clinical review. Pure: no I/O, no clock.
export {
  correlationPValue,
  fisherInterval,
  type Pearson,
  pearson,
  pearsonSchema,
  type Spearman,
  spearman,
  spearmanSchema,
} from './correlation.js';
export {
  type FlagEvidence,
  type FlagInput,
  type FlagRules,
  flagEvidenceSchema,
  flagInputSchema,
  flagMorningSchema,
  flagNightSchema,
  flagReportSchema,
  flagRulesSchema,
  RED_FLAGS,
  REVIEW_NOTE,
  type RedFlag,
  type RedFlagAnswers,
  type ReviewFlag,
  redFlagAnswersSchema,
  reviewFlagSchema,
  reviewFlags,
} from './flags.js';
export {
  type LinkObservation,
  type LinkRow,
  type LinkTable,
  type LinkTableOptions,
  linkObservationSchema,
  linkRowSchema,
  linkTable,
  linkTableSchema,
} from './link-table.js';
export { MIN_PAIRS, MIN_REPEATING_SUBJECTS, MIN_RMCORR_DF } from './minimums.js';
export { benjaminiHochberg } from './multiple-comparisons.js';
export { type Slope, slope, slopeSchema } from './regression.js';
export { type Interval, intervalSchema, type Unavailable, unavailableSchema } from './result.js';
export { type Rmcorr, rmcorr, rmcorrSchema } from './rmcorr.js';
