import { recordHeartbeats, type Database } from '@conveyor/db';
import type { ConveyorEvent, ConveyorNotification } from '@conveyor/messages';

/** Records a running task's heartbeat: a task that keeps beating is not stalled, however long it runs. */
export async function handleHeartbeat(
  message: ConveyorEvent | ConveyorNotification,
  deps: { db: Database },
): Promise<void> {
  if (message.type !== 'task.heartbeat') return;
  await recordHeartbeats(deps.db, [{ taskId: message.taskId, at: message.occurredAt }]);
}
