import type { GraphQLSchema } from 'graphql';
import { toGlobalId } from './graphql/global-id.js';
import { SoftDelete, softDeleteCascades } from './soft-delete/index.js';

/**
 * The app's soft-delete toolkit, configured from the schema's `@softDelete` declarations: the
 * server and the command-line tools build it the same way, so a purge from `npm run purge`
 * cascades exactly as the GraphQL mutation's does.
 *
 * @example
 * const softDelete = createSoftDelete(buildSchema());
 * const orm = await initORM({ clientUrl, ...softDelete.ormOptions() });
 */
export function createSoftDelete(
  schema: GraphQLSchema,
  options: { filtersEnabled?: boolean } = {},
): SoftDelete {
  return new SoftDelete({
    cascades: softDeleteCascades(schema),
    describe: describeRow,
    filtersEnabled: options.filtersEnabled ?? true,
  });
}

/** Clients know rows by their global ids; the toolkit's messages name them that way. */
function describeRow(entity: string, id: unknown) {
  const globalId = toGlobalId(entity, String(id));
  return { label: `${entity} ${globalId}`, id: globalId };
}
