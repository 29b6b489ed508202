// A Dockerfile read into its stages and instructions: what the tests check and what `replayDockerfile` runs.

export type Instruction = {
  keyword: string;
  /** `--name=value` options before the arguments (COPY --from, RUN --mount, HEALTHCHECK --interval, …). */
  flags: Record<string, string>;
  /** Several `--mount=` options of one RUN. */
  mounts: string[];
  /** The rest of the instruction, continuation lines joined. */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
};

export type Stage = { name: string; from: string; instructions: Instruction[] };

export type Dockerfile = { globalArgs: Instruction[]; stages: Stage[] };

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) return;
    if (pending === '') startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      return;
    }
    pending += line;
    instructions.push(toInstruction(pending.trim(), startLine));
    pending = '';
  });
  if (pending !== '') instructions.push(toInstruction(pending.trim(), startLine));
  return instructions;
}

function toInstruction(text: string, line: number): Instruction {
  const [keyword = '', ...restWords] = text.split(/\s+/);
  let rest = restWords.join(' ');
  const flags: Record<string, string> = {};
  const mounts: string[] = [];
  for (;;) {
    const match = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest);
    if (!match) break;
    const [whole, name = '', value = 'true'] = match;
    if (name === 'mount') mounts.push(value);
    else flags[name] = value;
    rest = rest.slice(whole.length);
  }
  return { keyword: keyword.toUpperCase(), flags, mounts, args: rest, line };
}

/** The instructions grouped by stage; ARGs before the first FROM are global (usable in FROM lines). */
export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match) throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      const [, from = '', name = String(stages.length)] = match;
      stages.push({ name, from, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage) stage.instructions.push(instruction);
    else if (instruction.keyword === 'ARG') globalArgs.push(instruction);
    else throw new Error(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
  }
  return { globalArgs, stages };
}

/** `NAME=default` or `NAME` of an ARG instruction. */
export function argDeclaration(instruction: Instruction): { name: string; value: string | undefined } {
  const [name = '', ...value] = instruction.args.split('=');
  return { name: name.trim(), value: value.length ? value.join('=').trim() : undefined };
}

/** Expands `$NAME`, `${NAME}` and `${NAME:-default}` as Docker does in FROM, ARG, ENV, COPY and WORKDIR. */
export function expandVariables(text: string, variables: Record<string, string | undefined>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const value = variables[braced ?? bare ?? ''];
      if (value !== undefined && value !== '') return value;
      return fallback ?? '';
    },
  );
}

/** The JSON (exec) form of CMD, ENTRYPOINT or HEALTHCHECK CMD; the shell form becomes `sh -c`. */
export function execForm(args: string): string[] {
  const text = args.trim();
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string'))
      throw new Error(`not a list of strings: ${text}`);
    return parsed;
  }
  return ['/bin/sh', '-c', text];
}

/** `KEY=value KEY2="value 2"` (or the old `KEY value`) of an ENV instruction. */
export function envAssignments(args: string): [string, string][] {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [key = '', ...value] = args.split(/\s+/);
    return [[key, value.join(' ')]];
  }
  const pairs: [string, string][] = [];
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const [, key = '', raw = ''] = match;
    pairs.push([key, raw.startsWith('"') ? (JSON.parse(raw) as string) : raw]);
  }
  return pairs;
}
