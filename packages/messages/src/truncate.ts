/** Reasons longer than this many characters are cut (DESIGN §2.1: a text column holds 64 KiB). */
export const MAX_REASON_CHARS = 8 * 1024;

/**
 * `text` cut to at most `max` characters, saying how much was left out: "… (N characters cut)".
 * Every producer of a reason or error message passes it through here.
 */
export function truncateText(text: string, max: number = MAX_REASON_CHARS): string {
  if (text.length <= max) return text;
  const note = (cut: number) => `… (${cut} characters cut)`;
  // Room for the longest note; a cut in the middle of a surrogate pair would leave half a character.
  let kept = text.slice(0, Math.max(0, max - note(text.length).length));
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return kept + note(text.length - kept.length);
}

/**
 * A reason made of a heading and a list of problems, one per line, as many as fit in `max`
 * characters; the rest are counted: "(N more problems)".
 */
export function listProblems(heading: string, problems: string[], max: number = MAX_REASON_CHARS): string {
  const budget = max - 40; // room for the count line
  let text = truncateText(heading, budget);
  let shown = 0;
  for (const problem of problems) {
    const line = `\n${problem}`;
    if (text.length + line.length > budget) break;
    text += line;
    shown++;
  }
  const more = problems.length - shown;
  return more > 0 ? `${text}\n(${more} more problem${more === 1 ? '' : 's'})` : text;
}
