// The page's frame (header, token prompt) around the page the URL's hash names.
import type { Api } from './api';
import { ComparePage } from './compare/compare-page';
import { ApiContext } from './live';
import { hrefOf, useRoute, type Route } from './route';
import { RunPage } from './run/run-page';
import { RunsPage } from './runs/runs-page';
import type { TokenStore } from './token';
import { WorkersPage } from './workers/workers-page';
import { TokenPrompt, useTokenPrompt } from './token-prompt';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'runs':
      return <RunsPage />;
    case 'run':
      return <RunPage key={route.id} id={route.id} />;
    case 'workers':
      return <WorkersPage />;
    case 'compare':
      return <ComparePage a={route.a} b={route.b} />;
    default:
      return route satisfies never;
  }
}

function TokenButton({ tokens }: { tokens: TokenStore }) {
  // Re-rendered with the prompt, which is where the token changes.
  useTokenPrompt(tokens);
  const set = tokens.current() !== null;
  return (
    <button
      id="token"
      class="token"
      type="button"
      title="The gateway's bearer token (GATEWAY_TOKEN), kept for this tab"
      onClick={() => tokens.open()}
    >
      {set ? 'Token ✓' : 'Token'}
    </button>
  );
}

export function App({ api, tokens }: { api: Api; tokens: TokenStore }) {
  const route = useRoute();
  return (
    <ApiContext.Provider value={api}>
      <header>
        <a href={hrefOf({ page: 'runs' })} class="brand">
          Conveyor
        </a>
        <nav>
          <a href={hrefOf({ page: 'runs' })}>Runs</a>
          <a href={hrefOf({ page: 'workers' })}>Workers</a>
          <a href={hrefOf({ page: 'compare' })}>Compare</a>
        </nav>
        <TokenButton tokens={tokens} />
      </header>
      <TokenPrompt tokens={tokens} />
      <main id="view">
        <Page route={route} />
      </main>
    </ApiContext.Provider>
  );
}
