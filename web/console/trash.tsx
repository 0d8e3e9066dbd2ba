import { useEffect, useState } from 'preact/hooks';
import { Filters, NO_FILTERS, type TrashFilters } from './filters.js';
import { graphql, RequestFailed } from './graphql.js';
import { History } from './history.js';
import { PurgeDialog } from './purge-dialog.js';
import {
  describe,
  purge,
  type RestoreResult,
  restore,
  TRASH,
  type TrashPage,
  type TrashRow,
  USER_ID,
} from './queries.js';
import type { Capabilities } from './token.js';

interface Notice {
  kind: 'ok' | 'error';
  text: string;
}

/** The trash: tombstones, most recently deleted first, with restore, purge and history. */
export function Trash(props: { token: string; can: Capabilities; onUnauthenticated: () => void }) {
  const { token, can } = props;
  const [filters, setFilters] = useState<TrashFilters>(NO_FILTERS);
  // Cursors of the pages before this one, to page back.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<TrashPage['trash'] | undefined>();
  const [notice, setNotice] = useState<Notice | undefined>();
  const [history, setHistory] = useState<TrashRow | undefined>();
  const [purging, setPurging] = useState<TrashRow | undefined>();
  const [reloads, setReloads] = useState(0);
  const after = cursors.at(-1) ?? null;

  const fail = (error: unknown, doing: string) => {
    if (error instanceof RequestFailed && error.code === 'UNAUTHENTICATED') return props.onUnauthenticated();
    const words = error instanceof RequestFailed ? error.message : String(error);
    setNotice({ kind: 'error', text: `${doing}: ${words}` });
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: a page is read again when what it shows changes; `fail` only reports
  useEffect(() => {
    let current = true;
    load(token, can.audit, filters, after).then(
      (trash) => current && setPage(trash),
      (error) => current && fail(error, 'Could not read the trash'),
    );
    return () => {
      current = false;
    };
  }, [token, can.audit, filters, after, reloads]);

  const apply = (next: TrashFilters) => {
    setFilters(next);
    setCursors([null]);
  };
  const reload = () => setReloads(reloads + 1);

  const onRestore = async (row: TrashRow) => {
    try {
      const data = await graphql<Record<string, RestoreResult>>(token, restore(row.node.__typename), {
        id: row.node.id,
      });
      // What came back, which is less than the batch when rows of it stay behind a deleted parent.
      const n = Object.values(data)[0]?.restoredIds.length ?? 0;
      setNotice({
        kind: 'ok',
        text: `Restored ${row.node.__typename} ${describe(row.node)} with its batch (${n} ${n === 1 ? 'row' : 'rows'}).`,
      });
      reload();
    } catch (error) {
      fail(error, `Could not restore ${row.node.__typename} ${describe(row.node)}. Nothing was changed`);
    }
  };
  const onPurge = async (row: TrashRow) => {
    setPurging(undefined);
    try {
      const data = await graphql<Record<string, { purgedCount: number }>>(token, purge(row.node.__typename), {
        id: row.node.id,
      });
      const count = Object.values(data)[0]?.purgedCount ?? 0;
      setNotice({
        kind: 'ok',
        text: `Purged ${row.node.__typename} ${describe(row.node)}: ${count} rows removed.`,
      });
      if (history?.node.id === row.node.id) setHistory(undefined);
      reload();
    } catch (error) {
      fail(error, `Could not purge ${row.node.__typename} ${describe(row.node)}. Nothing was changed`);
    }
  };

  return (
    <section aria-label="Trash">
      <Filters audit={can.audit} value={filters} onApply={apply} />
      {notice && (
        <p
          class={`notice ${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="notice"
        >
          {notice.text}
        </p>
      )}
      {!page && <p>Loading…</p>}
      {page && (
        <>
          <p class="count" data-testid="trash-count">
            {page.totalCount} deleted {page.totalCount === 1 ? 'row' : 'rows'}
          </p>
          <table class="trash" data-testid="trash">
            <thead>
              <tr>
                <th>Row</th>
                {can.audit && <th>Deleted</th>}
                {can.audit && <th>By</th>}
                {can.audit && <th>Why</th>}
                <th>Batch</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {page.edges.map((row) => (
                <Row
                  key={row.cursor}
                  row={row}
                  can={can}
                  onRestore={onRestore}
                  onPurge={setPurging}
                  onHistory={setHistory}
                  onShowBatch={(batch) => apply({ ...NO_FILTERS, batch })}
                />
              ))}
            </tbody>
          </table>
          <div class="pager">
            <button
              type="button"
              disabled={cursors.length === 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              ← Newer
            </button>
            <span>Page {cursors.length}</span>
            <button
              type="button"
              disabled={!page.pageInfo.hasNextPage}
              onClick={() => setCursors([...cursors, page.pageInfo.endCursor])}
            >
              Older →
            </button>
          </div>
        </>
      )}
      {history && <History token={token} row={history} onClose={() => setHistory(undefined)} />}
      {purging && (
        <PurgeDialog
          token={token}
          row={purging}
          onCancel={() => setPurging(undefined)}
          onConfirm={() => onPurge(purging)}
        />
      )}
    </section>
  );
}

function Row(props: {
  row: TrashRow;
  can: Capabilities;
  onRestore: (row: TrashRow) => void;
  onPurge: (row: TrashRow) => void;
  onHistory: (row: TrashRow) => void;
  onShowBatch: (batch: string) => void;
}) {
  const { row, can } = props;
  const { node, batch } = row;
  return (
    <tr data-id={node.id}>
      <td>
        <span class="type">{node.__typename}</span> {describe(node)}
        {node.author && <span class="muted"> by @{node.author.username}</span>}
        {node.post && <span class="muted"> on “{node.post.title}”</span>}
      </td>
      {can.audit && <td>{node.deletedAt ? new Date(node.deletedAt).toLocaleString() : ''}</td>}
      {can.audit && <td>{node.deletedBy ? `@${node.deletedBy.username}` : 'the system'}</td>}
      {can.audit && <td>{node.deleteReason ?? <span class="muted">no reason given</span>}</td>}
      <td>
        {batch.isRoot ? 'root' : 'cascaded'} · {batch.size} {batch.size === 1 ? 'row' : 'rows'}
      </td>
      <td class="actions">
        {batch.isRoot && can.restore && (
          <button type="button" onClick={() => props.onRestore(row)}>
            Restore
          </button>
        )}
        {!batch.isRoot && batch.id && (
          <a
            href={`#batch=${batch.id}`}
            onClick={(event) => {
              event.preventDefault();
              props.onShowBatch(batch.id as string);
            }}
          >
            {can.restore ? 'restore' : 'see'} {batch.rootType} <code>{batch.rootId}</code> instead
          </a>
        )}
        {can.audit && (
          <button type="button" class="link" onClick={() => props.onHistory(row)}>
            History
          </button>
        )}
        {batch.isRoot && can.purge && (
          <button type="button" class="danger" onClick={() => props.onPurge(row)}>
            Purge…
          </button>
        )}
      </td>
    </tr>
  );
}

/** Reads one page of the trash for the filters; the actor's username becomes their id first. */
async function load(
  token: string,
  audit: boolean,
  filters: TrashFilters,
  after: string | null,
): Promise<TrashPage['trash']> {
  let deletedBy: string | undefined;
  if (audit && filters.actor.trim()) {
    const found = await graphql<{ user: { id: string } | null }>(token, USER_ID, {
      username: filters.actor.trim().replace(/^@/, ''),
    });
    if (!found.user) throw new RequestFailed([{ message: `No user is called “${filters.actor.trim()}”.` }]);
    deletedBy = found.user.id;
  }
  const instant = (local: string) => (audit && local ? new Date(local).toISOString() : undefined);
  const data = await graphql<TrashPage>(token, TRASH, {
    type: filters.type ? [filters.type.toUpperCase()] : undefined,
    deletedBy,
    deletedAfter: instant(filters.from),
    deletedBefore: instant(filters.to),
    batch: filters.batch || undefined,
    after,
    audit,
  });
  return data.trash;
}
