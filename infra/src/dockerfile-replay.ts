// Runs a Dockerfile's stages on this machine, without Docker: each stage gets its own folder standing for
// its file system, COPY copies (honouring .dockerignore), RUN runs the same shell command in the stage's
// WORKDIR with the stage's ARG/ENV values. The host's Node.js stands in for the base image, and the RUN
// that installs the toolchain into the base image is left to the host (`hostProvides`).
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';
import {
  argDeclaration,
  envAssignments,
  execForm,
  expandVariables,
  parseDockerfile,
  type Instruction,
} from './dockerfile.js';
import { parseDockerIgnore, type DockerIgnore } from './dockerignore.js';

const execFileAsync = promisify(execFile);

export type ReplayOptions = {
  dockerfile: string;
  /** The build context (the folder `docker build` is given). */
  context: string;
  buildArgs: Record<string, string>;
  /** Empty folder that receives one sub-folder per stage. */
  outDir: string;
  /** Environment of every RUN besides the stage's ARG/ENV values (PATH, HOME, package manager settings). */
  runEnv: NodeJS.ProcessEnv;
  /** RUN commands the host stands in for (e.g. the base image's `npm install --global …`): skipped. */
  hostProvides: (command: string) => boolean;
  /** Shared folder for `RUN --mount=type=cache` targets inside a stage, kept across replays like Docker's. */
  cacheDir: string;
  /** Receives each RUN's output. */
  onOutput?: (line: string) => void;
};

export type ReplayedStage = {
  name: string;
  /** The folder standing for the stage's `/`. */
  root: string;
  /** Absolute path inside the stage. */
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  cmd: string[] | undefined;
  healthcheck: { options: Record<string, string>; command: string[] } | undefined;
  /** RUN commands that were left to the host. */
  skipped: string[];
};

export async function replayDockerfile(options: ReplayOptions): Promise<Map<string, ReplayedStage>> {
  const dockerfile = parseDockerfile(await readFile(options.dockerfile, 'utf8'));
  const ignore = parseDockerIgnore(
    await readFile(join(options.context, '.dockerignore'), 'utf8').catch(() => ''),
  );
  const globals: Record<string, string | undefined> = {};
  for (const instruction of dockerfile.globalArgs) {
    const { name, value } = argDeclaration(instruction);
    globals[name] =
      options.buildArgs[name] ?? (value === undefined ? undefined : expandVariables(value, globals));
  }
  const stages = new Map<string, ReplayedStage>();
  for (const { name, from, instructions } of dockerfile.stages) {
    const parent = stages.get(expandVariables(from, globals));
    const stage: ReplayedStage = {
      name,
      root: join(options.outDir, name),
      workdir: parent?.workdir ?? '/',
      env: { ...parent?.env },
      user: parent?.user,
      cmd: parent?.cmd,
      healthcheck: parent?.healthcheck,
      skipped: [],
    };
    await mkdir(stage.root, { recursive: true });
    if (parent) await copyTree(`${parent.root}/.`, stage.root);
    const args: Record<string, string | undefined> = {};
    for (const instruction of instructions) {
      const variables = { ...args, ...stage.env };
      const started = Date.now();
      await apply(instruction, { stage, stages, args, variables, globals, ignore, options });
      const flags = Object.entries(instruction.flags).map(([flag, value]) => `--${flag}=${value} `);
      options.onOutput?.(
        `[${name}] ${instruction.keyword} ${flags.join('')}${instruction.args} (${Date.now() - started} ms)`,
      );
    }
    stages.set(name, stage);
  }
  return stages;
}

type Step = {
  stage: ReplayedStage;
  stages: Map<string, ReplayedStage>;
  args: Record<string, string | undefined>;
  variables: Record<string, string | undefined>;
  globals: Record<string, string | undefined>;
  ignore: DockerIgnore;
  options: ReplayOptions;
};

/** A path inside a stage, on this machine. */
const inStage = (stage: ReplayedStage, path: string) => join(stage.root, posix.resolve(stage.workdir, path));

async function apply(instruction: Instruction, step: Step): Promise<void> {
  const { stage, variables } = step;
  const expanded = () => expandVariables(instruction.args, variables);
  switch (instruction.keyword) {
    case 'ARG': {
      const { name, value } = argDeclaration(instruction);
      step.args[name] =
        step.options.buildArgs[name] ??
        step.globals[name] ??
        (value === undefined ? undefined : expandVariables(value, variables));
      return;
    }
    case 'ENV':
      for (const [key, value] of envAssignments(expanded())) stage.env[key] = value;
      return;
    case 'WORKDIR':
      stage.workdir = posix.resolve(stage.workdir, expanded());
      await mkdir(inStage(stage, '.'), { recursive: true });
      return;
    case 'COPY':
      return copy(instruction, step);
    case 'RUN':
      return run(instruction, step);
    case 'USER':
      stage.user = expanded();
      return;
    case 'CMD':
      stage.cmd = execForm(instruction.args);
      return;
    case 'HEALTHCHECK': {
      const [kind = '', ...rest] = instruction.args.split(' ');
      stage.healthcheck =
        kind.toUpperCase() === 'NONE'
          ? undefined
          : { options: instruction.flags, command: execForm(rest.join(' ')) };
      return;
    }
    case 'EXPOSE':
    case 'LABEL':
      return;
    default:
      throw new Error(`line ${instruction.line}: the replay does not handle ${instruction.keyword}`);
  }
}

async function copy(instruction: Instruction, step: Step): Promise<void> {
  const { stage, stages, options, ignore } = step;
  const words = expandVariables(instruction.args, step.variables).split(/\s+/);
  const destination = words.pop() ?? '';
  const fromName = instruction.flags.from;
  const source = fromName === undefined ? undefined : stages.get(fromName);
  if (fromName !== undefined && !source) throw new Error(`line ${instruction.line}: no stage ${fromName}`);
  for (const word of words) {
    const from = source ? join(source.root, word) : join(options.context, word);
    const contextPath = relative(options.context, from);
    if (!source && contextPath !== '' && ignore.excludes(contextPath))
      throw new Error(`line ${instruction.line}: ${word} is excluded by .dockerignore`);
    const info = await stat(from).catch(() => undefined);
    if (!info) throw new Error(`line ${instruction.line}: ${word} not found`);
    let to = inStage(stage, destination);
    if (!info.isDirectory() && (destination.endsWith('/') || (await isDirectory(to))))
      to = join(to, basename(from));
    await mkdir(info.isDirectory() ? to : dirname(to), { recursive: true });
    if (source) await copyTree(info.isDirectory() ? `${from}/.` : from, to);
    else
      await cp(from, to, {
        recursive: true,
        verbatimSymlinks: true,
        force: true,
        filter: (path) => !ignore.excludes(relative(options.context, path)),
      });
  }
}

/** `cp -a`: symlinks (pnpm's node_modules) stay as they are; much faster than fs.cp on many files. */
async function copyTree(from: string, to: string): Promise<void> {
  await execFileAsync('cp', ['-a', from, to]);
}

async function run(instruction: Instruction, step: Step): Promise<void> {
  const { stage, options } = step;
  const command = instruction.args;
  if (options.hostProvides(command)) {
    stage.skipped.push(command);
    return;
  }
  // Cache mounts inside the stage's tree point at a folder shared between replays, then go away:
  // like Docker's, they are not part of the stage's result.
  const cacheLinks: string[] = [];
  for (const mount of instruction.mounts) {
    const fields = Object.fromEntries(mount.split(',').map((field) => field.split('=') as [string, string]));
    if (fields.type !== 'cache' || !fields.target) continue;
    const target = inStage(stage, fields.target);
    const shared = join(options.cacheDir, fields.id ?? fields.target.replaceAll('/', '_'));
    await mkdir(shared, { recursive: true });
    await mkdir(dirname(target), { recursive: true });
    await rm(target, { recursive: true, force: true });
    await symlink(shared, target);
    cacheLinks.push(target);
  }
  const env = { ...options.runEnv, ...definedOnly(step.args), ...stage.env };
  try {
    await runShell(command, inStage(stage, '.'), env, options.onOutput);
  } catch (error) {
    throw new Error(`line ${instruction.line}: RUN ${command} failed`, { cause: error });
  } finally {
    for (const link of cacheLinks) await rm(link, { force: true });
  }
}

function runShell(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  onOutput?: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        onOutput?.(line);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`exit code ${code}:\n${tail.join('\n')}`));
    });
  });
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** Maps an absolute path inside a replayed stage to this machine. */
export function stagePath(stage: ReplayedStage, path: string): string {
  return isAbsolute(path) ? join(stage.root, path) : join(stage.root, stage.workdir, path);
}
