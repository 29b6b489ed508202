import type { Logger } from '@conveyor/runtime';
import { prepareDashboard, type DashboardFiles } from '../dashboard-bundle.js';

/** The paths the bundle can have: the page, Vite's hashed assets, the files of dashboard/public. */
const DASHBOARD_PATH = /^\/(?:$|assets\/[\w.-]+$|[\w-]+\.(?:svg|txt|json)$)/;

let bundle: Promise<DashboardFiles> | undefined;

/**
 * Builds the dashboard when its bundle is stale and reads it into memory, once per process: the gateway
 * calls it at start; a gateway made without `main.ts` (the tests) gets it at the first request for it.
 */
export function loadDashboard(logger?: Pick<Logger, 'info' | 'warn'>): Promise<DashboardFiles> {
  bundle ??= prepareDashboard(logger);
  return bundle;
}

/** Serves the dashboard's files; null for any other path. */
export async function dashboardResponse(
  pathname: string,
  respond: (body: string, init: ResponseInit) => Response,
): Promise<Response | null> {
  if (!DASHBOARD_PATH.test(pathname)) return null;
  let files: DashboardFiles;
  try {
    files = await loadDashboard();
  } catch {
    // The reason is the gateway's to log (loadDashboard at start), not a client's to read.
    return respond('the dashboard is not available: see the gateway log\n', {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  const file = files.get(pathname);
  if (!file) return null;
  return respond(file.body, {
    headers: {
      'content-type': file.contentType,
      // The page names the current assets; an asset's name changes with its content.
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
  });
}
