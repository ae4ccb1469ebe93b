/**
 * The door for `vault-lab`'s non-interactive commands (test, validate, new, quiz, clock and
 * the build's helpers). Each command loads only its own module when called, so `vault-lab
 * clock` stays small and none of them loads React.
 */
import type { RunOutput, TestOptions } from './runner.js';

type Out = { write(s: string): void };

/** `vault-lab test <lab|dir>`: every lab headlessly, ending with `N passed, N failed`. */
export async function runTests(target: string, out: RunOutput, opts: TestOptions = {}) {
  return (await import('./runner.js')).runTests(target, out, opts);
}

/** `vault-lab validate <lab|dir>`: load and lint only. */
export async function runValidate(target: string, out: RunOutput) {
  return (await import('./runner.js')).runValidate(target, out);
}

/** `vault-lab new <id>`: a lab file to start from. */
export async function runNew(args: string[], out: Out) {
  return (await import('./scaffold.js')).runNew(args, out);
}

/** `vault-lab quiz`: a lab's quiz in the terminal. */
export async function runQuiz(args: string[]) {
  return (await import('./quiz-cli.js')).runQuiz(args);
}

/** `vault-lab clock …` in the lab shell: moves the session's engine clock. */
export async function runClock(args: string[], out: Out) {
  return (await import('./clock-command.js')).runClock(args, out);
}

/** For the build: the shipped labs, parsed, keyed by the hash of each file's text. */
export async function labSeed(dir: string) {
  return (await import('../format/cache.js')).labSeed(dir);
}

/** For the build: `content/lab.schema.json`. */
export async function labJsonSchema() {
  return (await import('../format/jsonschema.js')).labJsonSchema();
}

/** For the build: `content/course.schema.json`. */
export async function courseJsonSchema() {
  return (await import('../format/course.js')).courseJsonSchema();
}

/** `vault-lab pack <dir>`: validate, test, and write the course as one file. */
export async function runPack(args: string[], out: Out, runCli?: TestOptions['runCli']) {
  const runner = await import('./runner.js');
  return (await import('./pack.js')).runPack(
    args,
    out,
    (dir) => runner.runTests(dir, out, { runCli }),
    (dir) => runner.runValidate(dir, out),
  );
}

/** `vault-lab results --export <file>`: the learner's results as JSON for a teacher. */
export async function runResults(args: string[], out: Out) {
  return (await import('./results.js')).runResults(args, out);
}

/** `vault-lab report <files…>`: a class's results as tables and an HTML page. */
export async function runReport(args: string[], out: Out) {
  return (await import('./report.js')).runReport(args, out);
}

/** `vault-lab test … --watch`: the tests again on every save. */
export async function watchTests(target: string, out: RunOutput, opts: TestOptions = {}) {
  const runner = await import('./runner.js');
  return (await import('./watch.js')).watchTests(target, out, () => runner.runTests(target, out, opts));
}
