/** Something the user should know went wrong (a refused mutation, a stopped live update). */
export function Notice({ message }: { message: string | null }) {
  return message ? <div class="notice">{message}</div> : null;
}
