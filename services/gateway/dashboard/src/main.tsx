// The dashboard's entry point: the gateway serves the bundle Vite builds from here (see vite.config.ts).
import { render } from 'preact';
import { createApi } from './api';
import { App } from './app';
import './dashboard.css';
import { createTokenStore } from './token';

const tokens = createTokenStore(sessionStorage);
const api = createApi({ fetch: window.fetch.bind(window), tokens });
const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
render(<App api={api} tokens={tokens} />, root);
