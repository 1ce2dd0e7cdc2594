export {
  type CacheHit,
  cachedVersusCold,
  cachePrompts,
} from './generation/testing/prefix-cache-exactness.js';
export {
  type MockHub,
  type MockHubFault,
  type MockHubOptions,
  type MockHubRequest,
  startMockHub,
} from './hub/testing/mock-hub-server.js';
