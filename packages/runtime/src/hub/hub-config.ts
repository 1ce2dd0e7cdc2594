import os from 'node:os';
import path from 'node:path';

/** Where and how `hf:` references are fetched. Every field has an environment default. */
export interface HubOptions {
  /** The hub's base URL; default $HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** The cache folder; default $X_CACHE_DIR, else $XDG_CACHE_HOME/x/hub, else ~/.cache/x/hub. */
  cacheDir?: string;
  /** Use only the cache, never the network; default true when $X_OFFLINE or $HF_HUB_OFFLINE is 1. */
  offline?: boolean;
  /** A bearer token for gated or private repositories; default $HF_TOKEN. */
  token?: string;
}

export type HubConfig = Required<Omit<HubOptions, 'token'>> & { token: string | undefined };

const truthy = (value: string | undefined) => value !== undefined && /^(1|true|yes|on)$/i.test(value);

export function hubConfig(options: HubOptions = {}, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return {
    endpoint: (options.endpoint ?? env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    cacheDir: path.resolve(options.cacheDir ?? (env.X_CACHE_DIR || path.join(cacheHome, 'x', 'hub'))),
    offline: options.offline ?? (truthy(env.X_OFFLINE) || truthy(env.HF_HUB_OFFLINE)),
    token: options.token ?? (env.HF_TOKEN || undefined),
  };
}
