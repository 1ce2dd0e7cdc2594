export { ChecksumError } from './checksum-error.js';
export { DownloadError } from './download-error.js';
export { type DownloadProgress, downloadFile } from './download-file.js';
export { type HubConfig, type HubOptions, hubConfig } from './hub-config.js';
export { type HubReference, isHubReference, parseHubReference } from './hub-reference.js';
export { HubReferenceError } from './hub-reference-error.js';
export { NotCachedError } from './not-cached-error.js';
export { createProgressBar, downloadStats } from './progress-bar.js';
export { type ResolveModelOptions, resolveModel } from './resolve-model.js';
