import { Migration } from '@mikro-orm/migrations';

/**
 * The soft-delete toolkit's audit log, append-only through triggers (not even the application may
 * rewrite or erase it), and indexes on the deletion batch ids that restore and purge look rows up by.
 */
export class Migration20261121010000SoftDeleteAudit extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "soft_delete_audit" ("id" bigserial primary key, "action" varchar(16) not null, "entity_type" varchar(64) not null, "entity_id" varchar(64) not null, "actor_id" varchar(64) null, "reason" text null, "batch_id" uuid not null, "row_count" int not null, "entity_refs" text[] not null, "created_at" timestamptz(3) not null default now());`,
    );
    this.addSql(
      `create index "soft_delete_audit_created_at_id_index" on "soft_delete_audit" ("created_at", "id");`,
    );
    this.addSql(`create index "soft_delete_audit_batch_id_index" on "soft_delete_audit" ("batch_id");`);
    this.addSql(
      `create index "soft_delete_audit_entity_refs_index" on "soft_delete_audit" using gin ("entity_refs");`,
    );
    this.addSql(`create index "users_delete_batch_index" on "users" ("delete_batch");`);
    this.addSql(`create index "post_delete_batch_index" on "post" ("delete_batch");`);
    this.addSql(`create index "comment_delete_batch_index" on "comment" ("delete_batch");`);
    this.addSql(
      `create or replace function "soft_delete_audit_soft_delete_audit_append_only_fn"() returns trigger as $$ begin raise exception 'soft_delete_audit is append-only: % is not allowed', tg_op; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "soft_delete_audit_append_only" BEFORE UPDATE OR DELETE on "soft_delete_audit" for each ROW execute function "soft_delete_audit_soft_delete_audit_append_only_fn"();`,
    );
    this.addSql(
      `create or replace function "soft_delete_audit_soft_delete_audit_no_truncate_fn"() returns trigger as $$ begin raise exception 'soft_delete_audit is append-only: % is not allowed', tg_op; end; $$ language plpgsql;`,
    );
    this.addSql(
      `create trigger "soft_delete_audit_no_truncate" BEFORE TRUNCATE on "soft_delete_audit" for each STATEMENT execute function "soft_delete_audit_soft_delete_audit_no_truncate_fn"();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      'drop index if exists "users_delete_batch_index", "post_delete_batch_index", "comment_delete_batch_index";',
    );
    this.addSql('drop table if exists "soft_delete_audit";');
    this.addSql(
      'drop function if exists "soft_delete_audit_soft_delete_audit_append_only_fn"(), "soft_delete_audit_soft_delete_audit_no_truncate_fn"();',
    );
  }
}
