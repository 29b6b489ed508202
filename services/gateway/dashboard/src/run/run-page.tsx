// One run: its summary, throughput, tasks, overload report and failures. Read once, then followed through the
// runProgress subscription: its numbers show at once, and the rest is read again at most once a second.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api';
import type { ResultOf } from '../graphql';
import { throttle, useAbortableEffect, useApi } from '../live';
import { Notice } from '../notice';
import { hrefOf } from '../route';
import { Failures } from './failures';
import {
  CancelRunMutation,
  RetryFailedTasksMutation,
  RunProgressSubscription,
  RunQuery,
  TasksQuery,
  type ProgressData,
  type RunData,
  type TaskData,
} from './queries';
import { RunSummary, type RunFigures } from './run-summary';
import { Heatmap } from './heatmap';
import { OverloadReport } from './overload-report';
import { utilizationColour } from './heatmap-layout';
import { TaskPanel } from './task-panel';
import { Throughput, type RateSample } from './throughput';

const FAILURES_SHOWN = 50;
const TASK_PAGE = 500;
const TASKS_SHOWN = 12_000; // the heatmap of 1,000 selections × 12 months
const RATE_SAMPLES_KEPT = 600;
const RELOAD_EVERY = 1000; // ms, at most

async function loadTasks(api: Api, id: string, signal: AbortSignal): Promise<TaskData[]> {
  const tasks: TaskData[] = [];
  let after: string | null = null;
  while (tasks.length < TASKS_SHOWN) {
    const { run }: ResultOf<typeof TasksQuery> = await api.query(
      TasksQuery,
      { id, first: TASK_PAGE, after },
      signal,
    );
    if (!run) break;
    tasks.push(...run.tasks.nodes);
    if (!run.tasks.pageInfo.hasNextPage) break;
    after = run.tasks.pageInfo.endCursor;
  }
  return tasks;
}

/** What a read of the run found; `at` orders it against live messages (the newer numbers win). */
type Loaded = { run: RunData; tasks: TaskData[]; at: number };

function figuresOf(loaded: Loaded, live: (ProgressData & { at: number }) | null): RunFigures {
  if (live && live.at > loaded.at) return live;
  const { run } = loaded;
  return {
    ...run.counts,
    status: run.status,
    percent: run.percent,
    tasksPerSecond: run.tasksPerSecond,
    etaSeconds: run.etaSeconds,
  };
}

export function RunPage({ id }: { id: string }) {
  const api = useApi();
  const [loaded, setLoaded] = useState<Loaded | 'missing' | null>(null);
  const [live, setLive] = useState<(ProgressData & { at: number }) | null>(null);
  const [samples, setSamples] = useState<RateSample[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const clock = useRef(0);

  useAbortableEffect(
    async (signal) => {
      setLoaded(null);
      setLive(null);
      setSamples([]);
      setNotice(null);
      let shownAt = 0;
      /** Reads the run and its tasks; false when there is no such run. */
      const load = async () => {
        const at = ++clock.current;
        const [{ run }, tasks] = await Promise.all([
          api.query(RunQuery, { id, failures: FAILURES_SHOWN }, signal),
          loadTasks(api, id, signal),
        ]);
        if (signal.aborted) return false;
        // Reads can overlap (a slow one, then a throttled one): an older read never replaces a newer.
        if (at < shownAt) return true;
        shownAt = at;
        setLoaded(run ? { run, tasks, at } : 'missing');
        return run !== null;
      };
      if (!(await load())) return;
      const reload = throttle(
        () => void load().catch((error: Error) => !signal.aborted && setNotice(error.message)),
        RELOAD_EVERY,
        signal,
      );
      let messages = 0;
      await api
        .subscribe(
          RunProgressSubscription,
          { id },
          ({ runProgress }) => {
            // The first message is the state read from the database; the later ones carry the live rate.
            if (messages++ > 0)
              setSamples((kept) =>
                [...kept, { t: Date.now(), rate: runProgress.tasksPerSecond }].slice(-RATE_SAMPLES_KEPT),
              );
            setLive({ ...runProgress, at: ++clock.current });
            reload();
          },
          signal,
        )
        .catch((error: Error) => {
          throw new Error(`Live updates stopped: ${error.message}`, { cause: error });
        });
      await load();
    },
    [api, id],
    (error) => setNotice(error.message),
  );

  /** A mutation's typed error becomes a notice; live updates show its effect. */
  const act = (mutate: () => Promise<{ __typename: string; message?: string }>) => {
    mutate().then(
      (result) => result.message !== undefined && setNotice(`${result.__typename}: ${result.message}`),
      (error: Error) => setNotice(error.message),
    );
  };

  if (loaded === 'missing')
    return (
      <div class="card">
        No run <span class="mono">{id}</span>. <a href={hrefOf({ page: 'runs' })}>All runs</a>
      </div>
    );
  if (loaded === null)
    return (
      <>
        <Notice message={notice} />
        <p class="muted">Loading…</p>
      </>
    );
  const { run, tasks } = loaded;
  const done = run.status === 'SUCCEEDED' || run.status === 'FAILED' || run.status === 'CANCELLED';
  return (
    <>
      <Notice message={notice} />
      <RunSummary
        run={run}
        figures={figuresOf(loaded, live)}
        onCancel={() => act(async () => (await api.query(CancelRunMutation, { id })).cancelRun)}
        onRetry={() => act(async () => (await api.query(RetryFailedTasksMutation, { id })).retryFailedTasks)}
        onDownload={() =>
          void api
            .download(run.resultsCsvUrl, `conveyor-${id}.csv`)
            .catch((error: Error) => setNotice(error.message))
        }
      />
      <div class="card">
        <h3>Throughput</h3>
        <div class="spark" id="spark">
          <Throughput samples={samples} />
        </div>
      </div>
      <HeatmapCard tasks={tasks} total={run.counts.total} done={done} />
      {done && <OverloadReport runId={id} onError={setNotice} />}
      <Failures failures={run.failures.nodes} />
    </>
  );
}

const LEGEND_STATUSES = ['QUEUED', 'STARTED', 'FINISHED', 'FAILED', 'CANCELLED'] as const;

/** Selections × window pieces, with its legend and the task of the clicked cell. */
function HeatmapCard({ tasks, total, done }: { tasks: TaskData[]; total: number; done: boolean }) {
  const card = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => {
    const element = card.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth - 40));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return (
    <>
      <div class="card" ref={card}>
        <h3>Tasks: selections × window {done ? '(max utilization)' : '(status)'}</h3>
        <Heatmap tasks={tasks} done={done} width={width} onSelect={setSelected} />
        <div class="legend">
          {done ? (
            <>
              {[0, 0.5, 0.9, 1.2].map((u) => (
                <span key={u}>
                  <svg width="12" height="12" aria-hidden="true">
                    <rect width="12" height="12" fill={utilizationColour(u)} />
                  </svg>
                  {u > 1 ? 'overloaded (outlined)' : `${u * 100}%`}
                </span>
              ))}
            </>
          ) : (
            LEGEND_STATUSES.map((status) => (
              <span key={status}>
                <i class={status} />
                {status.toLowerCase()}
              </span>
            ))
          )}
        </div>
        {total > tasks.length && (
          <p class="muted">
            The first {tasks.length} of {total} tasks.
          </p>
        )}
      </div>
      {selected && <TaskPanel taskId={selected} onClose={() => setSelected(null)} />}
    </>
  );
}
