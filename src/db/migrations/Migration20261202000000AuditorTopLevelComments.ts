import { Migration } from '@mikro-orm/migrations';

/**
 * A partial index for a post's top-level comments, tombstoned ones included: the page an auditor
 * reads with `comments(includeDeleted: true)`. Without it that page reads through the index of all
 * of the post's comments and fetches every reply from the table only to drop it (EXPLAIN on the
 * benchmark's W6: 835 rows fetched for 486 kept).
 */
export class Migration20261202000000AuditorTopLevelComments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "comment_top_level_post_id_created_at_id_index" on "comment" ("post_id", "created_at", "id") where "parent_id" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists "comment_top_level_post_id_created_at_id_index";');
  }
}
