export {
  type MockHub,
  type MockHubFault,
  type MockHubOptions,
  type MockHubRequest,
  startMockHub,
} from './hub/testing/mock-hub-server.js';
