/** A demo user's token, as `GET /console/demo-tokens` lists them in development. */
export interface DemoToken {
  username: string;
  /** What the user is for, e.g. `moderator`. */
  role: string;
  scopes: string[];
  token: string;
}

/** The demo users' tokens; none outside development (the server answers 404 there). */
export async function fetchDemoTokens(): Promise<DemoToken[]> {
  try {
    const response = await fetch('/console/demo-tokens');
    return response.ok ? ((await response.json()) as DemoToken[]) : [];
  } catch {
    return [];
  }
}
