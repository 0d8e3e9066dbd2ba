import { fromGlobalId } from '../../src/graphql/global-id.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The truth about visibility, computed straight from the tables with hand-written SQL rules that
 * share no code with the server: a user is visible when live; a post when it and its author are;
 * a comment when it, its post, the post's author and its own author are; a follow when both ends are.
 * With `includeDeleted`, every row that exists (was not purged) is. A field's expected value
 * depends on the row it hangs from and its own `includeDeleted` only, never on the fields above.
 */
export class Oracle {
  users = new Map<number, { live: boolean }>();
  posts = new Map<number, { author: number; live: boolean }>();
  comments = new Map<number, { post: number; author: number; parent: number | null; live: boolean }>();
  follows: { follower: number; followee: number }[] = [];

  static async read(t: TestApp): Promise<Oracle> {
    const o = new Oracle();
    for (const u of await t.sql('select id, deleted_at is null as live from users'))
      o.users.set(u.id, { live: u.live });
    for (const p of await t.sql('select id, author_id, deleted_at is null as live from post')) {
      o.posts.set(p.id, { author: p.author_id, live: p.live });
    }
    for (const c of await t.sql(
      'select id, post_id, author_id, parent_id, deleted_at is null as live from comment',
    )) {
      o.comments.set(c.id, { post: c.post_id, author: c.author_id, parent: c.parent_id, live: c.live });
    }
    o.follows = (await t.sql('select follower_id, followee_id from follow')).map((f) => ({
      follower: f.follower_id,
      followee: f.followee_id,
    }));
    return o;
  }

  userVisible(id: number): boolean {
    return this.users.get(id)?.live ?? false;
  }

  postVisible(id: number): boolean {
    const post = this.posts.get(id);
    return Boolean(post?.live && this.userVisible(post.author));
  }

  commentVisible(id: number): boolean {
    const comment = this.comments.get(id);
    return Boolean(comment?.live && this.postVisible(comment.post) && this.userVisible(comment.author));
  }

  /** Whether a global id names a row a live reader may see. */
  visible(globalId: string): boolean {
    const parsed = fromGlobalId(globalId);
    if (!parsed) return false;
    if (parsed.type === 'User') return this.userVisible(parsed.id);
    if (parsed.type === 'Post') return this.postVisible(parsed.id);
    if (parsed.type === 'Comment') return this.commentVisible(parsed.id);
    return false;
  }

  /** The row behind a global id, if it exists (was not purged), with whether it is live. */
  row(globalId: string): { live: boolean } | undefined {
    const parsed = fromGlobalId(globalId);
    if (parsed?.type === 'User') return this.users.get(parsed.id);
    if (parsed?.type === 'Post') return this.posts.get(parsed.id);
    if (parsed?.type === 'Comment') return this.comments.get(parsed.id);
    return undefined;
  }

  /** The parent id a row stores for a to-one field (`Post.author`, `Comment.post`…); undefined for other fields. */
  stored(type: string, id: number, field: string): number | null | undefined {
    if (type === 'Post' && field === 'author') return this.posts.get(id)?.author;
    if (type === 'Comment' && (field === 'post' || field === 'author' || field === 'parent')) {
      return this.comments.get(id)?.[field];
    }
    return undefined;
  }

  /**
   * The ids the list `field` under `parent` (a `Type:id`, or the root) holds: for a live reader,
   * or, with `includeDeleted`, every row that exists.
   */
  list(
    parentType: string,
    parentId: number | null,
    field: string,
    includeDeleted = false,
  ): number[] | undefined {
    const user = (id: number) => includeDeleted || this.userVisible(id);
    const posts = [...this.posts.keys()].filter((id) => includeDeleted || this.postVisible(id));
    const comments = [...this.comments.entries()].filter(([id]) => includeDeleted || this.commentVisible(id));
    switch (`${parentType}.${field}`) {
      case 'Query.users':
        return [...this.users.keys()].filter(user);
      case 'Query.posts':
        return posts;
      case 'User.posts':
        return posts.filter((id) => this.posts.get(id)?.author === parentId);
      case 'User.comments':
        return comments.filter(([, c]) => c.author === parentId).map(([id]) => id);
      case 'User.followers':
        return this.follows
          .filter((f) => f.followee === parentId && user(f.follower) && user(f.followee))
          .map((f) => f.follower);
      case 'User.following':
        return this.follows
          .filter((f) => f.follower === parentId && user(f.followee) && user(f.follower))
          .map((f) => f.followee);
      case 'Post.comments':
        return comments.filter(([, c]) => c.post === parentId && c.parent === null).map(([id]) => id);
      case 'Comment.replies':
        return comments.filter(([, c]) => c.parent === parentId).map(([id]) => id);
      default:
        return undefined;
    }
  }

  /** `Post.commentCount`, for a live reader or with `includeDeleted`. */
  commentCount(postId: number, includeDeleted = false): number {
    return [...this.comments.entries()].filter(
      ([id, c]) => c.post === postId && (includeDeleted || this.commentVisible(id)),
    ).length;
  }
}
