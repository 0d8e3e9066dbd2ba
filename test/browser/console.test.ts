import type { Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from '../support/browser.js';
import { gid } from '../support/ids.js';
import { startTestApp, type TestApp, tokenFor } from '../support/test-app.js';

/*
 * The console and the IDE in a real browser (headless Chromium driven by playwright-core),
 * against the real server on the demo data. The browser may reach this server only: any other
 * request is aborted and fails the test, so the pages are proved to work offline.
 * `UPDATE_SCREENSHOTS=1` keeps a screenshot of each screen in docs/screenshots/ (the README's).
 */
let t: TestApp;
let browser: Browser;
let origin: string;
let users: Record<'alice' | 'bob' | 'carol' | 'dave', number>;
const offSite: string[] = [];
const opened: Page[] = [];

beforeAll(async () => {
  t = await startTestApp({ seedDemoData: true });
  origin = new URL(t.app.url).origin;
  const rows = await t.sql<{ id: number; username: string }>('select id, username from users');
  users = Object.fromEntries(rows.map((row) => [row.username, row.id])) as typeof users;
  browser = await launchChromium();
  await browser.context.route('**/*', (route) => {
    if (route.request().url().startsWith(`${origin}/`)) return route.continue();
    offSite.push(route.request().url());
    return route.abort();
  });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((page) => page.close()));
  expect(offSite).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function open(path: string): Promise<Page> {
  const page = await browser.context.newPage();
  opened.push(page);
  await page.goto(`${origin}${path}`);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: `docs/screenshots/${name}.png` });
}

/** Opens the console and signs in with the development picker. */
async function signInAs(username: string): Promise<Page> {
  const page = await open('/console');
  await page.getByRole('button', { name: username, exact: true }).click();
  await page.getByTestId('who').waitFor();
  return page;
}

/** A row of the trash table, by the row's global id or by text only it shows. */
const trashRow = (page: Page, idOrText: { id: string } | string) =>
  typeof idOrText === 'string'
    ? page.getByTestId('trash').locator('tr', { hasText: idOrText })
    : page.getByTestId('trash').locator(`tr[data-id="${idOrText.id}"]`);

async function deleteAs(userId: number, type: string, id: string, reason: string, scopes: string[] = []) {
  const res = await t.gql(
    `mutation($id: ID!, $reason: String) { delete${type}(id: $id, reason: $reason) { deletedCount } }`,
    { id, reason },
    { userId, scopes },
  );
  expect(res.errors).toBeUndefined();
}

describe('the trash console', { timeout: 90_000 }, () => {
  it('lets a moderator find a deleted post in the trash, restore it, and see it back in the feed', async () => {
    const welcome = gid.post(1);
    await deleteAs(users.alice, 'Post', welcome, 'Posted too early');
    await deleteAs(users.bob, 'Post', gid.post(2), 'Outdated');

    const page = await open('/console');
    await page.getByRole('button', { name: 'alice', exact: true }).waitFor();
    await shot(page, 'sign-in');
    await page.getByRole('button', { name: 'alice', exact: true }).click();
    await page.getByTestId('trash').waitFor();
    expect(await page.getByTestId('trash-count').textContent()).toBe('7 deleted rows');
    // Without audit:read, who deleted a row, when and why are not shown (nor asked for).
    expect(await page.getByRole('columnheader', { name: 'Why' }).count()).toBe(0);

    // A comment that went with the post offers its batch's root instead of a restore of its own.
    const comment = trashRow(page, 'Congrats on the launch!');
    expect(await comment.getByRole('button', { name: 'Restore' }).count()).toBe(0);
    await comment.getByRole('link', { name: /restore Post .* instead/ }).click();
    await page.getByTestId('trash-count').filter({ hasText: '5 deleted rows' }).waitFor();
    await shot(page, 'trash-moderator');

    await trashRow(page, { id: gid.post(1) })
      .getByRole('button', { name: 'Restore' })
      .click();
    const notice = page.getByTestId('notice');
    await notice
      .filter({ hasText: 'Restored Post “Welcome to Tombstone” with its batch (5 rows).' })
      .waitFor();
    await page.getByTestId('trash-count').filter({ hasText: '0 deleted rows' }).waitFor();

    await page.getByRole('button', { name: 'Feed' }).click();
    await page.getByTestId('feed').filter({ hasText: 'Welcome to Tombstone' }).waitFor();
    const live = await t.sql('select deleted_at from post where id = 1');
    expect(live).toEqual([{ deleted_at: null }]);
  });

  it('shows a restore the server refuses in words, and nothing changes', async () => {
    await deleteAs(users.carol, 'User', gid.user(users.dave), 'Spam account', ['content:moderate']);
    const taken = await t.gql(
      'mutation { register(input: { username: "dave", email: "new-dave@example.com", displayName: "Dave 2" }) { id } }',
    );
    expect(taken.errors).toBeUndefined();

    const page = await signInAs('carol');
    await trashRow(page, { id: gid.user(users.dave) })
      .getByRole('button', { name: 'Restore' })
      .click();
    await page
      .getByRole('alert')
      .filter({
        hasText: 'Could not restore User @dave. Nothing was changed: Cannot restore: the username has since',
      })
      .waitFor();
    await shot(page, 'conflict');
    expect(
      await t.sql('select count(*)::int as n from users where id = $1 and deleted_at is not null', [
        users.dave,
      ]),
    ).toEqual([{ n: 1 }]);
  });

  it('shows an auditor who deleted what, when and why, filters by actor, and opens a row history', async () => {
    const page = await signInAs('bob');
    await page.getByRole('columnheader', { name: 'Why' }).waitFor();
    expect(await trashRow(page, { id: gid.post(2) }).textContent()).toContain('Outdated');
    // audit:read alone restores nothing.
    expect(await page.getByRole('button', { name: 'Restore' }).count()).toBe(0);
    await shot(page, 'trash-auditor');

    await page.getByPlaceholder('username').fill('bob');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByTestId('trash-count').filter({ hasText: '2 deleted rows' }).waitFor();
    await trashRow(page, { id: gid.post(2) })
      .getByRole('button', { name: 'History' })
      .click();
    const history = page.getByTestId('history');
    await history.filter({ hasText: 'DELETE of Post' }).waitFor();
    expect(await history.textContent()).toContain('“Outdated” · 2 rows');
    await shot(page, 'history');
  });

  it('purges only after a confirmation that names how many rows go', async () => {
    const page = await signInAs('carol');
    await trashRow(page, { id: gid.post(2) })
      .getByRole('button', { name: 'Purge…' })
      .click();
    const dialog = page.getByTestId('purge-dialog');
    await dialog.getByTestId('purge-count').filter({ hasText: '2' }).waitFor();
    await shot(page, 'purge');
    await dialog.getByRole('button', { name: 'Purge 2 rows' }).click();
    await page
      .getByTestId('notice')
      .filter({ hasText: 'Purged Post “Postgres tips”: 2 rows removed.' })
      .waitFor();
    expect(await t.sql('select id from post where id = 2')).toEqual([]);
  });

  it('shows an ordinary user no console data at all', async () => {
    const page = await open('/console');
    const asked: string[] = [];
    page.on('request', (request: Request) => {
      if (request.url().endsWith('/graphql')) asked.push(request.postData() ?? '');
    });
    await page.getByLabel('Bearer token').fill(await tokenFor(users.alice));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('no-access').waitFor();
    await page.getByTestId('feed').waitFor();
    await shot(page, 'no-access');
    expect(await page.getByTestId('trash').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Trash' }).count()).toBe(0);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((body) => /trash|auditLog|deletedAt|deleteReason/.test(body))).toEqual([]);
  });
});

describe('the GraphQL IDE', { timeout: 90_000 }, () => {
  it('loads offline, runs a query, and runs the auditor example with its preloaded demo token', async () => {
    const page = await open('/graphql');
    const run = page.getByRole('button', { name: /Execute query/ });
    await run.waitFor();
    await run.click();
    const response = page.locator('.graphiql-response');
    await response.filter({ hasText: '"totalCount"' }).waitFor();
    await shot(page, 'graphiql');

    await page.getByRole('tab', { name: 'AuditorTrash' }).click();
    // The tab holds two operations: GraphiQL runs the one under the cursor (or, without one, asks
    // which). Monaco renders spaces as no-break spaces, which \s matches.
    await page.locator('.graphiql-query-editor .view-line', { hasText: /trash\(first:\s10\)/ }).click();
    await run.click();
    const pick = page.getByRole('menuitem', { name: 'AuditorTrash' });
    const answered = response.filter({ hasText: '"deleteReason": "Spam account"' });
    await pick.or(answered).first().waitFor();
    if (await pick.isVisible()) await pick.click();
    await answered.waitFor();
    expect(await response.textContent()).not.toContain('FORBIDDEN');
  });
});
