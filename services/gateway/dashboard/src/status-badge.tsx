/** A run's or a task's status as a coloured pill (`.status.RUNNING`, …). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`status ${status}`}>{status}</span>;
}
