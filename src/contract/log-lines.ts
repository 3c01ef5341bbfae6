/**
 * Log lines (Powertools' `message`) that metric filters count and alarms watch: the functions
 * write exactly these, the construct's filters match exactly these (`countLogLines`), so an alarm
 * works whether or not the pipeline's metrics are on. Change one here and both sides follow.
 */

/** The ingest function (and the reconciler) could not read or write the login ledger. */
export const LEDGER_UNAVAILABLE_LOG = 'login ledger unavailable';
/** An IP database could not be opened: alerts went out without `geo` (and without new-country and travel judgements). */
export const GEO_UNAVAILABLE_LOG = 'IP database unavailable';
/** The reconciler published a login that had never been published. */
export const RECOVERED_LOG = 'login recovered by reconciliation';
/** The reconciler could not read something it must (a log group, a record, the checkpoint). */
export const RECONCILE_PROBLEM_LOG = 'reconciliation problem';
/** A coverage run's summary: its `uncoveredHosts`, `silentHosts`, `neverSeenHosts`, `coveredHosts` and `uncoveredRegions` are metrics. */
export const COVERAGE_RUN_LOG = 'coverage run';
/** A coverage run could not read something (a region, a log group, its state); the rest of the run went on. */
export const COVERAGE_PROBLEM_LOG = 'coverage problem';
/** The Slack app's interaction endpoint refused a request (unsigned, forged, replayed, malformed). */
export const INTERACTION_REJECTED_LOG = 'request rejected';
/** The Slack app could not publish an escalation yet (it retries). */
export const ESCALATION_FAILED_LOG = 'escalation not published yet, retrying';
