import { Global, Module } from '@nestjs/common';
import { AdminApiKeyGuard } from './auth/admin-api-key.guard';

/** What every domain shares at run time: the admin guard (pipes and errors are plain imports). */
@Global()
@Module({
  providers: [AdminApiKeyGuard],
  exports: [AdminApiKeyGuard],
})
export class CommonModule {}
