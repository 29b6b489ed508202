// The dashboard in Debian's Chromium (playwright-core): a run appears in the list and its progress bar
// reaches 100 %, driven by what the test publishes on the broker as the poller would.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents } from '@conveyor/db';
import { createEvent, createNotification } from '@conveyor/messages';
import { startFedGateway, type FedGateway } from './support/fed-gateway.js';
import { seedRun } from './support/seed.js';

const output = fileURLToPath(new URL('../test-output/', import.meta.url));
let gateway: FedGateway;
let database: FedGateway['database'];
let publisher: FedGateway['publisher'];
let browser: Browser;
let base: string;

beforeAll(async () => {
  gateway = await startFedGateway('browser');
  ({ database, publisher } = gateway);
  const server = await gateway.listen();
  base = `http://127.0.0.1:${server.port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

const TASKS = 12;

/** What the poller does after a batch: record the events, then announce the progress. */
async function finishTask(runId: string, taskId: string, done: number) {
  await recordEvents(database.db, [
    createEvent('task.finished', {
      runId,
      taskId,
      producer: 'worker',
      data: {
        attempt: 1,
        workerId: 'worker-1',
        finishedAt: new Date().toISOString(),
        durationMs: 40,
        summary: { cables: 3, maxUtilization: 0.4, overloadedCables: 0, energyKwh: 12 },
        resultRows: 3,
        generation: 0,
      },
    }),
  ]);
  const counts = { total: TASKS, queued: TASKS - done, started: 0, finished: done, failed: 0, cancelled: 0 };
  await publisher.publishNotification(
    createNotification('run.progress', {
      runId,
      producer: 'poller',
      data: {
        status: 'RUNNING',
        counts,
        percent: (done * 100) / TASKS,
        tasksPerSecond: 2 + Math.sin(done),
        etaSeconds: (TASKS - done) / 2,
        stalledTaskIds: [],
      },
    }),
  );
}

async function completeRun(runId: string) {
  const counts = { total: TASKS, queued: 0, started: 0, finished: TASKS, failed: 0, cancelled: 0 };
  const completed = createEvent('run.completed', {
    runId,
    producer: 'poller',
    data: { status: 'SUCCEEDED', counts, durationMs: 6_000, generation: 0 },
  });
  await recordEvents(database.db, [completed]);
  await publisher.publishEvent(completed);
}

const screenshot = async (page: Page, name: string) => {
  await mkdir(output, { recursive: true });
  await page.screenshot({ path: `${output}${name}.png`, fullPage: true });
};

describe('the dashboard', () => {
  it('shows a new run, then its progress bar reaching 100 %, live', async () => {
    await seedRun(database.db, { tasks: 6, finished: 4, failed: 2, completed: 'FAILED' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${base}/`);
    await page.locator('h2', { hasText: 'Runs' }).waitFor();

    // The run is recorded, then announced: the list learns of it from the `runs` subscription.
    const run = await seedRun(database.db, { tasks: TASKS });
    await publisher.publishEvent(run.events[1]!);
    const row = page.locator(`tr[data-run="${run.runId}"]`);
    await row.locator('.status', { hasText: 'RUNNING' }).waitFor();
    expect(await row.locator('.bar > span').getAttribute('style')).toBe('width:0.0%');

    for (let done = 1; done <= TASKS / 2; done++) await finishTask(run.runId, run.taskIds[done - 1]!, done);
    await row.locator('.pct', { hasText: '50%' }).waitFor();

    await page.locator(`a[href="#/runs/${run.runId}"]`).click();
    await page.locator('#percent', { hasText: '50.0%' }).waitFor();
    for (let done = TASKS / 2 + 1; done <= TASKS; done++) {
      await finishTask(run.runId, run.taskIds[done - 1]!, done);
      await page.locator('#finished', { hasText: `${done}/${TASKS}` }).waitFor();
    }
    await completeRun(run.runId);
    await page.locator('#status .status', { hasText: 'SUCCEEDED' }).waitFor();
    expect(await page.locator('#percent').textContent()).toBe('100.0%');
    expect(await page.locator('#bar .bar > span').getAttribute('style')).toBe('width:100.0%');
    await expect.poll(() => page.locator('.grid i.FINISHED').count()).toBe(TASKS);
    await expect.poll(() => page.locator('#spark polyline').count()).toBe(1);
    await screenshot(page, 'dashboard-run');

    await page.locator('a.brand').click();
    await row.locator('.status', { hasText: 'SUCCEEDED' }).waitFor();
    expect(await row.locator('.bar > span').getAttribute('style')).toBe('width:100.0%');
    await screenshot(page, 'dashboard-runs');
    expect(problems).toEqual([]);
    expect(await page.locator('.notice').count()).toBe(0);
  }, 120_000);

  it('shows the failures of a failed run, with a retry button', async () => {
    const failed = await seedRun(database.db, { tasks: 6, finished: 4, failed: 2, completed: 'FAILED' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/#/runs/${failed.runId}`);
    await page.locator('#status .status', { hasText: 'FAILED' }).waitFor();
    expect(await page.locator('.grid i.FAILED').count()).toBe(2);
    expect(await page.locator('#bar .bar > span').getAttribute('style')).toBe('width:100.0%');
    expect(await page.locator('#bar .bar i.finished').getAttribute('style')).toBe('flex:4');
    expect(await page.locator('#bar .bar i.failed').getAttribute('style')).toBe('flex:2');
    expect(await page.locator('td.error').allTextContents()).toEqual([
      expect.stringContaining('selection 5 exploded'),
      expect.stringContaining('selection 6 exploded'),
    ]);
    expect(await page.locator('#retry').isEnabled()).toBe(true);
    expect(await page.locator('#cancel').isDisabled()).toBe(true);
    await screenshot(page, 'dashboard-failed-run');
    expect(await page.locator('.notice').count()).toBe(0);
  }, 60_000);
});
