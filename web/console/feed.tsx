import { useEffect, useState } from 'preact/hooks';
import { graphql } from './graphql.js';
import { FEED, type FeedPost } from './queries.js';

/** The newest posts, as everybody sees them: where a restored post shows up again. */
export function Feed(props: { token: string }) {
  const [posts, setPosts] = useState<FeedPost[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    graphql<{ posts: { nodes: FeedPost[] } }>(props.token, FEED).then(
      (data) => setPosts(data.posts.nodes),
      (failure: Error) => setError(failure.message),
    );
  }, [props.token]);
  if (error) return <p class="notice error">{error}</p>;
  if (!posts) return <p>Loading…</p>;
  return (
    <section aria-label="Feed">
      <h2>Feed: the newest posts</h2>
      <ul class="feed" data-testid="feed">
        {posts.map((post) => (
          <li key={post.id}>
            <strong>{post.title}</strong> by @{post.author?.username ?? 'deleted'} ·{' '}
            {new Date(post.createdAt).toLocaleString()} · {post.commentCount} comments
          </li>
        ))}
      </ul>
    </section>
  );
}
