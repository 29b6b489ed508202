import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/stack/processes.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';
import { runCli } from './support/results.js';

const output = fileURLToPath(new URL('../test-output/', import.meta.url));
let pipeline: TestPipeline;
let browser: Browser;
let gatewayUrl: string;

beforeAll(async () => {
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  pipeline = await startTestPipeline({
    workers: 2,
    services: ['topology', 'leader', 'poller', 'gateway'],
    env: { GATEWAY_PORT: String(port) },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.close();
}, 60_000);

describe('the dashboard', () => {
  it('shows a new run and its progress bar reaching 100 %', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(`${gatewayUrl}/`);
    await page.waitForSelector('h2:has-text("Runs")');

    const started = await runCli(
      [
        'run',
        'start',
        '--topology',
        'synthetic:substations=6&nodes=120&seed=5',
        '--from',
        '2023-01-01 00:00',
        '--to',
        '2023-03-31 23:59',
        '--json',
      ],
      { ...pipeline.env, GATEWAY_URL: gatewayUrl },
    );
    const { runId } = JSON.parse(started.stdout) as { runId: string };
    const row = page.locator(`tr[data-run="${runId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.locator('.status', { hasText: 'SUCCEEDED' }).waitFor({ timeout: 60_000 });
    expect(await row.locator('.bar > span').getAttribute('style')).toContain('width:100.0%');

    await page.goto(`${gatewayUrl}/#/runs/${runId}`);
    await page.waitForSelector('#percent').catch(async (error: unknown) => {
      throw new Error(`run page did not render: ${await page.locator('main').innerText()}`, { cause: error });
    });
    expect(await page.locator('#percent').textContent()).toBe('100.0%');
    expect(await page.locator('.grid i.FINISHED').count()).toBe(18);
    await mkdir(output, { recursive: true });
    await page.screenshot({ path: `${output}dashboard-run.png`, fullPage: true });
  }, 120_000);
});
