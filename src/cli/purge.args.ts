import { parseArgs } from 'node:util';
import { parseDuration } from '../auth/duration.js';

/** What `npm run purge` prints with `--help` and after a bad argument. */
export const PURGE_USAGE = `Usage: npm run purge -- --older-than <duration> [--type <Type>] [--dry-run]

Purges for good every batch root deleted longer ago than <duration>, with its batch and
the rows beneath it, one batch per transaction, audited with the actor "cli:purge".

  --older-than <duration>  90s, 30m, 12h or 30d (a bare number is seconds)
  --type <Type>            only roots of these types (User, Post, Comment); repeat the
                           option or separate with commas; default: every type
  --dry-run                print what would go, per type, and change nothing
  --help                   print this text

The database is DATABASE_URL, or else the embedded PostgreSQL in DATA_DIR (default .data),
shared with the server when it runs. Ctrl-C stops after the current batch; run it again
to continue.`;

const MAX_AGE_SECONDS = 36_500 * 86_400;

/** A command line that cannot run; the message says why, the usage says how. */
export class UsageError extends Error {}

/** A valid `npm run purge` command line. */
export interface PurgeArgs {
  /** `--older-than` as written, for messages. */
  olderThan: string;
  olderThanSeconds: number;
  /** Entity names, as `knownTypes` spells them; empty for every type. */
  types: string[];
  dryRun: boolean;
  help: boolean;
}

/**
 * Reads `npm run purge`'s arguments.
 * @param knownTypes the soft-deletable entities `--type` may name (matched ignoring case)
 * @throws UsageError for an unknown option, a missing or malformed `--older-than`, an unknown type
 */
export function parsePurgeArgs(argv: readonly string[], knownTypes: readonly string[]): PurgeArgs {
  let values: { 'older-than'?: string; type?: string[]; 'dry-run'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'older-than': { type: 'string' },
        type: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    // parseArgs names the offending option; its error codes are not worth more than the text.
    throw new UsageError((error as Error).message);
  }
  const help = values.help ?? false;
  const olderThan = values['older-than'];
  if (olderThan === undefined) {
    if (help) return { olderThan: '', olderThanSeconds: 0, types: [], dryRun: false, help };
    throw new UsageError('--older-than is required: say how long rows stay in the trash, e.g. 30d.');
  }
  const olderThanSeconds = parseDuration(olderThan);
  if (olderThanSeconds === undefined) {
    throw new UsageError(`--older-than takes a duration such as 90s, 30m, 12h or 30d, not "${olderThan}".`);
  }
  // Beyond this the cutoff would precede any date a JavaScript Date can hold.
  if (olderThanSeconds > MAX_AGE_SECONDS) throw new UsageError('--older-than is at most 36500d (100 years).');
  const types = new Set<string>();
  for (const name of (values.type ?? []).flatMap((value) => value.split(','))) {
    const known = knownTypes.find((type) => type.toLowerCase() === name.trim().toLowerCase());
    if (!known) throw new UsageError(`--type takes ${knownTypes.join(', ')}, not "${name}".`);
    types.add(known);
  }
  return { olderThan, olderThanSeconds, types: [...types], dryRun: values['dry-run'] ?? false, help };
}
