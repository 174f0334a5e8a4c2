import {
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { AdminOnly } from '../common/auth/admin-api-key.guard';
import { ValidationFailedError } from '../common/errors';
import { STREAM_BODY } from '../common/http/body-parsing';
import { answerStartedWork, PREFER_RESPOND_ASYNC_HEADER } from '../common/http/respond-async';
import { PageQueryDto } from '../common/paging/page-query.dto';
import { CatalogService } from './catalog.service';
import type { TrackView } from './catalog-track';
import {
  CatalogImportListResponseDto,
  CatalogImportResponseDto,
} from './dto/catalog-import-response.dto';
import { CatalogSummaryResponseDto } from './dto/catalog-summary-response.dto';
import { ImportCatalogQueryDto } from './dto/import-catalog-query.dto';
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

  /**
   * (admin) Imports a catalog file sent as the body: CSV in any of the five public dataset formats,
   * JSON or NDJSON (`Content-Encoding: gzip` accepted), streamed in bounded memory up to
   * CATALOG_IMPORT_LIMIT. Waits and answers 201 with the import, unless `Prefer: respond-async`.
   */
  @Post('imports')
  @AdminOnly()
  @RouteConfig({ [STREAM_BODY]: true })
  @ApiOperation({ summary: '(admin) Import a catalog file (CSV, JSON or NDJSON), streamed' })
  @ApiConsumes('text/csv', 'application/x-ndjson', 'application/json')
  @ApiBody({
    description:
      'The file itself: e.g. `curl --data-binary @spotify_songs.csv -H "Content-Type: text/csv"`.',
    schema: {
      type: 'string',
      example:
        "id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature\n35iwgR4jXetI318WEWsa1Q,Carve,6,126903,0,['Uli'],['45tIt06XoI0Iio4LBEVpls'],1922-02-22,0.645,0.445,0,-13.338,1,0.451,0.674,0.744,0.151,0.127,104.851,3\n",
    },
  })
  @ApiHeader(PREFER_RESPOND_ASYNC_HEADER)
  @ApiCreatedResponse({ type: CatalogImportResponseDto, description: 'The finished import' })
  @ApiAcceptedResponse({ type: CatalogImportResponseDto, description: 'The started import' })
  @ApiBadRequestResponse({ description: 'UNKNOWN_FORMAT, INVALID_CSV, or no body' })
  @ApiConflictResponse({ description: 'IMPORT_IN_PROGRESS, naming the running import' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than CATALOG_IMPORT_LIMIT' })
  async importCatalog(
    @Req() request: FastifyRequest,
    @Query() query: ImportCatalogQueryDto,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CatalogImportResponseDto> {
    if (!(request.body instanceof Readable)) {
      throw ValidationFailedError.field('body', 'must be the catalog file; none was sent');
    }
    const started = await this.imports.start(request.body, {
      source: query.source,
      format: query.format,
      contentType: request.headers['content-type'],
      sizeHint: Number(request.headers['content-length']) || undefined,
      origin: 'api',
    });
    return await answerStartedWork(
      {
        started: started.import,
        location: `/api/v1/catalog/imports/${started.import.id}`,
        result: () => started.result(),
      },
      prefer,
      reply,
      HttpStatus.CREATED,
    );
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
