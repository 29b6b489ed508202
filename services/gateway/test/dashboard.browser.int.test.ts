// The dashboard (built from dashboard/ by Vite) in Debian's Chromium (playwright-core), under the strict
// Content-Security-Policy the gateway is to send: a run appears in the list and its progress bar reaches
// 100 %, driven by what the test publishes on the broker as the poller would; a failed run shows its
// failures and downloads its CSV; a gateway with a token gets it asked once and sent on every request;
// the Workers page lists the workers that announce themselves and marks a silent one gone.
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvents, writeTaskResults } from '@conveyor/db';
import { taskPartitionOf } from '@conveyor/db/testing';
import { WORKER_NOTIFICATION_RUN_ID, createEvent, createNotification, taskIdFor } from '@conveyor/messages';
import { loadDashboard } from '../src/http/dashboard.js';
import { TOKEN } from './support/gateway.js';
import { startFedGateway, type FedGateway } from './support/fed-gateway.js';
import { resultRowsFor, seedRun } from './support/seed.js';

const output = fileURLToPath(new URL('../../../out/', import.meta.url));
/** What issue 14 has the gateway send with the dashboard: nothing inline, no framing. */
const CSP = "default-src 'self'; frame-ancestors 'none'";
let gateway: FedGateway;
let database: FedGateway['database'];
let publisher: FedGateway['publisher'];
let browser: Browser;
let base: string;
/** The same feed behind a gateway started with GATEWAY_TOKEN. */
let securedBase: string;

beforeAll(async () => {
  // Built here if the bundle is missing or stale, as the gateway does at start; a build error shows here.
  await loadDashboard();
  gateway = await startFedGateway('browser');
  ({ database, publisher } = gateway);
  const server = await gateway.listen();
  base = `http://127.0.0.1:${server.port}`;
  const secured = await gateway.listen({ token: TOKEN });
  securedBase = `http://127.0.0.1:${secured.port}`;
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

/** A browser profile of its own (cookies, storage). */
const newContext = () => browser.newContext({ viewport: { width: 1280, height: 800 } });

/**
 * A tab whose document comes with the strict CSP, and the page errors, console errors (a refused
 * inline script or style is one) and requests it sees.
 */
async function openTab(context: BrowserContext) {
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: { url: string; authorization: string | undefined }[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(message.text());
  });
  page.on('request', (request) =>
    requests.push({ url: request.url(), authorization: request.headers().authorization }),
  );
  await page.route(
    (url) => url.pathname === '/',
    async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
    },
  );
  return { page, problems, requests };
}

/** The bar's segment widths in viewBox units (of 100). */
const segmentWidth = (page: Page, scope: string, status: string) =>
  page.locator(`${scope} .bar rect.${status}`).getAttribute('width');

describe('the dashboard', () => {
  it('shows a new run, then its progress bar reaching 100 %, live', async () => {
    await seedRun(database.db, { tasks: 6, finished: 4, failed: 2, completed: 'FAILED' });
    const { page, problems } = await openTab(await newContext());
    await page.goto(`${base}/`);
    await page.locator('h2', { hasText: 'Runs' }).waitFor();

    // The run is recorded, then announced: the list learns of it from the `runs` subscription.
    const run = await seedRun(database.db, { tasks: TASKS });
    await publisher.publishEvent(run.events[1]!);
    const row = page.locator(`tr[data-run="${run.runId}"]`);
    await row.locator('.status', { hasText: 'RUNNING' }).waitFor();
    expect(await row.locator('.bar').getAttribute('aria-valuenow')).toBe('0');

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
    expect(await page.locator('#bar .bar').getAttribute('aria-valuenow')).toBe('100');
    expect(await segmentWidth(page, '#bar', 'finished')).toBe('100.000');
    await expect
      .poll(() => page.locator('#heatmap canvas').getAttribute('data-finished'))
      .toBe(String(TASKS));
    await expect.poll(() => page.locator('#spark polyline').count()).toBe(1);
    await screenshot(page, 'dashboard-run');

    await page.locator('a.brand').click();
    await row.locator('.status', { hasText: 'SUCCEEDED' }).waitFor();
    expect(await row.locator('.bar').getAttribute('aria-valuenow')).toBe('100');
    await screenshot(page, 'dashboard-runs');
    expect(problems).toEqual([]);
    expect(await page.locator('.notice').count()).toBe(0);
  }, 120_000);

  it('shows the failures of a failed run, with a retry button, and downloads its CSV', async () => {
    const failed = await seedRun(database.db, { tasks: 6, finished: 4, failed: 2, completed: 'FAILED' });
    const { page, problems } = await openTab(await newContext());
    await page.goto(`${base}/#/runs/${failed.runId}`);
    await page.locator('#status .status', { hasText: 'FAILED' }).waitFor();
    expect(await page.locator('#heatmap canvas').getAttribute('data-failed')).toBe('2');
    expect(await page.locator('#bar .bar').getAttribute('aria-valuenow')).toBe('100');
    // Finished and failed share the bar 4 : 2.
    expect(await segmentWidth(page, '#bar', 'finished')).toBe('66.667');
    expect(await segmentWidth(page, '#bar', 'failed')).toBe('33.333');
    expect(await page.locator('td.error').allTextContents()).toEqual([
      expect.stringContaining('selection 5 exploded'),
      expect.stringContaining('selection 6 exploded'),
    ]);
    expect(await page.locator('#retry').isEnabled()).toBe(true);
    expect(await page.locator('#cancel').isDisabled()).toBe(true);
    await screenshot(page, 'dashboard-failed-run');
    expect(await page.locator('.notice').count()).toBe(0);

    // The CSV is fetched (so that it can carry the token) and saved from a blob: the same bytes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv').click()]);
    expect(download.suggestedFilename()).toBe(`conveyor-${failed.runId}.csv`);
    const served = await (await fetch(`${base}/runs/${failed.runId}/results.csv`)).text();
    expect(await readFile(await download.path(), 'utf8')).toBe(served);
    expect(served.split('\n').filter(Boolean)).toHaveLength(1 + 4 * 3);
    expect(problems).toEqual([]);
  }, 60_000);

  it('asks for the token once per tab when the gateway refuses, then sends it on every request', async () => {
    const run = await seedRun(database.db, { tasks: TASKS, finished: 4 });
    const context = await newContext();
    const { page, problems, requests } = await openTab(context);
    await page.goto(`${securedBase}/#/runs/${run.runId}`);

    // The live updates need the token: the prompt opens; nothing is stored outside the tab.
    const input = page.locator('#token-input');
    await input.waitFor();
    await screenshot(page, 'dashboard-token');
    await input.fill(TOKEN);
    await page.locator('#token-submit').click();
    await page.locator('.overlay').waitFor({ state: 'detached' });
    const sentFrom = requests.length;
    await finishTask(run.runId, run.taskIds[4]!, 5);
    await page.locator('#finished', { hasText: `5/${TASKS}` }).waitFor();
    expect(
      await page.evaluate(() => [sessionStorage.getItem('conveyor.token'), localStorage.length]),
    ).toEqual([TOKEN, 0]);

    // A mutation with the token is accepted.
    const [cancelled] = await Promise.all([
      page.waitForResponse((response) => response.request().postData()?.includes('CancelRun') ?? false),
      page.locator('#cancel').click(),
    ]);
    expect((await cancelled.json()).data.cancelRun.__typename).toBe('CancelRunSuccess');

    // The export too goes with the header.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#csv').click()]);
    expect(await readFile(await download.path(), 'utf8')).toMatch(/^selection,/);
    const sent = requests.slice(sentFrom).filter((request) => request.url.startsWith(`${securedBase}/`));
    expect(sent.map((request) => new URL(request.url).pathname)).toEqual(
      expect.arrayContaining(['/graphql', `/runs/${run.runId}/results.csv`]),
    );
    for (const request of sent) expect(request.authorization, request.url).toBe(`Bearer ${TOKEN}`);

    // Kept for the tab: a reload does not ask again.
    await page.reload();
    await page.locator('#status .status').waitFor();
    await finishTask(run.runId, run.taskIds[5]!, 6);
    await page.locator('#finished', { hasText: `6/${TASKS}` }).waitFor();
    expect(await page.locator('.overlay').count()).toBe(0);
    expect(problems).toEqual([]);

    // Another tab asks again; dismissing the prompt says why the page cannot follow the run.
    const other = await openTab(context);
    await other.page.goto(`${securedBase}/#/runs/${run.runId}`);
    await other.page.locator('#token-input').waitFor();
    await other.page.locator('.token-prompt button', { hasText: 'Cancel' }).click();
    await other.page.locator('.notice', { hasText: 'needs its token' }).waitFor();
    await context.close();
  }, 90_000);

  it('lists the workers, alive with their busy slots and rate, and marks a silent one gone', async () => {
    const startedAt = new Date().toISOString();
    const beat = (workerId: string, tasksDone: number, busySlots: number) =>
      publisher.publishNotification(
        createNotification('worker.heartbeat', {
          runId: WORKER_NOTIFICATION_RUN_ID,
          producer: 'worker',
          data: {
            workerId,
            host: `pod-${workerId}`,
            version: '0.0.0',
            calculations: [
              { name: 'grid-load', version: '1' },
              { name: 'noop', version: '1' },
            ],
            slots: 4,
            busySlots,
            tasksDone,
            startedAt,
            heartbeatMs: 300, // ms: silent for 900 ms is gone
            stopping: false,
          },
        }),
      );
    let done = 0;
    const steady = setInterval(() => void beat('worker-steady', (done += 3), 3), 300);
    let silent = 0;
    const leaving = setInterval(() => void beat('worker-leaving', (silent += 1), 1), 300);
    try {
      const { page, problems } = await openTab(await newContext());
      await page.goto(`${base}/`);
      await page.locator('nav a', { hasText: 'Workers' }).click();
      const steadyRow = page.locator('tr[data-worker="worker-steady"]');
      await steadyRow.and(page.locator('[data-status="alive"]')).waitFor();
      await page.locator('tr[data-worker="worker-leaving"][data-status="alive"]').waitFor();
      await expect
        .poll(async () => Number(await steadyRow.locator('td.num').first().textContent()))
        .toBeGreaterThan(0);
      expect(await steadyRow.locator('.pct').textContent()).toBe('3/4');
      expect(await steadyRow.textContent()).toContain('grid-load@1, noop@1');
      await screenshot(page, 'dashboard-workers');

      clearInterval(leaving); // killed: no goodbye, only silence
      await page.locator('tr[data-worker="worker-leaving"][data-status="gone"]').waitFor();
      await page.locator('#workers-summary', { hasText: '1 alive' }).waitFor();
      expect(await steadyRow.getAttribute('data-status')).toBe('alive');
      await screenshot(page, 'dashboard-workers-gone');
      expect(problems).toEqual([]);
    } finally {
      clearInterval(steady);
      clearInterval(leaving);
    }
  }, 60_000);

  it('draws a 24 × 3 run as a heatmap, by status while it runs and by utilization when done; a click opens the task', async () => {
    const runId = crypto.randomUUID();
    const envelope = { runId, producer: 'test' };
    const months = [
      ['2023-01-01 00:00', '2023-01-31 23:59'],
      ['2023-02-01 00:00', '2023-02-28 23:59'],
      ['2023-03-01 00:00', '2023-03-31 23:59'],
    ] as const;
    const tasks = Array.from({ length: 24 }, (_, s) => String(s + 1)).flatMap((selection) =>
      months.map(([startDate, endDate]) => ({
        taskId: taskIdFor(runId, selection, startDate),
        selection,
        startDate,
        endDate,
      })),
    );
    await recordEvents(database.db, [
      createEvent('run.requested', {
        ...envelope,
        data: {
          window: { start: months[0][0], end: months[2][1] },
          chunk: 'month',
          selections: null,
          topologySource: 'synthetic:substations=24&nodes=400&seed=7',
          calculation: 'grid-load',
          requestedBy: 'test',
        },
      }),
      createEvent('run.planned', {
        ...envelope,
        data: { topologyId: 'topology-h', taskCount: 72, generation: 0 },
      }),
      createEvent('tasks.queued', { ...envelope, data: { tasks, generation: 0 } }),
    ]);
    const finish = (task: (typeof tasks)[number], i: number) =>
      createEvent('task.finished', {
        ...envelope,
        taskId: task.taskId,
        data: {
          attempt: 1,
          workerId: `worker-${i % 2}`,
          finishedAt: new Date().toISOString(),
          durationMs: 1200 + i,
          // Selection 7 is overloaded in February: 130 % on one cable.
          summary: {
            cables: 3,
            maxUtilization:
              task.selection === '7' && task.startDate.startsWith('2023-02') ? 1.3 : (i % 10) / 10,
            overloadedCables: task.selection === '7' && task.startDate.startsWith('2023-02') ? 1 : 0,
            energyKwh: 10,
          },
          resultRows: 3,
          generation: 0,
        },
      });
    await recordEvents(database.db, tasks.slice(0, 30).map(finish));

    const { page, problems } = await openTab(await newContext());
    await page.goto(`${base}/#/runs/${runId}`);
    const canvas = page.locator('#heatmap canvas');
    await canvas.waitFor();
    expect(await canvas.getAttribute('data-rows')).toBe('24');
    expect(await canvas.getAttribute('data-columns')).toBe('3');
    expect(await canvas.getAttribute('data-mode')).toBe('status');
    expect([await canvas.getAttribute('data-finished'), await canvas.getAttribute('data-queued')]).toEqual([
      '30',
      '42',
    ]);
    await screenshot(page, 'dashboard-heatmap-running');

    await recordEvents(
      database.db,
      tasks.slice(30).map((task, i) => finish(task, i + 30)),
    );
    // Their result partitions, as the workers store them: selection 7's February has cable c7-hot at 130 %.
    for (const task of tasks) {
      const hot = task.selection === '7' && task.startDate.startsWith('2023-02');
      const rows = [
        {
          ...task,
          cableId: hot ? 'c7-hot' : `c${task.selection}-a`,
          capacityKw: 100,
          peakKw: hot ? 130 : 40,
          peakAt: task.startDate,
          utilization: hot ? 1.3 : 0.4,
          overloadedIntervals: hot ? 6 : 0,
          energyKwh: 10,
        },
      ];
      await writeTaskResults(database.db, taskPartitionOf({ runId, taskId: task.taskId }, rows));
    }
    await completeRun(runId);
    await page.reload();
    await page.locator('#status .status', { hasText: 'SUCCEEDED' }).waitFor();
    expect(await canvas.getAttribute('data-mode')).toBe('utilization');
    expect(await canvas.getAttribute('data-overloaded')).toBe('1');

    // The overloaded cell: selection 7 (row 6), February (column 1).
    const cellWidth = Number(await canvas.getAttribute('data-cell-width'));
    const cellHeight = Number(await canvas.getAttribute('data-cell-height'));
    await canvas.click({ position: { x: 90 + 1.5 * cellWidth, y: 20 + 6.5 * cellHeight } });
    const panel = page.locator('#task-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-task')).toBe(taskIdFor(runId, '7', '2023-02-01 00:00'));
    expect(await panel.locator('#task-worker').textContent()).toMatch(/^worker-[01]$/);
    expect(await panel.locator('#task-summary').textContent()).toContain('maxUtilization: 1.3');
    expect(await panel.locator('#task-overloads tbody td').allTextContents()).toEqual([
      'c7-hot',
      '100.0',
      '130.0',
      '2023-02-01 00:00',
      '130.0%',
      '6',
    ]);
    await screenshot(page, 'dashboard-heatmap');

    // The overload report, and its CSV made on the page from the same query.
    const report = page.locator('#overloads');
    expect(await report.locator('tbody tr').count()).toBe(1);
    expect(await report.locator('tbody td').nth(1).textContent()).toBe('c7-hot');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#overloads-csv').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`conveyor-${runId}-overloads.csv`);
    expect(await readFile(await download.path(), 'utf8')).toBe(
      'rank,selection,from,to,cable_id,capacity_kw,peak_kw,peak_at,utilization,overloaded_intervals\n' +
        '1,7,2023-02-01 00:00,2023-02-28 23:59,c7-hot,100,130,2023-02-01 00:00,1.3,6\n',
    );
    await report.screenshot({ path: `${output}dashboard-overloads.png` });
    expect(problems).toEqual([]);
  }, 60_000);

  it('compares two runs: the summary and the one changed element', async () => {
    const a = await seedRun(database.db, { tasks: 6, finished: 6, completed: 'SUCCEEDED' });
    const b = await seedRun(database.db, { tasks: 6, finished: 6, completed: 'SUCCEEDED' });
    // Run B's selection 3 has its cable c3-a9 at half the capacity (rows as seedRun writes them).
    const rows = resultRowsFor('3', 2).map((row) =>
      row.cableId === 'c3-a9'
        ? { ...row, capacityKw: row.capacityKw / 2, utilization: row.utilization * 2 }
        : row,
    );
    await writeTaskResults(database.db, taskPartitionOf({ runId: b.runId, taskId: b.taskIds[2]! }, rows));

    const { page, problems } = await openTab(await newContext());
    await page.goto(`${base}/`);
    await page.locator('nav a', { hasText: 'Compare' }).click();
    await page.locator(`#compare-a option[value="${a.runId}"]`).waitFor({ state: 'attached' });
    await page.locator('#compare-a').selectOption(a.runId);
    await page.locator('#compare-b').selectOption(b.runId);
    await page.locator('#compare-go').click();
    await page.locator('#compare-summary').waitFor();
    expect(page.url()).toBe(`${base}/#/compare/${a.runId}/${b.runId}`);
    expect(await page.locator('#compare-cells-changed').textContent()).toBe('1');
    expect(await page.locator('#compare-change-count').textContent()).toBe('1');
    const changed = page.locator('#compare-changes tbody tr');
    expect(await changed.count()).toBe(1);
    expect(await changed.getAttribute('data-element')).toBe('c3-a9');
    expect(await changed.locator('td').nth(3).textContent()).toBe('52.0 → 26.0');
    await screenshot(page, 'dashboard-compare');
    expect(problems).toEqual([]);
  }, 60_000);

  it('keeps the heatmap of a 1,000 × 12 run on one canvas: a small DOM, and a click opens the right task', async () => {
    const runId = crypto.randomUUID();
    const envelope = { runId, producer: 'test' };
    const months = Array.from({ length: 12 }, (_, m) => {
      const start = new Date(Date.UTC(2023, m, 1));
      const end = new Date(Date.UTC(2023, m + 1, 1) - 60_000);
      const text = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
      return [text(start), text(end)] as const;
    });
    const tasks = Array.from({ length: 1000 }, (_, s) => String(s + 1)).flatMap((selection) =>
      months.map(([startDate, endDate]) => ({
        taskId: taskIdFor(runId, selection, startDate),
        selection,
        startDate,
        endDate,
      })),
    );
    const batches = (events: ReturnType<typeof createEvent>[]) => {
      const chunks = [];
      for (let i = 0; i < events.length; i += 1000) chunks.push(events.slice(i, i + 1000));
      return chunks;
    };
    await recordEvents(database.db, [
      createEvent('run.requested', {
        ...envelope,
        data: {
          window: { start: months[0]![0], end: months[11]![1] },
          chunk: 'month',
          selections: null,
          topologySource: 'synthetic:substations=1000&nodes=40&seed=3',
          calculation: 'grid-load',
          requestedBy: 'test',
        },
      }),
      createEvent('run.planned', {
        ...envelope,
        data: { topologyId: 'topology-big', taskCount: 12_000, generation: 0 },
      }),
    ]);
    for (let i = 0; i < tasks.length; i += 1000)
      await recordEvents(database.db, [
        createEvent('tasks.queued', {
          ...envelope,
          data: { tasks: tasks.slice(i, i + 1000), generation: 0 },
        }),
      ]);
    const finished = tasks.map((task, i) =>
      createEvent('task.finished', {
        ...envelope,
        taskId: task.taskId,
        data: {
          attempt: 1,
          workerId: `worker-${i % 4}`,
          finishedAt: new Date().toISOString(),
          durationMs: 900,
          summary: {
            cables: 40,
            maxUtilization: (i % 13) / 10,
            overloadedCables: i % 13 > 10 ? 1 : 0,
            energyKwh: 5,
          },
          resultRows: 40,
          generation: 0,
        },
      }),
    );
    for (const batch of batches(finished)) await recordEvents(database.db, batch);
    const counts = { total: 12_000, queued: 0, started: 0, finished: 12_000, failed: 0, cancelled: 0 };
    await recordEvents(database.db, [
      createEvent('run.completed', {
        ...envelope,
        data: { status: 'SUCCEEDED', counts, durationMs: 60_000, generation: 0 },
      }),
    ]);

    const { page, problems } = await openTab(await newContext());
    await page.goto(`${base}/#/runs/${runId}`);
    await page.locator('#status .status', { hasText: 'SUCCEEDED' }).waitFor();
    const canvas = page.locator('#heatmap canvas');
    await expect.poll(() => canvas.getAttribute('data-finished'), { timeout: 30_000 }).toBe('12000');
    expect([await canvas.getAttribute('data-rows'), await canvas.getAttribute('data-columns')]).toEqual([
      '1000',
      '12',
    ]);
    // 12,000 cells, yet the page holds a few hundred elements: the cells are pixels of one canvas.
    expect(await page.evaluate(() => document.querySelectorAll('*').length)).toBeLessThan(600);

    // Selection 42 (row 41), May (column 4).
    const cellWidth = Number(await canvas.getAttribute('data-cell-width'));
    const cellHeight = Number(await canvas.getAttribute('data-cell-height'));
    await canvas.click({ position: { x: 90 + 4.5 * cellWidth, y: 20 + 41.5 * cellHeight } });
    const panel = page.locator('#task-panel');
    await panel.waitFor();
    expect(await panel.getAttribute('data-task')).toBe(taskIdFor(runId, '42', '2023-05-01 00:00'));
    await screenshot(page, 'dashboard-heatmap-1000x12');
    expect(problems).toEqual([]);
  }, 180_000);
});
