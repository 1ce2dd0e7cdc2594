export { currentPlatform, platformName } from './addon-location.js';
export { installPlan } from './install-plan.js';
