import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { CatalogIndexStatus } from '../catalog-index/catalog-index-status';
import { MoodPredictionService } from '../mood/mood-prediction.service';
import { ClusterHealthIndicator } from './cluster.health';
import { StorageHealthIndicator } from './storage.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly mood: MoodPredictionService,
    private readonly catalogIndex: CatalogIndexStatus,
    private readonly cluster: ClusterHealthIndicator,
    private readonly storage: StorageHealthIndicator,
  ) {}

  /**
   * Liveness and readiness: 503 UNHEALTHY naming the parts that are down. `database` answers;
   * `storage` is DATA_DIR's free space (down under DATA_DIR_MIN_FREE); `mood` reports the
   * TensorFlow.js backend, the active model (null until one is trained) and any running training;
   * `catalog` whether the in-memory catalog index has loaded (recommendations answer 503
   * CATALOG_LOADING until it has) and how many tracks it holds; `cluster` this instance's role and
   * change notices; where REDIS_URL is set, `redis` whether Redis answers and the training queue
   * (waiting, active, failed jobs).
   */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Service health: database, storage, Redis, model, catalog index' })
  check(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: 2000 }),
      () => this.storage.check(),
      () => ({ mood: { status: 'up', ...this.mood.status() } }),
      () => ({ catalog: { status: 'up', ...this.catalogIndex.load() } }),
      () => this.cluster.check(),
      ...(this.cluster.usesRedis ? [() => this.cluster.checkRedis()] : []),
    ]);
  }
}
