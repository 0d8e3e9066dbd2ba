import { GraphQLScalarType, Kind } from 'graphql';
import { BadUserInputError } from '../errors.js';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

function parse(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw BadUserInputError.invalidDateTime();
  }
  return new Date(value);
}

/** `DateTime`: a JavaScript `Date` inside the server, an ISO-8601 UTC string on the wire. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    // A resolver returned something else: a server bug, logged and masked as an internal error.
    throw new TypeError('DateTime cannot represent a value that is not a valid Date.');
  },
  parseValue: parse,
  parseLiteral(ast) {
    return parse(ast.kind === Kind.STRING ? ast.value : undefined);
  },
});
