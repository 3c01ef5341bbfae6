import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every place the code sends a reader (an error, a synth warning, a reason in an alert, a doc
 * comment) names a document and a section that exist: `README, "Regions"` is a heading of README.md
 * that starts with "Regions"; `docs/WINDOWS.md` is a file. A moved section fails here, not in a
 * user's terminal.
 */

const root = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const sources = ['src', 'lambda', 'cli'].flatMap(sourceFiles).map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
const headings = (doc: string) => readFileSync(join(root, doc), 'utf8').split('\n').filter((l) => /^#{1,4} /.test(l)).map((l) => l.replace(/^#+ /, ''));

test('each section the code cites exists, in the document it names', () => {
  const cited = sources.flatMap(({ file, text }) =>
    [...text.matchAll(/\b(README|docs\/[A-Z]+\.md), \\?"([^"\\]+)\\?"/g)].map((m) => ({ file, doc: m[1] === 'README' ? 'README.md' : m[1], section: m[2] })));
  expect(cited.length).toBeGreaterThan(10);
  const missing = cited.filter((c) => !headings(c.doc).some((h) => h.startsWith(c.section.replace(/\\'/g, "'"))));
  expect(missing).toEqual([]);
});

test('each document the code cites exists, and no citation names a section without quotes', () => {
  const docs = sources.flatMap(({ file, text }) => [...text.matchAll(/\bdocs\/([A-Za-z]+)\.md\b/g)].map((m) => ({ file, doc: m[1] })));
  expect(docs.filter((d) => !readdirSync(join(root, 'docs')).includes(`${d.doc}.md`))).toEqual([]);
  expect(sources.flatMap(({ file, text }) => [...text.matchAll(/\(README, [A-Z][a-z]+[^")]*\)/g)].map((m) => `${file}: ${m[0]}`))).toEqual([]);
});
