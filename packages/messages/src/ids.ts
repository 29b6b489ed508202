import { v5 as uuidv5 } from 'uuid';

/** The uuid v5 namespace of every deterministic Conveyor id. */
export const CONVEYOR_ID_NAMESPACE = '6f1f4c2e-3b8a-5d7e-9c41-0a2b3c4d5e6f';

/**
 * A task's id is a function of what it computes (DESIGN §2.1), so a replanned or redelivered plan
 * produces the same ids and is deduplicated, not duplicated.
 */
export function taskIdFor(runId: string, selection: string, startDate: string): string {
  return uuidv5(`task:${runId}:${selection}:${startDate}`, CONVEYOR_ID_NAMESPACE);
}

/**
 * The id of an event that must exist once however often it is produced (a plan, a completion):
 * a second publication carries the same id and the event store keeps the first.
 */
export function eventIdFor(...parts: (string | number)[]): string {
  return uuidv5(`event:${parts.join(':')}`, CONVEYOR_ID_NAMESPACE);
}
