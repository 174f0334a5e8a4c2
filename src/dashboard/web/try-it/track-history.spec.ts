import { toPandasColumns } from '../../../../test/helpers/pandas-columns';
import sample from './sample-history.json';
import { featureValues, historyRows, playedTracks } from './track-history';

describe('the dashboard reads a listening history for its charts', () => {
  it('reads the three body shapes the service accepts into the same rows', () => {
    expect(historyRows({ tracks: sample })).toEqual(sample);
    expect(historyRows(sample)).toEqual(sample);
    expect(historyRows(toPandasColumns(sample))).toEqual(sample);
  });

  it('orders pandas rows by their numeric label, not by key order', () => {
    const columns = { energy: { '10': 0.3, '2': 0.2, '1': 0.1 } };
    expect(historyRows(columns).map((row) => row.energy)).toEqual([0.1, 0.2, 0.3]);
  });

  it('places tracks by played_at or ts (naive, read as UTC), oldest first, and leaves out untimed ones', () => {
    const played = playedTracks([
      { played_at: '2023-08-10T15:48:50.000Z', energy: 0.2 },
      { ts: '2023-08-10 15:47:50.750385', energy: 0.1 },
      { played_at: '', ts: '2023-08-10 15:49:50', energy: 0.3 },
      { energy: 0.9 },
    ]);
    expect(played.map((track) => track.playedAt)).toEqual([
      Date.parse('2023-08-10T15:47:50.750Z') / 1000,
      Date.parse('2023-08-10T15:48:50.000Z') / 1000,
      Date.parse('2023-08-10T15:49:50.000Z') / 1000,
    ]);
    expect(featureValues(played, 'energy')).toEqual([0.1, 0.2, 0.3]);
    expect(featureValues(played, 'tempo')).toEqual([null, null, null]);
  });

  it('draws no row without an audio feature of its own: ids and exports are for the service to look up', () => {
    const played = playedTracks([
      { id: '3YBZIN3rekqsKxbJc9FZko', played_at: '2024-03-08T20:10:00Z' },
      { ts: '2026-03-01T10:01:06Z', ms_played: 61226, spotify_track_uri: 'spotify:track:x' },
      { played_at: '2024-03-08T20:11:00Z', energy: 0.5 },
    ]);
    expect(played.map(({ fields }) => fields.energy)).toEqual([0.5]);
  });

  it('yields no rows for a body it cannot read, leaving the explanation to the service', () => {
    expect(historyRows('not tracks')).toEqual([]);
    expect(historyRows(null)).toEqual([]);
    expect(playedTracks({ tracks: 'nope' })).toEqual([]);
  });

  it('ships a sample the trend fits can use: timed tracks, one a minute, every feature present', () => {
    const played = playedTracks(sample);
    expect(played).toHaveLength(sample.length);
    expect(new Set(played.map((track) => track.playedAt)).size).toBe(sample.length);
    for (const feature of ['danceability', 'energy', 'loudness', 'tempo', 'duration_ms']) {
      expect(featureValues(played, feature)).not.toContain(null);
    }
  });
});
