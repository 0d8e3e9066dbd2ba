import { buildSchema } from '../schema.js';

/**
 * The executable schema for GraphQL Code Generator (`codegen.yml` loads the compiled file), so
 * that generated resolver types and the printed `schema.graphql` include what the directives add.
 */
export const schema = buildSchema();
