import { useState } from 'preact/hooks';
import type { RowType } from './queries.js';

/** The trash's filters as the user set them. */
export interface TrashFilters {
  type: RowType | '';
  /** A username; the trash filter takes the user's id. */
  actor: string;
  /** `datetime-local` values, in the browser's time zone. */
  from: string;
  to: string;
  /** A batch id, set by "restore … instead". */
  batch: string;
}

export const NO_FILTERS: TrashFilters = { type: '', actor: '', from: '', to: '', batch: '' };

/** Type for everybody; actor and time only with audit:read, as the API has it. */
export function Filters(props: {
  audit: boolean;
  value: TrashFilters;
  onApply: (filters: TrashFilters) => void;
}) {
  const [draft, setDraft] = useState(props.value);
  const set = (patch: Partial<TrashFilters>) => setDraft({ ...draft, ...patch });
  return (
    <form
      class="filters"
      onSubmit={(event) => {
        event.preventDefault();
        props.onApply(draft);
      }}
    >
      <label>
        Type{' '}
        <select
          name="type"
          value={draft.type}
          onChange={(event) => set({ type: event.currentTarget.value as TrashFilters['type'] })}
        >
          <option value="">All</option>
          <option value="User">Users</option>
          <option value="Post">Posts</option>
          <option value="Comment">Comments</option>
        </select>
      </label>
      {props.audit && (
        <>
          <label>
            Deleted by{' '}
            <input
              name="actor"
              placeholder="username"
              value={draft.actor}
              onInput={(event) => set({ actor: event.currentTarget.value })}
            />
          </label>
          <label>
            From{' '}
            <input
              name="from"
              type="datetime-local"
              value={draft.from}
              onInput={(event) => set({ from: event.currentTarget.value })}
            />
          </label>
          <label>
            To{' '}
            <input
              name="to"
              type="datetime-local"
              value={draft.to}
              onInput={(event) => set({ to: event.currentTarget.value })}
            />
          </label>
        </>
      )}
      <button type="submit">Filter</button>
      {props.value.batch && (
        <span class="chip">
          One batch only{' '}
          <button
            type="button"
            class="link"
            onClick={() => {
              setDraft({ ...draft, batch: '' });
              props.onApply({ ...props.value, batch: '' });
            }}
          >
            show all
          </button>
        </span>
      )}
    </form>
  );
}
