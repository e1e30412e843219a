import { Injectable } from '@nestjs/common';
import AsyncLock from 'async-lock';

/**
 * Runs tasks that share a key one after another inside this process.
 *
 * MongoDB applies each conditional write atomically, but FerretDB 1.x runs
 * an update as a read followed by a write by `_id`, so two concurrent
 * conditional writes can both pass their filter there. Serialising the
 * writes of one key (one user's vault, one refresh token) in the process
 * keeps the guarantees on any backend for a single instance. Across
 * several instances they rest on the database's own atomicity.
 */
@Injectable()
export class KeyedLock {
  private readonly lock = new AsyncLock({ maxPending: 10_000 });

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.lock.acquire(key, task);
  }
}
