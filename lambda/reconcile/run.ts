import type { Logger } from '@aws-lambda-powertools/logger';
import { nextWindow, readCheckpoint, writeCheckpoint, type ReconcileState, type WindowOptions } from './checkpoint';
import { describeSource, type Cursor, type Page, type Source, type SourceRecord, type Window } from './records';
import { RECONCILE_PROBLEM_LOG } from '../../src/contract/log-lines';
import type { Ledger } from '../ingest/ledger/table';
import { errorText } from '../shared/error-text';

/**
 * One reconciliation run: finish the window a cut run left pending, then the next window, source
 * by source and page by page, while the time budget lasts; then save where it stands. Every page's
 * missing logins are recovered before the next page is read, so a cut or failed run loses no work.
 *
 * Faults per source: a log group that is gone, access denied in a region, or any other error after
 * the client's retries is logged as a `reconciliation problem` (which alarms) and the run goes on
 * without that source; throttling that outlasts the client's backoff keeps the source's cursor for
 * the next run. An expired page token restarts its source (claims keep that from publishing twice).
 */

/** What is left when a run stops for its time budget: enough to recover a page and save the checkpoint. */
export const RESERVE_MS = 90_000;

export interface PageOutcome {
  readonly candidates: number;
  readonly alerted: number;
  readonly recovered: number;
  readonly heldElsewhere: number;
  /** Records that could not be read (already logged as a reconciliation problem). */
  readonly unreadable: number;
}

export interface RunDeps {
  readonly ledger: Ledger;
  readonly logger: Logger;
  readonly now: () => number;
  readonly remainingMs: () => number;
  readonly windowOptions: WindowOptions;
  /** The sources of a new window, and why any could not be listed. */
  readonly sources: () => Promise<{ sources: Source[]; problems: string[] }>;
  readonly readPage: (cursor: Cursor, window: Window) => Promise<Page>;
  readonly recoverPage: (records: SourceRecord[]) => Promise<PageOutcome>;
}

export interface RunSummary {
  readonly windows: Window[];
  /** False when sources are still pending (time budget, throttling): the next run resumes them. */
  readonly complete: boolean;
  readonly pages: number;
  readonly recordsRead: number;
  readonly candidates: number;
  readonly alerted: number;
  readonly recovered: number;
  readonly heldElsewhere: number;
  readonly problems: number;
  readonly checkpointSaved: boolean;
}

type Counts = { -readonly [K in 'pages' | 'recordsRead' | 'candidates' | 'alerted' | 'recovered' | 'heldElsewhere' | 'problems']: number };

export async function reconcile(deps: RunDeps): Promise<RunSummary> {
  const { logger } = deps;
  const checkpoint = await readCheckpoint(deps.ledger);
  const counts: Counts = { pages: 0, recordsRead: 0, candidates: 0, alerted: 0, recovered: 0, heldElsewhere: 0, problems: 0 };
  const problem = (what: string, details: Record<string, unknown>) => {
    counts.problems++;
    logger.error(RECONCILE_PROBLEM_LOG, { problem: what, ...details });
  };
  if (checkpoint.problem) problem('checkpoint unreadable', { reason: checkpoint.problem });

  let state: ReconcileState = checkpoint.state;
  const windows: Window[] = [];
  const save = async () => {
    const saved = await writeCheckpoint(deps.ledger, checkpoint, state, deps.now());
    if (!saved) logger.warn('another run moved the checkpoint: this run\'s progress is not saved over it', { state });
    return saved;
  };

  try {
    // A pending window first, then one new one; a fresh run does one window (it never chases its own tail).
    for (let round = 0; round < (checkpoint.state.run ? 2 : 1); round++) {
      let run = state.run;
      if (!run) {
        const plan = nextWindow(state, deps.now(), deps.windowOptions);
        if (!plan) break;
        if (plan.cut) logger.warn('reconciliation window cut', { reason: plan.cut });
        const listed = await deps.sources();
        for (const reason of listed.problems) problem('source unreadable', { reason });
        run = { ...plan.window, pending: listed.sources.map((source) => ({ source })) };
      }
      windows.push({ start: run.start, end: run.end });
      const pending = await reconcileWindow(run, run.pending, deps, counts, problem, (left) => {
        state = { ...state, run: { start: run.start, end: run.end, pending: left } };
      });
      if (pending.length > 0) {
        state = { ...state, run: { start: run.start, end: run.end, pending } };
        break;
      }
      state = { through: Math.max(run.end, state.through ?? 0) };
    }
  } catch (error) {
    // Save how far it got (the failed page is read again), then fail: the function's error alarm fires.
    await save().catch((saveError: Error) => logger.error('checkpoint not saved', { reason: saveError.message }));
    throw error;
  }
  const checkpointSaved = await save();
  return { windows, complete: state.run === undefined, ...counts, checkpointSaved };
}

async function reconcileWindow(
  window: Window, cursors: readonly Cursor[], deps: RunDeps, counts: Counts,
  problem: (what: string, details: Record<string, unknown>) => void, progress: (pending: Cursor[]) => void,
): Promise<Cursor[]> {
  const left: Cursor[] = [];
  for (let i = 0; i < cursors.length; i++) {
    let cursor: Cursor | undefined = cursors[i];
    let restarted = false;
    while (cursor) {
      progress([cursor, ...cursors.slice(i + 1), ...left]);
      if (deps.remainingMs() < RESERVE_MS) {
        deps.logger.info('time budget spent: the next run resumes here', { source: describeSource(cursor.source) });
        return [cursor, ...cursors.slice(i + 1), ...left];
      }
      let page: Page;
      try {
        page = await deps.readPage(cursor, window);
      } catch (error) {
        const failure = classify(error);
        const source = describeSource(cursor.source);
        if (failure === 'throttled') {
          deps.logger.warn('reconciliation source throttled past retries: the next run resumes it', { source, reason: errorText(error) });
          left.push(cursor);
        } else if (failure === 'expired-token' && cursor.nextToken && !restarted) {
          deps.logger.warn('page token expired: the source is read again from the window\'s start', { source });
          restarted = true;
          cursor = { source: cursor.source };
          continue;
        } else {
          problem('source unreadable', { source, reason: errorText(error) });
        }
        break;
      }
      counts.pages++;
      counts.recordsRead += page.records.length;
      if (page.records.length > 0) {
        const outcome = await deps.recoverPage(page.records);
        counts.candidates += outcome.candidates;
        counts.alerted += outcome.alerted;
        counts.recovered += outcome.recovered;
        counts.heldElsewhere += outcome.heldElsewhere;
        counts.problems += outcome.unreadable;
      }
      cursor = page.nextToken ? { source: cursor.source, nextToken: page.nextToken } : undefined;
    }
  }
  return left;
}

function classify(error: unknown): 'throttled' | 'expired-token' | 'other' {
  const name = (error as { name?: string }).name ?? '';
  if (/Throttl|TooManyRequests|RequestLimitExceeded|LimitExceeded/.test(name)) return 'throttled';
  if (name === 'InvalidNextTokenException' || (name === 'InvalidParameterException' && /token/i.test(errorText(error)))) return 'expired-token';
  return 'other';
}
