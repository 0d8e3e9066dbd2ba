import { useEffect, useState } from 'preact/hooks';
import { graphql } from './graphql.js';
import { describe, PURGE_COUNT, type TrashRow } from './queries.js';

/** Asks before a purge, naming how many rows it removes for good. */
export function PurgeDialog(props: {
  token: string;
  row: TrashRow;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const [count, setCount] = useState<number | undefined>();
  const [error, setError] = useState<string | undefined>();
  const batch = props.row.batch.id;
  useEffect(() => {
    // A row tombstoned outside the API is a batch of its own: purging it removes it alone.
    if (!batch) return setCount(1);
    graphql<{ trash: { edges: { batch: { purgeCount: number } }[] } }>(props.token, PURGE_COUNT, {
      batch,
    }).then(
      (data) => setCount(data.trash.edges[0]?.batch.purgeCount ?? 0),
      (failure: Error) => setError(failure.message),
    );
  }, [props.token, batch]);
  const { node } = props.row;
  return (
    <div class="backdrop">
      <div class="dialog" role="alertdialog" aria-label="Confirm purge" data-testid="purge-dialog">
        <h2>
          Purge {node.__typename} {describe(node)} for good?
        </h2>
        {error && <p class="notice error">{error}</p>}
        {count === undefined && !error && <p>Counting the rows…</p>}
        {count !== undefined && (
          <p>
            This removes <strong data-testid="purge-count">{count}</strong> {count === 1 ? 'row' : 'rows'}{' '}
            from the database: the batch ({props.row.batch.size} {props.row.batch.size === 1 ? 'row' : 'rows'}
            ) and every row deleted beneath it. It cannot be undone; the audit log keeps a record.
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="button" class="danger" disabled={count === undefined} onClick={props.onConfirm}>
            Purge {count ?? ''} {count === 1 ? 'row' : 'rows'}
          </button>
        </div>
      </div>
    </div>
  );
}
