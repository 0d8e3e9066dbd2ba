import { useEffect, useState } from 'preact/hooks';
import { Feed } from './feed.js';
import { graphql, RequestFailed } from './graphql.js';
import { VIEWER } from './queries.js';
import { SignIn } from './sign-in.js';
import { CONSOLE_SCOPES, capabilitiesOf, readToken, type SignedInToken } from './token.js';
import { Trash } from './trash.js';

const STORAGE_KEY = 'tombstone.console.token';

interface Session {
  token: SignedInToken;
  username: string;
}

/** Signs in, then shows the trash (for the scopes that allow it) and the feed. */
export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [tab, setTab] = useState<'trash' | 'feed'>('trash');
  const [message, setMessage] = useState<string | undefined>();

  const signIn = async (raw: string) => {
    const token = readToken(raw);
    if (!token)
      return setMessage('That is not a bearer token (a JWT: three base64url parts joined by dots).');
    try {
      const data = await graphql<{ viewer: { username: string } | null }>(token.raw, VIEWER);
      if (!data.viewer) return setMessage('The server does not know this token’s user.');
      // Kept for this tab only, so a reload stays signed in; the console has no secret of its own.
      sessionStorage.setItem(STORAGE_KEY, token.raw);
      setMessage(undefined);
      setSession({ token, username: data.viewer.username });
    } catch (error) {
      setMessage(
        error instanceof RequestFailed ? `The server refused this token: ${error.message}` : String(error),
      );
    }
  };
  const signOut = (why?: string) => {
    sessionStorage.removeItem(STORAGE_KEY);
    setSession(undefined);
    setMessage(why);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on load: this tab's earlier sign-in
  useEffect(() => {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved) void signIn(saved);
  }, []);

  if (!session) return <SignIn onSignIn={signIn} message={message} />;
  const can = capabilitiesOf(session.token);
  const granted = Object.entries(CONSOLE_SCOPES).filter(([scope]) => session.token.scopes.includes(scope));
  return (
    <div class="shell">
      <header>
        <h1>Tombstone console</h1>
        <span class="who" data-testid="who">
          Signed in as <strong>@{session.username}</strong>
        </span>
        <button type="button" class="link" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <section class="grants" aria-label="What this token allows">
        {granted.length === 0 ? (
          <p data-testid="no-access">
            This token carries none of the console’s scopes (<code>audit:read</code>,{' '}
            <code>content:moderate</code>, <code>data:purge</code>): there is nothing here for it. The feed
            below is what everybody sees.
          </p>
        ) : (
          <ul>
            {granted.map(([scope, grants]) => (
              <li key={scope}>
                <code>{scope}</code>: {grants}
              </li>
            ))}
          </ul>
        )}
      </section>
      <nav class="tabs">
        {can.trash && (
          <button type="button" aria-pressed={tab === 'trash'} onClick={() => setTab('trash')}>
            Trash
          </button>
        )}
        <button type="button" aria-pressed={tab === 'feed' || !can.trash} onClick={() => setTab('feed')}>
          Feed
        </button>
      </nav>
      {can.trash && tab === 'trash' ? (
        <Trash
          token={session.token.raw}
          can={can}
          onUnauthenticated={() => signOut('The token expired or was refused: sign in again.')}
        />
      ) : (
        <Feed token={session.token.raw} />
      )}
    </div>
  );
}
