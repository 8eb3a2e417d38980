// Types of test-redis.mjs (a real redis-server for the tests and the fleet benchmark).

export declare const REDIS_SERVER: string;

/** Installs Debian's redis-server with apt-get when it is missing (needs root, as CI runs). */
export declare function ensureRedisServer(): string;

export declare function freePort(): Promise<number>;

export interface RedisServer {
  port: number;
  /** Starts it again on the same port (after `stop`). */
  start(): Promise<void>;
  /** Stops it (SIGKILL: as a crash would) and waits for the process to end. */
  stop(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered until `resume`. */
  pause(): void;
  /** Lets a frozen one go on (SIGCONT). */
  resume(): void;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** Starts redis-server on a free port of 127.0.0.1; resolves once it answers PING. */
export declare function startRedis(port?: number): Promise<RedisServer>;
