// `pnpm build` (after tsc): the dashboard's bundle into dist/dashboard, shipped in the gateway's image.
import { DASHBOARD_OUT, buildDashboard } from '../src/dashboard-bundle.js';

await buildDashboard();
console.log(`dashboard built into ${DASHBOARD_OUT}`);
