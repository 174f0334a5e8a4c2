import { Global, Module } from '@nestjs/common';
import { clusterConfig } from './cluster.config';
import { ClusterNotices } from './cluster-notices';
import { JobQueues } from './job-queues';

/**
 * What several instances of the service share besides the database: change notices between them
 * and the job queues. Global, as the domains that publish changes or run jobs each need it.
 */
@Global()
@Module({
  providers: [ClusterNotices, JobQueues, clusterConfig.provider],
  exports: [ClusterNotices, JobQueues, clusterConfig.provider],
})
export class ClusterModule {}
