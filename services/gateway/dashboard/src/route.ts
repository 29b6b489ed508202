// Pages are addressed by the URL's hash (`#/`, `#/runs/<id>`, `#/workers`, `#/compare/<a>/<b>`), so the gateway serves one document
// for all of them. A new page adds a member to Route, a line to parseRoute and one to the App.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'runs' }
  | { page: 'run'; id: string }
  | { page: 'workers' }
  | { page: 'compare'; a?: string; b?: string };

const RUN = /^#\/runs\/([0-9a-fA-F-]{36})$/;
const COMPARE = /^#\/compare\/([0-9a-fA-F-]{36})\/([0-9a-fA-F-]{36})$/;

export function parseRoute(hash: string): Route {
  const run = RUN.exec(hash);
  if (run) return { page: 'run', id: run[1]!.toLowerCase() };
  if (hash === '#/workers') return { page: 'workers' };
  const compare = COMPARE.exec(hash);
  if (compare) return { page: 'compare', a: compare[1]!.toLowerCase(), b: compare[2]!.toLowerCase() };
  if (hash === '#/compare') return { page: 'compare' };
  return { page: 'runs' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'runs':
      return '#/';
    case 'run':
      return `#/runs/${route.id}`;
    case 'workers':
      return '#/workers';
    case 'compare':
      return route.a && route.b ? `#/compare/${route.a}/${route.b}` : '#/compare';
    default:
      return route satisfies never;
  }
}

/** The current route, following the hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}
