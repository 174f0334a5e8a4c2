import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { type ClusterConfig, clusterConfig } from '../../cluster/cluster.config';
import { JobClaims } from '../../cluster/job-claims';
import { ConflictError } from '../../common/errors';
import { CatalogImport } from '../catalog-import.entity';

/**
 * One catalog import at a time across every process on the database, the service's instances and
 * the import CLI alike (see JobClaims). An import's heartbeat is its `updated_at`, written with its
 * progress; an import whose process is gone is ended failed, and the catalog is as it was.
 */
@Injectable()
export class ImportClaims extends JobClaims<CatalogImport> {
  constructor(
    @InjectRepository(CatalogImport) imports: Repository<CatalogImport>,
    @Inject(clusterConfig.KEY) cluster: ClusterConfig,
  ) {
    super(
      imports,
      {
        name: 'Catalog import',
        heartbeat: 'updatedAt',
        inProgress: (importId) =>
          new ConflictError(
            `Catalog import ${importId} is in progress; one import at a time`,
            'IMPORT_IN_PROGRESS',
            { import_id: importId, location: `/api/v1/catalog/imports/${importId}` },
          ),
        stalledBecause: 'the process running it stopped',
        interrupted: (why, now) => ({
          error: `Interrupted: ${why} before the import finished; the catalog is as it was`,
          errorCode: 'IMPORT_INTERRUPTED',
          updatedAt: now,
        }),
      },
      cluster.stallTimeoutMs,
    );
  }
}
