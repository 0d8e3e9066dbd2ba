import { useEffect, useState } from 'preact/hooks';
import { graphql } from './graphql.js';
import { type AuditEventRow, HISTORY, type TrashRow } from './queries.js';

/** A row's audit events (delete, restore, purge), each with the rows it covered. */
export function History(props: { token: string; row: TrashRow; onClose: () => void }) {
  const [events, setEvents] = useState<AuditEventRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    graphql<{ auditLog: { nodes: AuditEventRow[] } }>(props.token, HISTORY, { id: props.row.node.id }).then(
      (data) => setEvents(data.auditLog.nodes),
      (failure: Error) => setError(failure.message),
    );
  }, [props.token, props.row.node.id]);
  return (
    <aside class="panel" aria-label="History" data-testid="history">
      <header>
        <h2>
          History of {props.row.node.__typename} <code>{props.row.node.id}</code>
        </h2>
        <button type="button" class="link" onClick={props.onClose}>
          Close
        </button>
      </header>
      {error && <p class="notice error">{error}</p>}
      {!events && !error && <p>Loading…</p>}
      {events?.length === 0 && <p>No audit event covers this row.</p>}
      <ol class="events">
        {events?.map((event) => (
          <li key={event.id}>
            <p>
              <strong class={`action ${event.action.toLowerCase()}`}>{event.action}</strong> of{' '}
              {event.entityType} <code>{event.entityId}</code> by {actorOf(event)} on{' '}
              {new Date(event.createdAt).toLocaleString()}
              {event.reason && <> · “{event.reason}”</>} · {event.rowCount}{' '}
              {event.rowCount === 1 ? 'row' : 'rows'}
            </p>
            <ul class="ids">
              {event.entityIds.map((id) => (
                <li key={id} class={id === props.row.node.id ? 'this' : ''}>
                  <code>{id}</code>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </aside>
  );
}

/** Who acted: a user, a purged user (the id outlives them), or a named non-user actor such as `cli:purge`. */
function actorOf(event: AuditEventRow) {
  if (event.actor) return `@${event.actor.username}`;
  if (event.actorId) return 'a purged user';
  return event.actorLabel ? <code>{event.actorLabel}</code> : 'the system';
}
