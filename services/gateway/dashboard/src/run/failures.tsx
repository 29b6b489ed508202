import type { FailureData } from './queries';

export function Failures({ failures }: { failures: FailureData[] }) {
  if (failures.length === 0) return null;
  return (
    <div class="card">
      <h3>Failures</h3>
      <table>
        <thead>
          <tr>
            <th>Task</th>
            <th>Selection</th>
            <th>Window</th>
            <th class="num">Attempt</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {failures.map((task) => (
            <tr key={task.id}>
              <td class="mono">{task.id.slice(0, 8)}</td>
              <td>{task.selection}</td>
              <td class="muted">
                {task.startDate} → {task.endDate}
              </td>
              <td class="num">{task.attempt}</td>
              <td class="error">{task.error}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
