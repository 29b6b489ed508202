import { readFile } from 'node:fs/promises';

/** The dashboard's static files, beside src/ and dist/ alike. */
const FILES: Record<string, string> = {
  '/': 'index.html',
  '/dashboard.js': 'dashboard.js',
  '/dashboard.css': 'dashboard.css',
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
const cache = new Map<string, Promise<string>>();

/** Serves the dashboard's files; null for any other path. */
export async function dashboardResponse(
  pathname: string,
  respond: (body: string, init: ResponseInit) => Response,
): Promise<Response | null> {
  const file = FILES[pathname];
  if (!file) return null;
  let content = cache.get(file);
  if (!content) {
    content = readFile(new URL(`../../public/${file}`, import.meta.url), 'utf8');
    cache.set(file, content);
  }
  const type = TYPES[file.split('.').pop()!]!;
  return respond(await content, { headers: { 'content-type': type, 'cache-control': 'no-cache' } });
}
