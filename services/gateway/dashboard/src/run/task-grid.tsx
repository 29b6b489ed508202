// One square per task, coloured by status (a selection × window heatmap replaces it with issue 17).
import type { TaskData } from './queries';

const STATUSES = ['QUEUED', 'STARTED', 'FINISHED', 'FAILED', 'CANCELLED'] as const;

export function TaskGrid({ tasks, total }: { tasks: TaskData[]; total: number }) {
  return (
    <>
      <div class="grid">
        {tasks.map((task) => (
          <i
            key={task.id}
            class={task.status}
            title={`${task.selection ?? '?'} · ${task.startDate ?? '?'} · ${task.status} (attempt ${task.attempt})`}
          />
        ))}
      </div>
      <div class="legend">
        {STATUSES.map((status) => (
          <span key={status}>
            <i class={status} />
            {status.toLowerCase()}
          </span>
        ))}
      </div>
      {total > tasks.length && (
        <p class="muted">
          The first {tasks.length} of {total} tasks.
        </p>
      )}
    </>
  );
}
