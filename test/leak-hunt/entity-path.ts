import type { EntityManager } from '@mikro-orm/postgresql';
import type { App } from '../../src/app.js';
import { Comment } from '../../src/modules/comment/comment.entity.js';
import { Follow } from '../../src/modules/follow/follow.entity.js';
import { Post } from '../../src/modules/post/post.entity.js';
import { User } from '../../src/modules/user/user.entity.js';

/** A list field the read path serves, as `Parent.field` (`Query.posts`, `User.followers`…). */
export type ListName = keyof typeof LISTS;

/** A lookup by id: `node`, `user`, `post` or `comment`, by the type of the id. */
export type LookupType = 'User' | 'Post' | 'Comment';

type Entity = typeof User | typeof Post | typeof Comment | typeof Follow;

/*
 * The lists as the schema documents them, written here from the SDL's descriptions and not
 * imported from the server's list specs, so that a wrong spec shows: what each holds under a
 * parent id, its order (`desc`: newest first), and which row a follow edge shows.
 */
const LISTS = {
  'Query.users': { entity: User, where: () => ({}), direction: 'desc' },
  'Query.posts': { entity: Post, where: () => ({}), direction: 'desc' },
  'User.posts': { entity: Post, where: (id: number) => ({ author: id }), direction: 'desc' },
  'User.comments': { entity: Comment, where: (id: number) => ({ author: id }), direction: 'asc' },
  'User.followers': {
    entity: Follow,
    where: (id: number) => ({ followee: id }),
    direction: 'desc',
    shows: 'follower',
  },
  'User.following': {
    entity: Follow,
    where: (id: number) => ({ follower: id }),
    direction: 'desc',
    shows: 'followee',
  },
  'Post.comments': {
    entity: Comment,
    where: (id: number) => ({ post: id, parent: null }),
    direction: 'asc',
  },
  'Comment.replies': { entity: Comment, where: (id: number) => ({ parent: id }), direction: 'asc' },
} satisfies Record<
  string,
  {
    entity: Entity;
    where: (id: number) => object;
    direction: 'asc' | 'desc';
    shows?: 'follower' | 'followee';
  }
>;

/** The lists under an object of each type, as the random probes may nest them. */
export const NESTED_LISTS: Record<LookupType, ListName[]> = {
  User: ['User.posts', 'User.comments', 'User.followers', 'User.following'],
  Post: ['Post.comments'],
  Comment: ['Comment.replies'],
};

/**
 * What reads returned before plain rows: managed MikroORM entities from `em.find`, `em.findOne`
 * and `em.count`, on a fresh fork each time (nothing cached), through the soft-delete filter
 * (`live`) or a fork made by `SoftDelete.forkIncludingDeleted` (`all`). The differential test
 * holds the server's answers to these.
 */
export class EntityPath {
  constructor(private readonly app: App) {}

  private fork(mode: 'live' | 'all'): EntityManager {
    const root = this.app.orm.em as EntityManager;
    return mode === 'all' ? this.app.softDelete.forkIncludingDeleted(root) : root.fork({ clear: true });
  }

  /** The primary key `type`'s lookup finds for `id`, or null when the mode hides it. */
  async lookup(mode: 'live' | 'all', type: LookupType, id: number): Promise<number | null> {
    const entity = { User, Post, Comment }[type] as typeof User;
    return (await this.fork(mode).findOne(entity, id))?.id ?? null;
  }

  /**
   * The ids on the page of `list` under `parent` (null at the root) that skips `offset` rows and
   * shows `first`, in the list's `(createdAt, id)` order, and how many rows the list holds.
   */
  async list(
    mode: 'live' | 'all',
    name: ListName,
    parent: number | null,
    first: number,
    offset = 0,
  ): Promise<{ ids: number[]; totalCount: number }> {
    const spec: (typeof LISTS)[ListName] = LISTS[name];
    const entity = spec.entity as typeof Comment;
    const where = spec.where(parent as number) as never;
    const em = this.fork(mode);
    const totalCount = await em.count(entity, where);
    if (first === 0) return { ids: [], totalCount };
    const rows = await em.find(entity, where, {
      orderBy: { createdAt: spec.direction, id: spec.direction },
      limit: first,
      offset,
    });
    const shows = 'shows' in spec ? spec.shows : undefined;
    const ids = rows.map((row) =>
      shows ? (row as unknown as Follow)[shows].id : (row as unknown as { id: number }).id,
    );
    return { ids, totalCount };
  }
}
