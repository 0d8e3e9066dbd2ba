import { Migration } from '@mikro-orm/migrations';

/** Users, posts, threaded comments and follows, with the tombstone columns from the start. */
export class Migration20261121000000Initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "users" ("id" serial primary key, "username" varchar(32) not null, "email" varchar(254) not null, "display_name" varchar(64) not null, "bio" text null, "created_at" timestamptz(3) not null default now(), "deleted_at" timestamptz(3) null, "deleted_by" varchar(64) null, "delete_reason" text null, "delete_batch" uuid null);`,
    );
    this.addSql(`create index "users_created_at_id_index" on "users" ("created_at", "id");`);
    this.addSql(
      `create unique index "users_username_live_unique" on "users" (lower("username")) where "deleted_at" is null;`,
    );
    this.addSql(
      `create unique index "users_email_live_unique" on "users" ("email") where "deleted_at" is null;`,
    );
    this.addSql(
      `create table "post" ("id" serial primary key, "author_id" int not null, "title" varchar(200) not null, "body" text not null, "created_at" timestamptz(3) not null default now(), "deleted_at" timestamptz(3) null, "deleted_by" varchar(64) null, "delete_reason" text null, "delete_batch" uuid null);`,
    );
    this.addSql(`create index "post_created_at_id_index" on "post" ("created_at", "id");`);
    this.addSql(
      `create index "post_author_id_created_at_id_index" on "post" ("author_id", "created_at", "id");`,
    );
    this.addSql(
      `create table "follow" ("id" serial primary key, "follower_id" int not null, "followee_id" int not null, "created_at" timestamptz(3) not null default now());`,
    );
    this.addSql(
      `create index "follow_followee_id_created_at_id_index" on "follow" ("followee_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "follow_follower_id_created_at_id_index" on "follow" ("follower_id", "created_at", "id");`,
    );
    this.addSql(
      `alter table "follow" add constraint "follow_follower_id_followee_id_unique" unique ("follower_id", "followee_id");`,
    );
    this.addSql(
      `create table "comment" ("id" serial primary key, "post_id" int not null, "author_id" int not null, "parent_id" int null, "body" text not null, "created_at" timestamptz(3) not null default now(), "deleted_at" timestamptz(3) null, "deleted_by" varchar(64) null, "delete_reason" text null, "delete_batch" uuid null);`,
    );
    this.addSql(
      `create index "comment_post_id_created_at_id_index" on "comment" ("post_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "comment_parent_id_created_at_id_index" on "comment" ("parent_id", "created_at", "id");`,
    );
    this.addSql(
      `create index "comment_author_id_created_at_id_index" on "comment" ("author_id", "created_at", "id");`,
    );
    this.addSql(
      `alter table "post" add constraint "post_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "follow" add constraint "follow_follower_id_foreign" foreign key ("follower_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "follow" add constraint "follow_followee_id_foreign" foreign key ("followee_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "comment" add constraint "comment_post_id_foreign" foreign key ("post_id") references "post" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "comment" add constraint "comment_author_id_foreign" foreign key ("author_id") references "users" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "comment" add constraint "comment_parent_id_foreign" foreign key ("parent_id") references "comment" ("id") on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "follow", "comment", "post", "users" cascade;');
  }
}
