import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261121000000Initial } from './Migration20261121000000Initial.js';
import { Migration20261121010000SoftDeleteAudit } from './Migration20261121010000SoftDeleteAudit.js';
import { Migration20261121020000LiveIndexesAndSearch } from './Migration20261121020000LiveIndexesAndSearch.js';
import { Migration20261122000000AuditActorLabel } from './Migration20261122000000AuditActorLabel.js';
import { Migration20261201000000TopLevelComments } from './Migration20261201000000TopLevelComments.js';
import { Migration20261202000000AuditorTopLevelComments } from './Migration20261202000000AuditorTopLevelComments.js';

/** Every migration, in the order it runs. Append new ones; never edit or reorder released ones. */
export const migrations: MigrationObject[] = [
  { name: 'Migration20261121000000Initial', class: Migration20261121000000Initial },
  { name: 'Migration20261121010000SoftDeleteAudit', class: Migration20261121010000SoftDeleteAudit },
  { name: 'Migration20261121020000LiveIndexesAndSearch', class: Migration20261121020000LiveIndexesAndSearch },
  { name: 'Migration20261122000000AuditActorLabel', class: Migration20261122000000AuditActorLabel },
  { name: 'Migration20261201000000TopLevelComments', class: Migration20261201000000TopLevelComments },
  {
    name: 'Migration20261202000000AuditorTopLevelComments',
    class: Migration20261202000000AuditorTopLevelComments,
  },
];
