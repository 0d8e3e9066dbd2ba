/** One error of a GraphQL response. */
export interface GraphQLErrorItem {
  message: string;
  extensions?: { code?: string; target?: string; [key: string]: unknown };
}

/** A failed request: the server's errors, in order. */
export class RequestFailed extends Error {
  constructor(readonly errors: GraphQLErrorItem[]) {
    super(errors.map((error) => error.message).join(' '));
  }

  /** The `extensions.code` of the first error, e.g. `CONFLICT`. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/**
 * Sends an operation to `/graphql` with the user's bearer token, as any client would.
 * @throws RequestFailed when the server answers with errors (or with something else than JSON)
 */
export async function graphql<T>(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T | null; errors?: GraphQLErrorItem[] };
  try {
    body = await response.json();
  } catch {
    throw new RequestFailed([{ message: `The server answered HTTP ${response.status}.` }]);
  }
  if (body.errors?.length) throw new RequestFailed(body.errors);
  if (!body.data) throw new RequestFailed([{ message: 'The server answered without data.' }]);
  return body.data;
}
