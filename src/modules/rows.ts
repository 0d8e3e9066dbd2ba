import type { Row } from '../soft-delete/index.js';
import type { Comment } from './comment/comment.entity.js';
import type { Follow } from './follow/follow.entity.js';
import type { Post } from './post/post.entity.js';
import type { User } from './user/user.entity.js';

/**
 * What resolvers receive: plain rows, never managed entities (see `Row`). Reads build them from
 * SQL; mutations turn the entities they wrote into them with `rowOf`.
 */
export type UserRow = Row<User>;
/** A post as a plain row; `author` is the author's id. */
export type PostRow = Row<Post>;
/** A comment as a plain row; `post`, `author` and `parent` are ids. */
export type CommentRow = Row<Comment>;
/** A follow edge as a plain row; `follower` and `followee` are user ids. */
export type FollowRow = Row<Follow>;
