import type { EntityManager } from '@mikro-orm/postgresql';
import { Scope } from '../../auth/scopes.js';
import { hasScope, requireViewer } from '../../auth/viewer.js';
import type { GraphQLContext } from '../../context.js';
import { translateUniqueViolation } from '../../db/unique-violation.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { globalIdOfRef, parseGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { required } from '../../graphql/required.js';
import { type Row, rowOf } from '../../soft-delete/index.js';
import { checkText } from '../../validation.js';
import { Comment } from '../comment/comment.entity.js';
import { Post } from '../post/post.entity.js';
import { User } from '../user/user.entity.js';
import { USER_UNIQUE_FIELDS } from '../user/user.service.js';

/** The microblog's soft-deletable types. */
export type ModeratedType = 'User' | 'Post' | 'Comment';

interface TypeRules<T> {
  entity: new (...args: never[]) => T;
  /** The to-one parents a restore's payload carries as its transaction saw them. */
  parents: readonly string[];
  /** The user who owns a row: may delete it without `content:moderate`. */
  ownerOf: (row: T) => number;
  /** Whoever deleted a row may restore it (posts and comments, not accounts). */
  deleterMayRestore: boolean;
}

const RULES: {
  [K in ModeratedType]: TypeRules<K extends 'User' ? User : K extends 'Post' ? Post : Comment>;
} = {
  User: { entity: User, parents: [], ownerOf: (user) => user.id, deleterMayRestore: false },
  Post: { entity: Post, parents: ['author'], ownerOf: (post) => post.author.id, deleterMayRestore: true },
  Comment: {
    entity: Comment,
    parents: ['post', 'author', 'parent'],
    ownerOf: (comment) => comment.author.id,
    deleterMayRestore: true,
  },
};

/**
 * Deletes a live row with everything it cascades to, as the viewer, if they own it or moderate.
 * @throws NotFoundError for an unknown or already deleted row (one answer for both)
 */
export async function deleteRow(
  ctx: GraphQLContext,
  type: ModeratedType,
  globalId: string,
  reason?: string | null,
) {
  const viewer = requireViewer(ctx.viewer);
  const id = parseGlobalId(globalId, type);
  const why = reason == null ? null : checkText('reason', reason, { min: 0, max: 500 }) || null;
  const rules = RULES[type] as TypeRules<User | Post | Comment>;
  return ctx.write(async (em) => {
    // The parents come along: the payload answers with them, live, so a client can refresh
    // their counts and lists in the same round trip.
    const row = await em.findOne(rules.entity, id, { populate: rules.parents as never });
    if (!row) throw NotFoundError.entity(type);
    if (rules.ownerOf(row) !== viewer.userId && !hasScope(viewer, Scope.moderate)) {
      throw ForbiddenError.notOwnerOrModerator(type.toLowerCase(), Scope.moderate);
    }
    const result = await ctx.softDelete.delete(em, row, { actor: String(viewer.userId), reason: why });
    return {
      id: toGlobalId(type, id),
      deletedCount: result.count,
      deletedIds: result.refs.map(globalIdOfRef),
      parents: parentRows(em, row, rules.parents),
    };
  });
}

/**
 * Restores the batch whose root is this row and returns the row as the restore left it, the ids
 * of every row it brought back, and the row's parents (as `deleteRow` does).
 * A caller who may not restore it gets NOT_FOUND, exactly as for an unknown id.
 */
export async function restoreRow(ctx: GraphQLContext, type: ModeratedType, globalId: string) {
  const viewer = requireViewer(ctx.viewer);
  const id = parseGlobalId(globalId, type);
  const rules = RULES[type];
  const authorize = ({ deletedBy }: { deletedBy: string | null }) =>
    hasScope(viewer, Scope.moderate) || (rules.deleterMayRestore && deletedBy === String(viewer.userId));
  // The payload is read in the restore's own transaction: a delete that commits right after it
  // must not turn a restore that happened into an error.
  return ctx.write((em) =>
    em.transactional(async (tx) => {
      const result = await translateUniqueViolation(
        USER_UNIQUE_FIELDS,
        () => ctx.softDelete.restore(tx, type, id, { actor: String(viewer.userId), authorize }),
        ConflictError.takenSinceDeletion,
      );
      const restored = required(
        await tx.findOne(rules.entity, id, { populate: rules.parents as never }),
        type,
      );
      return {
        id: toGlobalId(type, id),
        row: rowOf(tx, restored),
        restoredIds: result.refs.map(globalIdOfRef),
        parents: parentRows(tx, restored, rules.parents),
      };
    }),
  );
}

/** A loaded row's to-one parents, by relation, as plain rows (null where it has none). */
function parentRows(em: EntityManager, entity: object, parents: readonly string[]): Parents {
  return Object.fromEntries(
    parents.map((name) => {
      const parent = (entity as Record<string, object | null | undefined>)[name];
      return [name, parent == null ? null : rowOf(em, parent, 'live', false)];
    }),
  );
}

/** The to-one parents of a deleted or restored row, by relation (`post`, `author`, `parent`). */
export type Parents = Partial<Record<string, Row<object> | null>>;

/** Purges a tombstoned batch root for good. Needs scope `data:purge`. */
export async function purgeRow(ctx: GraphQLContext, type: ModeratedType, globalId: string) {
  const viewer = requireViewer(ctx.viewer);
  if (!hasScope(viewer, Scope.purge)) throw ForbiddenError.missingScope(Scope.purge);
  const id = parseGlobalId(globalId, type);
  const result = await ctx.write((em) =>
    ctx.softDelete.purge(em, type, id, { actor: String(viewer.userId) }),
  );
  return { id: toGlobalId(type, id), purgedCount: result.count };
}
