// Every `conveyor` command. A command is `{ summary, run(args) => exit code }` in its own file.
export type Command = { summary: string; run: (args: string[]) => Promise<number> };

export const commands: Record<string, Command> = {};
