/**
 * The trash console: a page for auditors and moderators, served at `/console`. It signs in with a
 * pasted bearer token, shows only what the token's scopes allow, and talks to `/graphql`.
 */
import { render } from 'preact';
import { App } from './app.js';
import './console.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
