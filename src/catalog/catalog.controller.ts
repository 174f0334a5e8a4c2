import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/admin-api-key.guard';
import { PageQueryDto } from '../common/paging/page-query.dto';
import { CatalogService } from './catalog.service';
import type { TrackView } from './catalog-track';
import {
  CatalogImportListResponseDto,
  CatalogImportResponseDto,
} from './dto/catalog-import-response.dto';
import { CatalogSummaryResponseDto } from './dto/catalog-summary-response.dto';
import { TrackViewResponseDto } from './dto/track-view-response.dto';
import { CatalogImportsService } from './imports/catalog-imports.service';

const TRACK_ID_PARAM = {
  name: 'id',
  description: 'Spotify track id',
  example: '6f807x0ima9a1j3VPbc7VN',
};

@ApiTags('catalog')
@Controller('catalog')
export class CatalogController {
  constructor(
    private readonly catalog: CatalogService,
    private readonly imports: CatalogImportsService,
  ) {}

  /** Counts of the catalog: tracks, artists, genres, each feature's coverage, sources, last import. */
  @Get()
  @ApiOperation({ summary: 'The catalog in numbers' })
  @ApiOkResponse({ type: CatalogSummaryResponseDto })
  summary(): Promise<CatalogSummaryResponseDto> {
    return this.catalog.summary();
  }

  /** One catalog track: Spotify's simplified track, plus genres and the 13 audio features. */
  @Get('tracks/:id')
  @ApiOperation({ summary: 'One catalog track' })
  @ApiParam(TRACK_ID_PARAM)
  @ApiOkResponse({ type: TrackViewResponseDto })
  @ApiNotFoundResponse({ description: 'TRACK_NOT_FOUND' })
  track(@Param('id') id: string): Promise<TrackView> {
    return this.catalog.track(id);
  }

  /** (admin) Removes a track from the catalog. */
  @Delete('tracks/:id')
  @HttpCode(204)
  @AdminOnly()
  @ApiOperation({ summary: '(admin) Remove a track from the catalog' })
  @ApiParam(TRACK_ID_PARAM)
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'TRACK_NOT_FOUND' })
  deleteTrack(@Param('id') id: string): Promise<void> {
    return this.catalog.delete(id);
  }

  /** Every import, newest first: status, format, counts, skipped rows with their lines. */
  @Get('imports')
  @ApiOperation({ summary: 'Catalog imports, newest first' })
  @ApiOkResponse({ type: CatalogImportListResponseDto })
  listImports(@Query() query: PageQueryDto): Promise<CatalogImportListResponseDto> {
    return this.imports.list(query.limit, query.offset);
  }

  /** One import; while it runs, `progress` shows how far it is. */
  @Get('imports/:id')
  @ApiOperation({ summary: 'One catalog import' })
  @ApiOkResponse({ type: CatalogImportResponseDto })
  @ApiNotFoundResponse({ description: 'IMPORT_NOT_FOUND' })
  getImport(@Param('id') id: string): Promise<CatalogImportResponseDto> {
    return this.imports.get(id);
  }
}
