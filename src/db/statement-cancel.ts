import { AsyncLocalStorage } from 'node:async_hooks';
import { connect } from 'node:net';

/** A statement sent for a request, and the cancel request sent for it once the request aborted. */
interface SentStatement {
  connection: CancellableConnection;
  cancelled?: Promise<void>;
}

/**
 * The statements of the request whose work is running, while they run: all of them are
 * cancelled in PostgreSQL when its signal aborts (see {@link cancelOnAbort}).
 */
const REQUEST_STATEMENTS = new AsyncLocalStorage<{ signal: AbortSignal; running: Set<SentStatement> }>();

/** PostgreSQL's CancelRequest code (protocol 3.0, "Message Formats"). */
const CANCEL_REQUEST_CODE = 80877102;
/** How long a cancel request may take before it is given up (the statement timeout still applies). */
const CANCEL_TIMEOUT_MS = 2_000;

/**
 * Runs `work` so that the statements it sends are cancelled when `signal` aborts.
 *
 * @example
 * await withStatementSignal(disconnected.signal, () => apollo.executeHTTPGraphQLRequest(…));
 */
export function withStatementSignal<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  const running = new Set<SentStatement>();
  // One listener per request, not one per statement.
  const onAbort = () => {
    for (const statement of running) statement.cancelled ??= sendCancelRequest(statement.connection);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return REQUEST_STATEMENTS.run({ signal, running }, work).finally(() =>
    signal.removeEventListener('abort', onAbort),
  );
}

/** Where a connection's server listens, and the key its backend gave for cancelling its statements. */
export interface CancellableConnection {
  host: string;
  port: number;
  processID: number | null;
  secretKey: number | null;
}

/**
 * Ties a statement just sent on `connection` to the running request (see
 * {@link withStatementSignal}): when the request aborts before the statement settles, PostgreSQL
 * is asked to cancel it with the protocol's own CancelRequest (what `psql` sends on Ctrl-C). That
 * is one 16-byte message on a socket the server closes at once: no session, no authentication, no
 * backend of its own, where `pg_cancel_backend` (Kysely's `cancel query`) opened a whole new
 * session for every abandoned statement.
 *
 * The returned promise settles like `running`, but never before a cancel request sent for it has
 * been delivered: the connection goes back to the pool only then, so a late cancel cannot reach a
 * statement another request sent on it (a backend ignores a cancel while it waits for a command).
 * Outside a request, `running` is returned as it is.
 */
export function cancelOnAbort<T>(connection: CancellableConnection, running: T): T {
  const request = REQUEST_STATEMENTS.getStore();
  if (!request || request.signal.aborted || !(running instanceof Promise)) return running;
  const statement: SentStatement = { connection };
  request.running.add(statement);
  return running.then(
    (value) => {
      request.running.delete(statement);
      return statement.cancelled ? statement.cancelled.then(() => value) : value;
    },
    (error) => {
      request.running.delete(statement);
      if (!statement.cancelled) throw error;
      return statement.cancelled.then(() => {
        throw error;
      });
    },
  ) as T;
}

/** Sends a CancelRequest for `connection`'s backend; resolves (never rejects) once it is delivered or gave up. */
function sendCancelRequest({ host, port, processID, secretKey }: CancellableConnection): Promise<void> {
  if (processID === null || secretKey === null) return Promise.resolve();
  return new Promise((resolve) => {
    const socket = host.startsWith('/') ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.setTimeout(CANCEL_TIMEOUT_MS, done);
    socket.once('error', done);
    // The server reads the message, signals the backend and closes the socket.
    socket.once('close', done);
    socket.once('connect', () => {
      const message = Buffer.alloc(16);
      message.writeInt32BE(16, 0);
      message.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      message.writeInt32BE(processID, 8);
      message.writeInt32BE(secretKey, 12);
      socket.end(message);
    });
  });
}
