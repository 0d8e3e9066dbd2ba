import { Comment } from './comment/comment.entity.js';
import { Follow } from './follow/follow.entity.js';
import { Post } from './post/post.entity.js';
import { User } from './user/user.entity.js';

/** Every entity of the example domain, listed explicitly for MikroORM's discovery. */
export const entities = [User, Post, Comment, Follow];
