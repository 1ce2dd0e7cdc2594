export { eta } from './eta.js';
export { formatBytes } from './format-bytes.js';
export { formatDuration } from './format-duration.js';
export { ProgressBar, type ProgressBarOptions, type ProgressStream } from './progress-bar.js';
export { type ProgressLineParts, progressLine } from './progress-line.js';
