// The JSON schemas of kubernetes-models accept fields they do not know, and so would a lenient API
// server (dropping them silently): a misspelt `terminationGracePeriodSecond` would go unnoticed. Each
// manifest is therefore written out as a TypeScript object literal of its kind's interface and
// type-checked: excess property checks reject unknown fields at every depth, with their path.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Located } from './manifests.js';
import { kindKey, kinds } from './validate-manifest.js';

/** Inside the infra package, so that its node_modules resolve the model packages. */
const virtualFile = join(dirname(fileURLToPath(import.meta.url)), '__manifest-fields__.ts');

/** Problems found, each naming the document; empty when every typed document is clean. */
export function findUnknownFields(documents: Located[]): string[] {
  const imports = new Map<string, string>();
  const ranges: { start: number; end: number; source: string }[] = [];
  let body = '';
  documents.forEach(({ source, manifest }, index) => {
    const typedBy = kinds[kindKey(manifest)]?.typedBy;
    if (!typedBy) return;
    imports.set(typedBy.module, typedBy.type);
    const statement = `export const document${index}: ${typedBy.type} = ${JSON.stringify(manifest, null, 2)};\n`;
    ranges.push({ start: body.length, end: body.length + statement.length, source });
    body += statement;
  });
  const header = [...imports].map(([module, type]) => `import type { ${type} } from '${module}';\n`).join('');
  const text = header + body;

  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === virtualFile
      ? ts.createSourceFile(fileName, text, languageVersion, true)
      : getSourceFile(fileName, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === virtualFile || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => (fileName === virtualFile ? text : readFile(fileName));

  const program = ts.createProgram([virtualFile], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return diagnostics.map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file?.fileName !== virtualFile || diagnostic.start === undefined) return message;
    const at = diagnostic.start - header.length;
    const where = ranges.find((range) => at >= range.start && at < range.end);
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
    const snippet = text.split('\n')[line]?.trim() ?? '';
    return `${where?.source ?? 'manifests'}: ${message} (at ${snippet})`;
  });
}
