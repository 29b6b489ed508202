// The task behind a heatmap cell: attempts, worker, duration, error, its overloaded cables, the summary.
import { useState } from 'preact/hooks';
import { durationText, percentText } from '../format';
import { useAbortableEffect, useApi } from '../live';
import { TaskQuery, type TaskDetailsData } from './queries';

export function TaskPanel({ taskId, onClose }: { taskId: string; onClose: () => void }) {
  const api = useApi();
  const [task, setTask] = useState<TaskDetailsData | null | 'missing'>(null);
  const [error, setError] = useState<string | null>(null);
  useAbortableEffect(
    async (signal) => {
      setTask(null);
      const { task: found } = await api.query(TaskQuery, { id: taskId }, signal);
      setTask(found ?? 'missing');
    },
    [api, taskId],
    (failure) => setError(failure.message),
  );
  if (error) return <div class="card task-panel notice">{error}</div>;
  if (task === null) return <div class="card task-panel muted">Loading the task…</div>;
  if (task === 'missing') return <div class="card task-panel">No task {taskId}.</div>;
  const summary = task.summary ? (JSON.parse(task.summary) as Record<string, unknown>) : null;
  return (
    <div class="card task-panel" id="task-panel" data-task={task.id}>
      <h3>
        Task {task.selection} · {task.startDate} → {task.endDate}{' '}
        <button type="button" class="close" onClick={onClose}>
          Close
        </button>
      </h3>
      <div class="stats">
        <div>
          <b>
            <span class={`status ${task.status}`}>{task.status}</span>
          </b>
          status
        </div>
        <div>
          <b id="task-attempt">{task.attempt}</b>attempts
        </div>
        <div>
          <b class="mono" id="task-worker">
            {task.workerId ?? '—'}
          </b>
          worker
        </div>
        <div>
          <b>{task.durationMs === null ? '—' : durationText(task.durationMs / 1000)}</b>duration
        </div>
        <div>
          <b>{task.calculationVersion ?? '—'}</b>calculation version
        </div>
      </div>
      {task.error && <p class="error mono">{task.error}</p>}
      {task.overloadedCables.length > 0 && (
        <table id="task-overloads">
          <thead>
            <tr>
              <th>Overloaded cable</th>
              <th>Capacity kW</th>
              <th>Peak kW</th>
              <th>Peak at</th>
              <th>Utilization</th>
              <th>Intervals over</th>
            </tr>
          </thead>
          <tbody>
            {task.overloadedCables.map((cable) => (
              <tr key={cable.cableId}>
                <td class="mono">{cable.cableId}</td>
                <td>{cable.capacityKw.toFixed(1)}</td>
                <td>{cable.peakKw.toFixed(1)}</td>
                <td class="mono">{cable.peakAt}</td>
                <td>{percentText(cable.utilization * 100)}</td>
                <td>{cable.overloadedIntervals}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {summary && (
        <p class="mono muted" id="task-summary">
          {Object.entries(summary)
            .map(([key, value]) => `${key}: ${typeof value === 'number' ? +value.toFixed(3) : String(value)}`)
            .join(' · ')}
        </p>
      )}
    </div>
  );
}
