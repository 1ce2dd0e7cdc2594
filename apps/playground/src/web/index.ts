export { BackendPool, type LoadLM } from './backend-pool.js';
export { createWebServer, type WebServerOptions } from './create-web-server.js';
export { describeSignature, type FieldDescription, type SignatureDescription } from './describe-signature.js';
export { runSignature, type WebRunEvent, type WebRunRequest, type WebRunResult } from './run-signature.js';
export { type StartWebServerOptions, startWebServer, type WebServerHandle } from './start-web-server.js';
export { webPage } from './web-page.js';
