// Prefixed, coloured log lines for the processes of a local stack.
const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92];

export function createLinePrinter(out: NodeJS.WritableStream & { isTTY?: boolean }) {
  const colourOf = new Map<string, number>();
  const width = 12;
  return (name: string, line: string) => {
    let colour = colourOf.get(name);
    if (colour === undefined) {
      colour = COLOURS[colourOf.size % COLOURS.length] ?? 36;
      colourOf.set(name, colour);
    }
    const label = name.padEnd(width);
    out.write(out.isTTY ? `\u001b[${colour}m${label}|\u001b[0m ${line}\n` : `${label}| ${line}\n`);
  };
}
