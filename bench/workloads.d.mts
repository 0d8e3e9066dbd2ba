/** The live ids and words a run samples from ours' database (see run.mjs). */
export interface Sample {
  rowIds: [string, number][];
  nodeIds: string[];
  words: string[];
  commentIds: string[];
  twinCommentIds: string[];
}

/** See workloads.mjs. */
export const WORKLOADS: string[];
export const SWEEPS: string[];
export function onCopy(system: string): boolean;
export function bodies(workload: string, system: string, sample: Sample): string[] | null;
export function historyOnly(workload: string, system: string): boolean;
export function essence(workload: string, system: string, body: unknown): unknown;
export function rowsReturned(body: unknown): number;
