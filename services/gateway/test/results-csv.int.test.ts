import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4 } from 'uuid';
import { recordEvents, writeTaskResults } from '@conveyor/db';
import { createTestDatabase, taskPartitionOf } from '@conveyor/db/testing';
import { writeResultsCsv, type ResultRow } from '@conveyor/grid';
import { createEvent } from '@conveyor/messages';
import { startGatewayServer, type GatewayServer } from '../src/server.js';
import { createTestGateway, type TestDatabase } from './support/gateway.js';
import { seedRun } from './support/seed.js';

let database: TestDatabase;
let server: GatewayServer;
let base: string;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startGatewayServer({
    yoga: createTestGateway(database).yoga,
    port: 0,
    host: '127.0.0.1',
    maxPayloadBytes: 100_000,
    webSocketAccess: { corsOrigins: [] },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const HEADER =
  'selection,start_date,end_date,cable_id,capacity_kw,peak_kw,peak_at,utilization,overloaded_intervals,energy_kwh';

describe('GET /runs/:id/results.csv', () => {
  it("streams the run's results in the CSV of DESIGN §5", async () => {
    const { runId, results } = await seedRun(database.db, { tasks: 2, finished: 2 });
    const response = await fetch(`${base}/runs/${runId}/results.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="conveyor-${runId}.csv"`);
    // Ordered by selection, start date, then cable id in plain string order (a10 < a9 < b); numbers
    // in their shortest round-trip form (String(x)).
    const line = (cableId: string) => {
      const r = results.find((row) => row.cableId === cableId)!;
      return [r.selection, r.startDate, r.endDate, r.cableId, r.capacityKw, r.peakKw, r.peakAt, r.utilization]
        .concat([r.overloadedIntervals, r.energyKwh])
        .map(String)
        .join(',');
    };
    const text = await response.text();
    expect(text).toBe(
      [HEADER, ...['c1-a10', 'c1-a9', 'c1-b', 'c2-a10', 'c2-a9', 'c2-b'].map(line), ''].join('\n'),
    );
    expect(text).toContain(',0.30000000000000004,');
    expect(text).toContain(',1e+21\n');
  });

  it("equals grid's writeResultsCsv for a run of many rows", async () => {
    const runId = uuidv4();
    const rows: ResultRow[] = [];
    for (let task = 0; task < 6; task++) {
      const selection = String(10 - task);
      const taskRows = Array.from({ length: 700 }, (_, cable) => ({
        selection,
        startDate: '2023-02-01 00:00',
        endDate: '2023-02-28 23:59',
        cableId: `cable-${cable}`,
        capacityKw: 100 + cable,
        peakKw: Math.PI * cable,
        peakAt: '2023-02-03 07:15',
        utilization: (Math.PI * cable) / (100 + cable),
        overloadedIntervals: cable % 7,
        energyKwh: cable / 3,
      }));
      rows.push(...taskRows);
      await writeTaskResults(database.db, taskPartitionOf({ runId, taskId: uuidv4() }, taskRows));
    }
    await seedRunWithId(runId);
    const response = await fetch(`${base}/runs/${runId}/results.csv`);
    expect(await response.text()).toBe(writeResultsCsv(rows));
  });

  it('is 404 for an unknown run', async () => {
    const response = await fetch(`${base}/runs/00000000-0000-4000-8000-000000000000/results.csv`);
    expect(response.status).toBe(404);
  });
});

/** The export needs the run to exist: record its request. */
async function seedRunWithId(runId: string) {
  await recordEvents(database.db, [
    createEvent('run.requested', {
      runId,
      producer: 'test',
      data: {
        window: { start: '2023-02-01 00:00', end: '2023-02-28 23:59' },
        chunk: 'month',
        selections: null,
        topologySource: 'synthetic:substations=6&nodes=10&seed=1',
        calculation: 'grid-load',
        requestedBy: 'test',
      },
    }),
  ]);
}
