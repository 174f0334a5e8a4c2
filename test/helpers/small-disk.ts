import { execFileSync } from 'node:child_process';
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  rmdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small file system of a test's own (a tmpfs), for a service's DATA_DIR, that the test fills to
 * the last byte and frees again. Mounting needs root (CI runs the suites as root); it is unmounted
 * when the test process exits, even when a test failed before its cleanup ran.
 */
export interface SmallDisk {
  dir: string;
  /** Writes a file until the disk is full (ENOSPC), then frees `leaveBytes` of it again. */
  fill(leaveBytes?: number): void;
  /** Removes what fill() wrote. */
  free(): void;
  unmount(): void;
}

const mounted = new Set<string>();
process.once('exit', () => {
  for (const dir of mounted) unmountNow(dir);
});

function unmountNow(dir: string): void {
  try {
    // Lazy: a service process that still holds a file there does not keep it mounted.
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    rmdirSync(dir);
  } catch {
    // already unmounted
  }
  mounted.delete(dir);
}

function mountTmpfs(bytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmdirSync(dir);
    const output = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(output || (error as Error).message);
  }
  mounted.add(dir);
  return dir;
}

/**
 * Why a small disk cannot be mounted here (null when it can), found by mounting and unmounting
 * one: the one line a suite prints when it skips.
 */
export function smallDiskMissing(): string | null {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (the tests run as root in CI)';
  try {
    unmountNow(mountTmpfs(1 << 20));
    return null;
  } catch (error) {
    return `mount -t tmpfs failed: ${(error as Error).message}`;
  }
}

/** Mounts a tmpfs of `bytes` in a fresh temporary folder. */
export function mountSmallDisk(bytes: number): SmallDisk {
  const dir = mountTmpfs(bytes);
  const filler = join(dir, 'filler');
  return {
    dir,
    fill: (leaveBytes = 0) => {
      const file = openSync(filler, 'a');
      try {
        for (const size of [1 << 20, 4096, 1]) {
          const chunk = Buffer.alloc(size, 1);
          for (;;) {
            try {
              writeSync(file, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
              break;
            }
          }
        }
        ftruncateSync(file, Math.max(0, fstatSync(file).size - leaveBytes));
      } finally {
        closeSync(file);
      }
    },
    free: () => rmSync(filler, { force: true }),
    unmount: () => unmountNow(dir),
  };
}
