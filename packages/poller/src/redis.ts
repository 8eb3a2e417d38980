// @mindzie/poller/redis: a fleet of processes waits together through Redis (an ioredis
// client): one request budget and one poll per execution across every process.
export { createRedisCoordinator } from './redis/coordinator.js';
export type { RedisCoordinator, RedisCoordinatorOptions } from './redis/options.js';
