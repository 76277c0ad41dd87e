/**
 * `defineWorkload` only gives a workload file its types (like Vite's defineConfig); the
 * harness validates and builds it when it loads the file.
 */
import type { WorkloadConfig } from './workload-config.js';

export function defineWorkload(config: WorkloadConfig): WorkloadConfig {
  return config;
}
