export {
  conformanceTokens,
  describeEngineConformance,
  type EngineConformanceOptions,
} from './engine/testing/describe-engine-conformance.js';
export { nmse } from './engine/testing/nmse.js';
export {
  type MockHub,
  type MockHubFault,
  type MockHubOptions,
  type MockHubRequest,
  startMockHub,
} from './hub/testing/mock-hub-server.js';
