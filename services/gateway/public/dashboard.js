// The Conveyor dashboard: plain modules, no build. Data from GraphQL, live updates from subscriptions
// over SSE (fetch streaming, so that the bearer token can be sent).
const view = document.getElementById('view');
const tokenInput = document.getElementById('token');
tokenInput.value = localStorage.getItem('conveyor.token') ?? '';
tokenInput.addEventListener('change', () => {
  localStorage.setItem('conveyor.token', tokenInput.value);
  route();
});

const headers = (extra = {}) => ({
  ...extra,
  ...(tokenInput.value ? { authorization: `Bearer ${tokenInput.value}` } : {}),
});
const esc = (s) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

async function gql(query, variables = {}) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: headers({ 'content-type': 'application/json' }),
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

/** Calls onData for each event of a subscription until it completes or `signal` aborts. */
async function subscribe(query, variables, onData, signal) {
  const response = await fetch('/graphql', {
    method: 'POST',
    signal,
    headers: headers({ 'content-type': 'application/json', accept: 'text/event-stream' }),
    body: JSON.stringify({ query, variables }),
  });
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
      if (/^event: next/m.test(block) && data) onData(JSON.parse(data).data);
    }
  }
}

let live = new AbortController();
const bar = (percent, failed) =>
  `<div class="bar${failed ? ' failed' : ''}"><span style="width:${percent.toFixed(1)}%"></span></div>`;

async function showRuns() {
  const render = async () => {
    const { runs } = await gql(
      'query { runs(first: 50) { nodes { id status percent requestedAt counts { failed total } request { topologySource } } } }',
    );
    view.innerHTML = `<div class="card"><h2>Runs</h2><table id="runs"><tr><th>Run</th><th>Status</th><th>Progress</th><th>Requested</th><th>Topology</th></tr>${runs.nodes
      .map(
        (
          r,
        ) => `<tr data-run="${esc(r.id)}"><td class="mono"><a href="#/runs/${esc(r.id)}">${esc(r.id.slice(0, 8))}</a></td><td><span class="status ${esc(r.status)}">${esc(r.status)}</span></td>
        <td>${bar(r.percent, r.counts.failed > 0)} <span class="muted">${r.percent.toFixed(0)}%</span></td><td class="muted">${esc(r.requestedAt ?? '')}</td><td class="mono">${esc(r.request.topologySource)}</td></tr>`,
      )
      .join(
        '',
      )}</table>${runs.nodes.length ? '' : '<p class="muted">No runs yet. Start one with <code>pnpm conveyor run start …</code>.</p>'}</div>`;
  };
  await render();
  let pending;
  subscribe(
    'subscription { runs { id } }',
    {},
    () => {
      pending ??= setTimeout(() => {
        pending = undefined;
        render().catch(showError);
      }, 300);
    },
    live.signal,
  ).catch(() => undefined);
}

async function showRun(id) {
  const query = `query($id: ID!) { run(id: $id) { id status reason percent durationMs taskCount request { topologySource from to chunk }
    counts { total queued started finished failed cancelled } resultsCsvUrl
    tasks(first: 500) { id selection startDate status attempt error } failed: tasks(status: [FAILED], first: 50) { id selection startDate error } } }`;
  const throughput = [];
  const render = async (progress) => {
    const { run } = await gql(query, { id });
    if (!run) {
      view.innerHTML = `<div class="card">No run ${esc(id)}</div>`;
      return;
    }
    const p = progress ?? { percent: run.percent, etaSeconds: null, tasksPerSecond: 0 };
    view.innerHTML = `<div class="card"><h2>Run <span class="mono">${esc(run.id)}</span> <span class="status ${esc(run.status)}">${esc(run.status)}</span></h2>
      <p class="muted">${esc(run.request.topologySource)} · ${esc(run.request.from)} → ${esc(run.request.to)} · chunk ${esc(run.request.chunk)}</p>
      ${run.reason ? `<p class="error">${esc(run.reason)}</p>` : ''}
      ${bar(p.percent, run.counts.failed > 0)}
      <div class="stats" style="margin-top:12px">
        <div><b id="percent">${p.percent.toFixed(1)}%</b>done</div><div><b>${run.counts.finished}/${run.counts.total}</b>finished</div>
        <div><b>${run.counts.failed}</b>failed</div><div><b>${p.tasksPerSecond.toFixed(1)}</b>tasks/s</div>
        <div><b>${p.etaSeconds == null ? '—' : `${Math.ceil(p.etaSeconds)} s`}</b>ETA</div>
        <div><b>${run.durationMs == null ? '—' : `${(run.durationMs / 1000).toFixed(1)} s`}</b>duration</div>
      </div>
      <p><button id="cancel">Cancel</button> <button id="retry">Retry failed tasks</button> <a href="${esc(run.resultsCsvUrl)}">Results CSV</a></p></div>
      <div class="card"><h3>Throughput (tasks/s)</h3>${sparkline(throughput)}</div>
      <div class="card"><h3>Tasks</h3><div class="grid">${run.tasks.map((t) => `<i class="${esc(t.status)}" title="${esc(t.selection)} ${esc(t.startDate)}: ${esc(t.status)} (attempt ${t.attempt})"></i>`).join('')}</div></div>
      ${run.failed.length ? `<div class="card"><h3>Failures</h3><table><tr><th>Task</th><th>Selection</th><th>Start</th><th>Error</th></tr>${run.failed.map((t) => `<tr><td class="mono">${esc(t.id.slice(0, 8))}</td><td>${esc(t.selection)}</td><td>${esc(t.startDate)}</td><td class="error">${esc(t.error)}</td></tr>`).join('')}</table></div>` : ''}`;
    document.getElementById('cancel').onclick = () =>
      control('mutation($id: ID!) { cancelRun(id: $id) { __typename ... on UserError { message } } }', id);
    document.getElementById('retry').onclick = () =>
      control(
        'mutation($id: ID!) { retryFailedTasks(runId: $id) { __typename ... on UserError { message } } }',
        id,
      );
  };
  await render();
  subscribe(
    'subscription($id: ID!) { runProgress(runId: $id) { status percent tasksPerSecond etaSeconds } }',
    { id },
    (data) => {
      throughput.push(data.runProgress.tasksPerSecond);
      render(data.runProgress).catch(showError);
    },
    live.signal,
  ).catch(() => undefined);
}

async function control(mutation, id) {
  try {
    const data = await gql(mutation, { id });
    const result = Object.values(data)[0];
    if (result.message) alert(`${result.__typename}: ${result.message}`);
  } catch (error) {
    alert(error.message);
  }
}

function sparkline(values) {
  if (values.length < 2) return '<p class="muted">Waiting for progress…</p>';
  const max = Math.max(...values, 1);
  const points = values.map((v, i) => `${(i / (values.length - 1)) * 600},${60 - (v / max) * 56}`).join(' ');
  return `<svg viewBox="0 0 600 60" width="100%" height="60"><polyline fill="none" stroke="#2563eb" stroke-width="2" points="${points}"/></svg><span class="muted">max ${max.toFixed(1)} tasks/s</span>`;
}

function showError(error) {
  view.insertAdjacentHTML('afterbegin', `<div class="card error">${esc(error.message)}</div>`);
}

function route() {
  live.abort();
  live = new AbortController();
  const match = /^#\/runs\/([0-9a-f-]{36})/.exec(location.hash);
  (match ? showRun(match[1]) : showRuns()).catch(showError);
}
window.addEventListener('hashchange', route);
route();
