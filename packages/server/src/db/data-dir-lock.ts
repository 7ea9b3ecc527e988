import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * One process at a time may open an embedded database. The lock is a file holding the
 * owner's process id, created exclusively. A lock left by a process that no longer
 * exists (killed, crashed) is taken over at once, so a restart after a crash never
 * waits; a lock held by a live process is refused with a clear message.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'safekeep.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(`${process.pid}\n`);
      await file.sync();
      await file.close();
      return () => rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `The database in ${dir} is in use by another Safekeep process (pid ${owner}). Stop it first, or use PostgreSQL (--database-url) to share one database.`,
        );
      }
      await rm(path, { force: true }); // left behind by a process that has gone
    }
  }
  throw new Error(`Could not lock ${dir}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
