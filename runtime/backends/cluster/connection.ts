/**
 * Redis connection settings for the cluster runtime, shared by the driver and `dlc worker`. The password
 * never travels on the command line (process lists and shell history show it) and is never printed: it
 * comes from DLC_REDIS_PASSWORD or from the file DLC_REDIS_PASSWORD_FILE names. `rediss://` turns on TLS.
 */
import { readFileSync } from 'node:fs';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  username?: string;
  password?: string;
  /** host:port/db, safe to print. */
  label: string;
}

export class ClusterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterConfigError';
  }
}

export const PASSWORD_ENV = 'DLC_REDIS_PASSWORD';
export const PASSWORD_FILE_ENV = 'DLC_REDIS_PASSWORD_FILE';

export function parseRedisUrl(url: string, env: NodeJS.ProcessEnv = process.env): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ClusterConfigError(`'${redact(url)}' is not a Redis URL (expected redis://host:port/db or rediss://host:port/db)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ClusterConfigError(`'${redact(url)}' is not a Redis URL: use redis:// or rediss:// (TLS)`);
  if (u.password) {
    throw new ClusterConfigError(`the Redis URL carries a password; remove it (command lines and logs would show it) and set ${PASSWORD_ENV} or ${PASSWORD_FILE_ENV} instead`);
  }
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ClusterConfigError(`'${redact(url)}': the database must be a whole number, got '${u.pathname.slice(1)}'`);
  const port = u.port ? Number(u.port) : 6379;
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const target: RedisTarget = { host, port, db, tls: u.protocol === 'rediss:', label: `${u.protocol}//${u.host || `${host}:${port}`}/${db}` };
  if (u.username) target.username = decodeURIComponent(u.username);
  const password = passwordFrom(env);
  if (password !== undefined) target.password = password;
  return target;
}

function passwordFrom(env: NodeJS.ProcessEnv): string | undefined {
  if (env[PASSWORD_ENV]) return env[PASSWORD_ENV];
  const file = env[PASSWORD_FILE_ENV];
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new ClusterConfigError(`cannot read the Redis password file ${file} (${PASSWORD_FILE_ENV}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** A URL with any credentials removed, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** ioredis options for a target. `maxRetriesPerRequest: null` is what BullMQ requires for blocking connections. */
export function ioredisOptions(t: RedisTarget): Record<string, unknown> {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.tls ? { tls: { servername: t.host } } : {}),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    // Keep trying through a Redis restart: a run outlives a restarted Redis.
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}
