import { Migration } from '@mikro-orm/migrations';

/**
 * Partial indexes for the live lists (`WHERE deleted_at IS NULL`: they stay small however many
 * tombstones accumulate), indexes for the trash, and full-text search over posts: a generated,
 * weighted `tsvector` (title A, body B, english) with a GIN index.
 */
export class Migration20261121020000LiveIndexesAndSearch extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "users_live_created_at_id_index" on "users" ("created_at", "id") where "deleted_at" is null;`,
    );
    this.addSql(`create index "users_trash_index" on "users" ("deleted_at") where "deleted_at" is not null;`);
    this.addSql(
      `alter table "post" add "search_vector" tsvector generated always as (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) stored null;`,
    );
    this.addSql(
      `create index "post_live_created_at_id_index" on "post" ("created_at", "id") where "deleted_at" is null;`,
    );
    this.addSql(
      `create index "post_live_author_id_created_at_id_index" on "post" ("author_id", "created_at", "id") where "deleted_at" is null;`,
    );
    this.addSql(`create index "post_trash_index" on "post" ("deleted_at") where "deleted_at" is not null;`);
    this.addSql(`create index "post_search_vector_index" on "post" using gin ("search_vector");`);
    this.addSql(
      `create index "comment_live_post_id_created_at_id_index" on "comment" ("post_id", "created_at", "id") where "deleted_at" is null;`,
    );
    this.addSql(
      `create index "comment_live_parent_id_created_at_id_index" on "comment" ("parent_id", "created_at", "id") where "deleted_at" is null;`,
    );
    this.addSql(
      `create index "comment_live_author_id_created_at_id_index" on "comment" ("author_id", "created_at", "id") where "deleted_at" is null;`,
    );
    this.addSql(
      `create index "comment_trash_index" on "comment" ("deleted_at") where "deleted_at" is not null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      'drop index if exists "users_live_created_at_id_index", "users_trash_index", "post_live_created_at_id_index", "post_live_author_id_created_at_id_index", "post_trash_index", "post_search_vector_index", "comment_live_post_id_created_at_id_index", "comment_live_parent_id_created_at_id_index", "comment_live_author_id_created_at_id_index", "comment_trash_index";',
    );
    this.addSql('alter table "post" drop column if exists "search_vector";');
  }
}
