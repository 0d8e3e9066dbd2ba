import { useEffect, useState } from 'preact/hooks';
import { type DemoToken, fetchDemoTokens } from '../shared/demo-tokens.js';

/** Paste a bearer token; in development, or pick a demo user's. */
export function SignIn(props: { onSignIn: (token: string) => void; message: string | undefined }) {
  const [pasted, setPasted] = useState('');
  const [demo, setDemo] = useState<DemoToken[]>([]);
  useEffect(() => {
    void fetchDemoTokens().then(setDemo);
  }, []);
  return (
    <main class="sign-in">
      <h1>Tombstone console</h1>
      <p>
        For auditors and moderators: what was deleted, by whom and why, and undoing it. Sign in with your
        bearer token; the console shows what its scopes allow.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onSignIn(pasted);
        }}
      >
        <label for="token">Bearer token</label>
        <textarea
          id="token"
          rows={4}
          placeholder="eyJhbGciOi…"
          value={pasted}
          onInput={(event) => setPasted(event.currentTarget.value)}
        />
        <button type="submit" disabled={pasted.trim() === ''}>
          Sign in
        </button>
      </form>
      {props.message && (
        <p class="notice error" role="alert">
          {props.message}
        </p>
      )}
      {demo.length > 0 && (
        <section class="demo" aria-label="Demo users">
          <h2>Development: sign in as a demo user</h2>
          <ul>
            {demo.map((user) => (
              <li key={user.username}>
                <button type="button" onClick={() => props.onSignIn(user.token)}>
                  {user.username}
                </button>{' '}
                {user.role}
                {user.scopes.length > 0 && (
                  <>
                    {' '}
                    (<code>{user.scopes.join(' ')}</code>)
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
