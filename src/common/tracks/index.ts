export * from './audio-features';
export * from './audio-features.dto';
export * from './track-features.dto';
export * from './tracks-body.pipe';
export * from './api-tracks-body.decorator';
export * from './skipped-row.dto';
