import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Column,
  DataSource,
  Entity,
  Index,
  PrimaryColumn,
  QueryFailedError,
  type Repository,
} from 'typeorm';
import { eventually } from '../../test/helpers/service-processes';
import { typedMock } from '../../test/helpers/typed-mock';
import { ConflictError } from '../common/errors';
import { type ClaimedJob, JobClaims, type JobKind } from './job-claims';
import type { JobQueues } from './job-queues';

/** The smallest job a claim works on: the columns JobClaims reads and writes, and an error. */
@Entity({ name: 'test_jobs' })
class TestJob implements ClaimedJob {
  @PrimaryColumn({ type: 'varchar' })
  id!: string;

  @Column({ type: 'varchar' })
  status!: ClaimedJob['status'];

  @Index({ unique: true })
  @Column({ type: 'integer', nullable: true })
  active!: number | null;

  @Column({ type: 'varchar', nullable: true })
  host!: string | null;

  @Column({ type: 'integer', nullable: true })
  pid!: number | null;

  @Column({ name: 'beat_at', type: Date, nullable: true })
  beatAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: Date, nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}

const STALL_TIMEOUT_MS = 1000;
/** Above Linux's largest pid: no such process. */
const GONE_PID = 4_194_304 + 1000;

const KIND: JobKind<TestJob> = {
  name: 'Test job',
  heartbeat: 'beatAt',
  inProgress: (id) => new ConflictError(`Job ${id} is in progress`, 'JOB_IN_PROGRESS', { id }),
  stalledBecause: 'its process stopped',
  interrupted: (why) => ({ error: `Interrupted: ${why}` }),
};

/**
 * JobClaims on a real SQLite database (in memory, through TypeORM): what it promises is what the
 * database holds (the unique index that admits one active job, the rows it ends failed), which a
 * mocked repository could only restate. The table is this spec's own, made from TestJob.
 */
describe('JobClaims', () => {
  let dataSource: DataSource;
  let jobs: Repository<TestJob>;
  let claims: JobClaims<TestJob>;
  const noOwnJob = () => null;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [TestJob],
      synchronize: true,
    });
    await dataSource.initialize();
    jobs = dataSource.getRepository(TestJob);
    claims = new JobClaims(jobs, KIND, STALL_TIMEOUT_MS);
  });
  afterEach(async () => {
    claims.stopWatching();
    await dataSource.destroy();
  });

  /** A job as a process records it when it starts: holding the claim, its heartbeat `ageMs` old. */
  const job = (
    id: string,
    ageMs = 0,
    process: { host?: string | null; pid?: number | null } = {},
  ) =>
    jobs.create({
      id,
      status: 'running',
      active: 1,
      host: process.host === undefined ? 'another-host' : process.host,
      pid: process.pid === undefined ? 4321 : process.pid,
      beatAt: new Date(Date.now() - ageMs),
      createdAt: new Date(Date.now() - ageMs),
      finishedAt: null,
      error: null,
    });
  const statusOf = async (id: string) => (await jobs.findOneByOrFail({ id })).status;

  it('admits one active job: a second is the kind’s 409 naming the holder, recording nothing', async () => {
    await claims.claim(job('first'), noOwnJob);
    const refused = await claims.claim(job('second'), noOwnJob).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({
      status: 409,
      code: 'JOB_IN_PROGRESS',
      details: { id: 'first' },
    });
    expect(await jobs.findOneBy({ id: 'second' })).toBeNull();
    expect(await statusOf('first')).toBe('running');
  });

  it('ends failed a holder whose heartbeat is older than the stall timeout, and claims', async () => {
    await claims.claim(job('stale', STALL_TIMEOUT_MS + 500), noOwnJob);
    await claims.claim(job('next'), noOwnJob);
    expect(await jobs.findOneByOrFail({ id: 'stale' })).toMatchObject({
      status: 'failed',
      active: null,
      error: 'Interrupted: its process stopped',
      finishedAt: expect.any(Date),
    });
    expect(await jobs.findOneByOrFail({ id: 'next' })).toMatchObject({ active: 1 });
  });

  it('ends failed at once the holder of a process on this host that is gone, however fresh', async () => {
    await claims.claim(job('orphan', 0, { host: hostname(), pid: GONE_PID }), noOwnJob);
    await claims.claim(job('next'), noOwnJob);
    expect(await statusOf('orphan')).toBe('failed');
  });

  it('leaves alone a fresh holder of a live process on this host, and of another host', async () => {
    await jobs.insert(job('alive-here', 0, { host: hostname(), pid: process.ppid }));
    await expect(claims.failStalled(noOwnJob)).resolves.toBe(0);
    await jobs.update('alive-here', { status: 'succeeded', active: null });
    await jobs.insert(job('elsewhere', STALL_TIMEOUT_MS / 2));
    await expect(claims.claim(job('next'), noOwnJob)).rejects.toMatchObject({ status: 409 });
    expect(await statusOf('elsewhere')).toBe('running');
  });

  it('never takes the job this process runs for stalled; another of this process is stalled', async () => {
    await jobs.insert(job('mine', STALL_TIMEOUT_MS * 5, { host: hostname(), pid: process.pid }));
    await expect(claims.failStalled(() => 'mine')).resolves.toBe(0);
    expect(await statusOf('mine')).toBe('running');
    // The same pid on this host without being this process's job: left behind by it.
    await expect(claims.failStalled(noOwnJob)).resolves.toBe(1);
    expect(await statusOf('mine')).toBe('failed');
  });

  it('ends failed every stalled unfinished job and only those, on a look or at once', async () => {
    await jobs.insert([
      job('stalled', STALL_TIMEOUT_MS * 2),
      { ...job('queued-stalled', STALL_TIMEOUT_MS * 2), status: 'queued', active: null },
      { ...job('done', STALL_TIMEOUT_MS * 2), status: 'succeeded', active: null },
    ]);
    await expect(claims.failStalled(noOwnJob)).resolves.toBe(2);
    expect(await statusOf('stalled')).toBe('failed');
    expect(await statusOf('queued-stalled')).toBe('failed');
    expect(await statusOf('done')).toBe('succeeded');

    await jobs.insert(job('fresh'));
    await expect(claims.failUnfinished('the service stopped')).resolves.toBe(1);
    expect(await jobs.findOneByOrFail({ id: 'fresh' })).toMatchObject({
      status: 'failed',
      error: 'Interrupted: the service stopped',
    });
  });

  it('ends failed only a job still unfinished, and never throws when the database cannot', async () => {
    await jobs.insert({ ...job('done'), status: 'succeeded', active: null });
    await expect(claims.markFailed('done', 'late')).resolves.toBe(false);
    expect(await statusOf('done')).toBe('succeeded');
    jest.spyOn(jobs, 'update').mockRejectedValueOnce(new Error('database unavailable'));
    await jobs.insert(job('running'));
    await expect(claims.markFailed('running', 'why')).resolves.toBe(false);
  });

  /** What node-postgres throws while the server is down. */
  const refused = () =>
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

  it('records a job’s end; where the database cannot take it yet, writes it again until it lands', async () => {
    await jobs.insert(job('ending', 0, { host: hostname(), pid: process.pid }));
    const ended = { status: 'failed' as const, active: null, error: 'its own error' };
    jest.spyOn(jobs, 'update').mockRejectedValueOnce(refused());
    await expect(claims.end('ending', ended)).resolves.toBe(false);
    expect(await statusOf('ending')).toBe('running');
    const row = await eventually(
      'the end is written again',
      async () => {
        const found = await jobs.findOneByOrFail({ id: 'ending' });
        return found.status === 'failed' ? found : undefined;
      },
      { withinMs: 5000 },
    );
    expect(row).toMatchObject({ active: null, error: 'its own error' });
    // An end that another process wrote first is left as that one wrote it.
    await expect(claims.end('ending', { ...ended, error: 'later' })).resolves.toBe(false);
    expect((await jobs.findOneByOrFail({ id: 'ending' })).error).toBe('its own error');
  });

  it('a look at a job whose end is not recorded yet writes that end, not a guess', async () => {
    await jobs.insert(job('ended-here', 0, { host: hostname(), pid: process.pid }));
    jest.spyOn(jobs, 'update').mockRejectedValueOnce(refused());
    await claims.end('ended-here', { status: 'failed', active: null, error: 'disk full' });
    claims.stopWatching(); // no writing again: the look below is what writes it
    await expect(claims.failStalled(noOwnJob)).resolves.toBe(1);
    expect(await jobs.findOneByOrFail({ id: 'ended-here' })).toMatchObject({
      status: 'failed',
      error: 'disk full',
    });
  });

  it('does not hold against a job the heartbeats it missed while this process could not reach the database either', async () => {
    await jobs.insert(job('silent', STALL_TIMEOUT_MS * 3));
    jest.spyOn(jobs, 'findBy').mockRejectedValueOnce(refused());
    await expect(claims.failStalled(noOwnJob)).rejects.toThrow(/ECONNREFUSED/);
    // Back: the job's process gets a stall timeout to write a heartbeat.
    await expect(claims.failStalled(noOwnJob)).resolves.toBe(0);
    await sleep(STALL_TIMEOUT_MS + 100);
    await expect(claims.failStalled(noOwnJob)).resolves.toBe(1);
    expect(await statusOf('silent')).toBe('failed');
  });

  it('a claim the database cannot take is that error (the caller’s 503), not 409', async () => {
    await jobs.insert(job('holder'));
    jest.spyOn(jobs, 'insert').mockRejectedValueOnce(new QueryFailedError('INSERT', [], refused()));
    await expect(claims.claim(job('next'), noOwnJob)).rejects.toBeInstanceOf(QueryFailedError);
  });

  it('writes the heartbeat four times per stall timeout until stopped', async () => {
    expect(claims.heartbeatMs).toBe(STALL_TIMEOUT_MS / 4);
    const old = new Date(Date.now() - STALL_TIMEOUT_MS * 3);
    await jobs.insert({ ...job('beating'), beatAt: old });
    const stop = claims.beat('beating');
    const beaten = await eventually(
      'a heartbeat is written',
      async () => {
        const row = await jobs.findOneByOrFail({ id: 'beating' });
        return row.beatAt!.getTime() > old.getTime() ? row : undefined;
      },
      { withinMs: 5000 },
    );
    expect(beaten.beatAt!.getTime()).toBeGreaterThan(Date.now() - STALL_TIMEOUT_MS);
    await expect(claims.failStalled(noOwnJob)).resolves.toBe(0);
    stop();
    await sleep(claims.heartbeatMs); // a write already under way lands
    const last = (await jobs.findOneByOrFail({ id: 'beating' })).beatAt!.getTime();
    await sleep(claims.heartbeatMs * 2);
    expect((await jobs.findOneByOrFail({ id: 'beating' })).beatAt!.getTime()).toBe(last);
  });

  it('while watching, ends failed a job that stalls', async () => {
    await jobs.insert(job('stalls', STALL_TIMEOUT_MS * 2));
    claims.watch(noOwnJob);
    await eventually(
      'the stalled job is ended failed',
      async () => ((await statusOf('stalls')) === 'failed' ? true : undefined),
      { withinMs: 5000 },
    );
  });

  describe('with a queue', () => {
    const queues = { enabled: true, state: typedMock<JobQueues['state']>() };
    beforeEach(() => {
      queues.state.mockReset();
      claims = new JobClaims(
        jobs,
        { ...KIND, queue: { queues: queues as unknown as JobQueues, name: 'mood-training' } },
        STALL_TIMEOUT_MS,
      );
    });

    it('a queued job waits for a taker while its queued job is there, however old', async () => {
      // Its process on this host is gone: it waits on the queue, not on that process.
      const queued = {
        ...job('queued', STALL_TIMEOUT_MS * 5, { host: hostname(), pid: GONE_PID }),
      };
      await jobs.insert({ ...queued, status: 'queued' });
      queues.state.mockResolvedValue('waiting');
      await expect(claims.failStalled(noOwnJob)).resolves.toBe(0);
      expect(queues.state).toHaveBeenCalledWith('mood-training', 'queued');
      // Redis away: the queue cannot say, so the job is left waiting.
      queues.state.mockRejectedValue(new Error('Redis did not answer'));
      await expect(claims.failStalled(noOwnJob)).resolves.toBe(0);
      queues.state.mockResolvedValue('missing');
      await expect(claims.failStalled(noOwnJob)).resolves.toBe(1);
      expect(await jobs.findOneByOrFail({ id: 'queued' })).toMatchObject({
        status: 'failed',
        error: 'Interrupted: its job is no longer on the queue (Redis lost it)',
      });
    });

    it('a running job is stalled by its process or heartbeat, whatever the queue says', async () => {
      await jobs.insert(job('running', 0, { host: hostname(), pid: GONE_PID }));
      queues.state.mockResolvedValue('active');
      await expect(claims.failStalled(noOwnJob)).resolves.toBe(1);
      expect(queues.state).not.toHaveBeenCalled();
    });
  });
});
