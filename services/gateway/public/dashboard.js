// The Conveyor dashboard: a plain module, no framework, no build step. Data comes from GraphQL at
// /graphql; live updates from the `runs` and `runProgress` subscriptions over SSE, read with fetch
// streaming (EventSource can neither POST nor send the bearer token).
const view = document.getElementById('view');
const tokenInput = document.getElementById('token');
tokenInput.value = localStorage.getItem('conveyor.token') ?? '';
tokenInput.addEventListener('change', () => {
  localStorage.setItem('conveyor.token', tokenInput.value.trim());
  route();
});

const authHeaders = () =>
  tokenInput.value.trim() ? { authorization: `Bearer ${tokenInput.value.trim()}` } : {};
const esc = (value) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
const $ = (selector, root = document) => root.querySelector(selector);

async function gql(query, variables = {}) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders() },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

/** GraphQL over SSE: calls onData with each result's data; resolves when the server completes. */
async function subscribe(query, variables, onData, signal) {
  const response = await fetch('/graphql', {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...authHeaders() },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.ok || !response.body) throw new Error(`subscription refused: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      if (/^event: complete/m.test(block)) return;
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!/^event: next/m.test(block) || !data) continue;
      const result = JSON.parse(data);
      if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
      onData(result.data);
    }
  }
}

/** Runs `fn` at most once per `ms`, the last call winning. */
function throttle(fn, ms) {
  let timer;
  let again = false;
  return () => {
    if (timer) {
      again = true;
      return;
    }
    fn();
    timer = setTimeout(() => {
      timer = undefined;
      if (again) {
        again = false;
        fn();
      }
    }, ms);
  };
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const pct = (percent) => `${percent.toFixed(1)}%`;
/** A run's bar: as wide as its share of tasks done, in finished, failed and cancelled segments. */
function bar(counts, large = false) {
  const done = counts.finished + counts.failed + counts.cancelled;
  const width = counts.total ? (done * 100) / counts.total : 0;
  const segment = (status, n) => (n ? `<i class="${status}" style="flex:${n}"></i>` : '');
  return `<div class="bar${large ? ' large' : ''}"><span style="width:${width.toFixed(1)}%">${segment('finished', counts.finished)}${segment('failed', counts.failed)}${segment('cancelled', counts.cancelled)}</span></div>`;
}
const badge = (status) => `<span class="status ${esc(status)}">${esc(status)}</span>`;
const when = (iso) =>
  iso
    ? new Date(iso).toLocaleString(undefined, {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      })
    : '—';
/** `2023-01-01 → 2023-03-31` for whole days, to the minute otherwise. */
function windowText(from, to) {
  if (from?.endsWith(' 00:00') && to?.endsWith(' 23:59')) return `${from.slice(0, 10)} → ${to.slice(0, 10)}`;
  return `${from ?? '?'} → ${to ?? '?'}`;
}
function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}
function notice(message) {
  $('.notice')?.remove();
  view.insertAdjacentHTML('afterbegin', `<div class="notice">${esc(message)}</div>`);
}
/** A subscription that ends with an error shows it, unless the page moved on. */
const reportLive = (signal) => (error) => {
  if (!signal.aborted) notice(`Live updates stopped: ${error.message}`);
};

let live = new AbortController();

// ——— the list of runs ———

const RUN_ROW = `fragment RunRow on Run { id status percent requestedAt counts { total finished failed cancelled }
  request { topologySource from to } }`;

function runRow(run) {
  const failed = run.counts.failed ? `<small class="error">${run.counts.failed} failed</small>` : '';
  return `<tr data-run="${esc(run.id)}">
    <td class="mono"><a href="#/runs/${esc(run.id)}" title="${esc(run.id)}">${esc(run.id.slice(0, 8))}</a></td>
    <td>${badge(run.status)}</td>
    <td class="progress"><div class="cell">${bar(run.counts)}<span class="pct">${run.percent.toFixed(0)}%</span></div></td>
    <td class="num nowrap">${run.counts.finished}/${run.counts.total}${failed}</td>
    <td class="muted nowrap">${esc(windowText(run.request.from, run.request.to))}</td>
    <td class="mono ellipsis" title="${esc(run.request.topologySource)}">${esc(run.request.topologySource)}</td>
    <td class="muted nowrap">${esc(when(run.requestedAt))}</td></tr>`;
}

async function showRuns(signal) {
  const { runs } = await gql(
    `query($first: Int) { runs(first: $first) { nodes { ...RunRow } } } ${RUN_ROW}`,
    {
      first: 100,
    },
  );
  view.innerHTML = `<div class="card"><h2>Runs</h2>
    <table id="runs"><thead><tr><th>Run</th><th>Status</th><th>Progress</th><th class="num">Tasks</th><th>Window (UTC)</th><th>Topology</th><th>Requested</th></tr></thead>
    <tbody>${runs.nodes.map(runRow).join('')}</tbody></table>
    <p class="empty" ${runs.nodes.length ? 'hidden' : ''}>No runs yet. Start one with <code>pnpm conveyor run start …</code></p></div>`;
  const body = $('#runs tbody');
  subscribe(
    `subscription { runs { ...RunRow } } ${RUN_ROW}`,
    {},
    ({ runs: run }) => {
      const row = body.querySelector(`tr[data-run="${CSS.escape(run.id)}"]`);
      if (row) row.outerHTML = runRow(run);
      else body.insertAdjacentHTML('afterbegin', runRow(run));
      $('.empty')?.setAttribute('hidden', '');
    },
    signal,
  ).catch(reportLive(signal));
}

// ——— one run ———

const RUN = `query($id: ID!, $failures: Int) { run(id: $id) { id status reason percent tasksPerSecond etaSeconds durationMs
  requestedAt completedAt generation request { topologySource from to chunk selections requestedBy }
  counts { total queued started finished failed cancelled } topology { id nodeCount }
  resultSummary { rows overloadedCables maxUtilization energyKwh } resultsCsvUrl
  failures: tasks(status: [FAILED], first: $failures) { nodes { id selection startDate endDate attempt error } } } }`;
const TASKS = `query($id: ID!, $first: Int, $after: String) { run(id: $id) {
  tasks(first: $first, after: $after) { nodes { id selection startDate status attempt } pageInfo { endCursor hasNextPage } } } }`;
const MAX_GRID = 5000;

async function loadTasks(id) {
  const tasks = [];
  let after = null;
  while (tasks.length < MAX_GRID) {
    const { run } = await gql(TASKS, { id, first: 500, after });
    tasks.push(...run.tasks.nodes);
    if (!run.tasks.pageInfo.hasNextPage) break;
    after = run.tasks.pageInfo.endCursor;
  }
  return tasks;
}

function sparkline(samples) {
  if (samples.length < 2) return '<p class="muted">Throughput appears here while the run goes on.</p>';
  const max = Math.max(...samples.map((s) => s.rate), 0.1);
  const t0 = samples[0].t;
  const span = Math.max(samples.at(-1).t - t0, 1);
  const points = samples.map(
    (s) => `${(((s.t - t0) / span) * 600).toFixed(1)},${(60 - (s.rate / max) * 54).toFixed(1)}`,
  );
  return `<svg viewBox="0 0 600 64" preserveAspectRatio="none"><polyline fill="none" stroke="#2563eb" stroke-width="2" vector-effect="non-scaling-stroke" points="${points.join(' ')}"/></svg>
    <span class="muted">now ${samples.at(-1).rate.toFixed(1)} tasks/s · peak ${max.toFixed(1)} tasks/s</span>`;
}

function runHeader(run) {
  const r = run.request;
  const results = run.resultSummary;
  return `<h2>Run <span class="mono">${esc(run.id)}</span> <span id="status">${badge(run.status)}</span></h2>
    <p class="request muted">${esc(r.topologySource)} · ${esc(r.from)} → ${esc(r.to)} UTC · chunk ${esc(r.chunk)} ·
      selections ${esc(r.selections?.join(', ') ?? 'all')} · requested ${esc(when(run.requestedAt))} by ${esc(r.requestedBy)}
      ${run.topology ? ` · topology ${esc(run.topology.id.slice(0, 12))} (${run.topology.nodeCount} nodes)` : ''}</p>
    ${run.reason ? `<div class="notice">${esc(run.reason)}</div>` : ''}
    <div id="bar">${bar(run.counts, true)}</div>
    <div class="stats">
      <div><b id="percent">${pct(run.percent)}</b>done</div>
      <div><b id="finished">${run.counts.finished}/${run.counts.total}</b>finished</div>
      <div><b id="failed">${run.counts.failed}</b>failed</div>
      <div><b id="rate">${run.tasksPerSecond.toFixed(1)}</b>tasks/s</div>
      <div><b id="eta">${duration(run.etaSeconds)}</b>ETA</div>
      <div><b id="duration">${duration(run.durationMs === null ? null : run.durationMs / 1000)}</b>duration</div>
    </div>
    <p class="muted" id="results">${results.rows} result rows · ${results.overloadedCables} overloaded cables · max utilization
      ${results.maxUtilization?.toFixed(3) ?? '—'} · ${results.energyKwh === null ? '—' : results.energyKwh.toFixed(1)} kWh</p>
    <div class="actions">
      <button id="cancel" class="danger" ${TERMINAL.has(run.status) ? 'disabled' : ''}>Cancel run</button>
      <button id="retry" ${run.counts.failed ? '' : 'disabled'}>Retry failed tasks</button>
      <a href="${esc(run.resultsCsvUrl)}" download>Download results CSV</a>
    </div>`;
}

function taskGrid(tasks, total) {
  const more =
    total > tasks.length ? `<p class="muted">The first ${tasks.length} of ${total} tasks.</p>` : '';
  const legend = ['QUEUED', 'STARTED', 'FINISHED', 'FAILED', 'CANCELLED']
    .map(
      (s) =>
        `<span><i class="${s}" style="background:var(--${s.toLowerCase()})"></i>${s.toLowerCase()}</span>`,
    )
    .join('');
  return `<div class="grid">${tasks
    .map(
      (t) =>
        `<i class="${esc(t.status)}" title="${esc(t.selection)} · ${esc(t.startDate)} · ${esc(t.status)} (attempt ${t.attempt})"></i>`,
    )
    .join('')}</div><div class="legend">${legend}</div>${more}`;
}

function failureTable(failures) {
  if (!failures.length) return '';
  return `<div class="card"><h3>Failures</h3><table><thead><tr><th>Task</th><th>Selection</th><th>Window</th><th class="num">Attempt</th><th>Error</th></tr></thead><tbody>${failures
    .map(
      (
        t,
      ) => `<tr><td class="mono">${esc(t.id.slice(0, 8))}</td><td>${esc(t.selection)}</td><td class="muted">${esc(t.startDate)} → ${esc(t.endDate)}</td>
      <td class="num">${t.attempt}</td><td class="error">${esc(t.error)}</td></tr>`,
    )
    .join('')}</tbody></table></div>`;
}

async function showRun(id, signal) {
  const samples = [];
  const render = async () => {
    const [{ run }, tasks] = await Promise.all([gql(RUN, { id, failures: 50 }), loadTasks(id)]);
    if (signal.aborted) return null;
    if (!run) {
      view.innerHTML = `<div class="card">No run <span class="mono">${esc(id)}</span>. <a href="#/">All runs</a></div>`;
      return null;
    }
    view.innerHTML = `<div class="card">${runHeader(run)}</div>
      <div class="card"><h3>Throughput</h3><div class="spark" id="spark">${sparkline(samples)}</div></div>
      <div class="card"><h3>Tasks</h3>${taskGrid(tasks, run.counts.total)}</div>
      ${failureTable(run.failures.nodes)}`;
    $('#cancel').onclick = () =>
      control('mutation($id: ID!) { cancelRun(id: $id) { __typename ... on Error { message } } }', id);
    $('#retry').onclick = () =>
      control(
        'mutation($id: ID!) { retryFailedTasks(runId: $id) { __typename ... on Error { message } } }',
        id,
      );
    return run;
  };
  const run = await render();
  if (!run) return;
  const refresh = throttle(() => render().catch((error) => notice(error.message)), 1000);
  let seen = 0;
  subscribe(
    'subscription($id: ID!) { runProgress(runId: $id) { status total finished failed cancelled percent tasksPerSecond etaSeconds } }',
    { id },
    ({ runProgress: p }) => {
      // The first state is read from the database (an average since planning); the live ones carry
      // the poller's recent rate.
      if (seen++ > 0) samples.push({ t: Date.now(), rate: p.tasksPerSecond });
      // The numbers at once; the grid and the rest with the next (throttled) read.
      $('#percent').textContent = pct(p.percent);
      $('#finished').textContent = `${p.finished}/${p.total}`;
      $('#failed').textContent = String(p.failed);
      $('#rate').textContent = p.tasksPerSecond.toFixed(1);
      $('#eta').textContent = duration(p.etaSeconds);
      $('#status').innerHTML = badge(p.status);
      $('#bar').innerHTML = bar(p, true);
      $('#spark').innerHTML = sparkline(samples);
      refresh();
    },
    signal,
  )
    .then(() => render())
    .catch(reportLive(signal));
}

async function control(mutation, id) {
  try {
    const result = Object.values(await gql(mutation, { id }))[0];
    if (result.message) notice(`${result.__typename}: ${result.message}`);
  } catch (error) {
    notice(error.message);
  }
}

function route() {
  live.abort();
  live = new AbortController();
  const match = /^#\/runs\/([0-9a-fA-F-]{36})/.exec(location.hash);
  (match ? showRun(match[1], live.signal) : showRuns(live.signal)).catch((error) => notice(error.message));
}
window.addEventListener('hashchange', route);
route();
