export * from './listening-row';
export * from './spotify-refs';
export * from './name-key';
export * from './play-signal';
export * from './catalog-lookup';
export * from './catalog-name-index';
export * from './resolve-listening';
export {
  EXPECTED_LISTENING_SHAPES,
  EXPECTED_ROW_SHAPES,
  parseListeningBody,
  type BodyContainer,
  type ListeningBody,
  type ListeningBodyOptions,
} from './parse-listening-body';
export { parseJsonLines } from './listenbrainz-rows';
