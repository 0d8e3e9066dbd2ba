import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, type DocumentNode, visit } from 'graphql';
import { BadUserInputError } from '../errors.js';

/**
 * True for text PostgreSQL can store: no NUL (its `text` type cannot hold one and the driver
 * fails the whole statement) and no unpaired UTF-16 surrogate (not text at all; the driver would
 * silently turn it into U+FFFD).
 */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

/**
 * Refuses, before anything executes, a request with a string PostgreSQL cannot store anywhere in
 * it: a string literal of the document (arguments, input objects, lists, variable defaults) or
 * any string inside the variables, however deeply nested. One check for every field, so no
 * resolver, search or lookup has to remember it. The rejection is a `BAD_USER_INPUT` error with
 * HTTP status 400 naming the literal's location or the variable's path.
 */
export function textInputPlugin(): ApolloServerPlugin {
  // Apollo hands the same document object to every request with the same query text; its
  // literals were checked the first time (variables differ per request and are checked always).
  const checked = new WeakSet<DocumentNode>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          if (!checked.has(document)) {
            const literal = findInvalidLiteral(document);
            if (literal) throw literal;
            checked.add(document);
          }
          const path = findInvalidVariable(request.variables ?? {});
          if (path !== undefined) throw BadUserInputError.invalidText(`Variable \`${path}\``);
        },
      };
    },
  };
}

function findInvalidLiteral(document: DocumentNode): BadUserInputError | undefined {
  let found: BadUserInputError | undefined;
  visit(document, {
    StringValue(node) {
      if (isStorableText(node.value)) return;
      const at = node.loc ? ` at line ${node.loc.startToken.line}, column ${node.loc.startToken.column}` : '';
      found = BadUserInputError.invalidText(`The string literal${at}`);
      return BREAK;
    },
  });
  return found;
}

/**
 * The path (`$input.tags[2]`) of the first string in `variables` that is not storable text.
 * Iterative: the JSON body may nest deeper than the call stack allows.
 */
function findInvalidVariable(variables: Record<string, unknown>): string | undefined {
  const pending: [unknown, string][] = Object.entries(variables).map(([name, value]) => [value, `$${name}`]);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return path;
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => void pending.push([item, `${path}[${index}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) pending.push([item, `${path}.${key}`]);
    }
  }
  return undefined;
}
