import { BadUserInputError } from '../errors.js';

/**
 * An operation over one of the server's bounds (`MAX_QUERY_DEPTH`, `MAX_QUERY_OBJECTS`,
 * `MAX_QUERY_ALIASES`), refused before anything executes: `BAD_USER_INPUT` with HTTP 400, and a
 * message that names the bound and the numbers.
 */
export class OperationLimitError extends BadUserInputError {
  /** The operation is `depth` fields deep (checked before execution). */
  static tooDeep(depth: number, max: number): OperationLimitError {
    return new OperationLimitError(`The operation is ${depth} fields deep; the limit is ${max}.`, {
      httpStatus: 400,
    });
  }

  /**
   * The operation may ask its lists for more than `max` rows (checked before execution). Names
   * the list that asks for the most, so the client knows which `first` to lower.
   * @param largest the response path of that list (e.g. `posts.nodes.comments`) and its rows:
   *   its page size times the rows of the lists above it
   */
  static tooManyRows(
    total: number,
    max: number,
    largest: { path: string; rows: number },
  ): OperationLimitError {
    return new OperationLimitError(
      `The operation asks for up to ${total} rows; the limit is ${max}. \`${largest.path}\` alone ` +
        `asks for up to ${largest.rows} (its page size times the rows above it). Ask for smaller pages.`,
      { httpStatus: 400, extensions: { rows: total, maxRows: max, largest } },
    );
  }

  /** The operation uses more aliases than `max` (counted as executed, before execution). */
  static tooManyAliases(aliases: number, max: number): OperationLimitError {
    return new OperationLimitError(`The operation uses ${aliases} aliases; the limit is ${max}.`, {
      httpStatus: 400,
    });
  }

  /** The operation is too large to even measure (its expanded fragments). */
  static operationTooLarge(): OperationLimitError {
    return new OperationLimitError('The operation is too large to run.', { httpStatus: 400 });
  }
}
