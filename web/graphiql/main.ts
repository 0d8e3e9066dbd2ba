/**
 * The GraphQL IDE served at `GET /graphql` to browsers: GraphiQL bundled at build time, with its
 * editor's workers served by this server (no CDN), example tabs for each kind of user and, in
 * development, the header editor preloaded with a demo user's token.
 */
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './page.css';
import { type DemoToken, fetchDemoTokens } from '../shared/demo-tokens.js';
import { exampleTabs } from './examples.js';
import { memoryStorage } from './memory-storage.js';

// Monaco asks for a worker per language; each is a bundle of its own next to this one.
const WORKERS: Record<string, string> = { json: 'json.worker.js', graphql: 'graphql.worker.js' };
(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker: (_id: string, label: string) =>
    new Worker(`/graphiql/${WORKERS[label] ?? 'editor.worker.js'}`, { type: 'module' }),
};

const fetcher: GraphiQLProps['fetcher'] = async (params, options) => {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options?.headers as Record<string, string>) },
    body: JSON.stringify(params),
  });
  return response.json();
};

async function main(): Promise<void> {
  const tokens: DemoToken[] = await fetchDemoTokens();
  const root = document.getElementById('graphiql');
  if (!root) return;
  createRoot(root).render(
    createElement(GraphiQL, {
      fetcher,
      defaultTabs: exampleTabs(tokens),
      // Tabs start from the examples on every visit, so a demo token never outlives its page.
      storage: memoryStorage(),
      defaultEditorToolsVisibility: 'headers',
    }),
  );
}

void main();
