import { Migration } from '@mikro-orm/migrations';

/**
 * Names actors that are not users in the audit log (`npm run purge` records `cli:purge`): a
 * nullable `actor_label` beside the nullable `actor_id`. Adding a nullable column rewrites no rows,
 * so the append-only triggers are not involved.
 */
export class Migration20261122000000AuditActorLabel extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "soft_delete_audit" add column "actor_label" varchar(64) null;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table "soft_delete_audit" drop column if exists "actor_label";');
  }
}
