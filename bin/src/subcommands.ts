/**
 * The table of `vault-lab` subcommands (see usage.ts for what an entry gives for free).
 * Each `run` loads its own module only when called, so `vault-lab clock` stays small and
 * none of the non-interactive commands loads React.
 */
import type { Parsed, Subcommand } from './usage.js';

const out = {
  write: (s: string) => {
    process.stdout.write(s);
  },
};

/** The options back as `--name=value` words, then the arguments: what the tools' own readers take. */
function normalized(p: Parsed, dash = '--'): string[] {
  return [
    ...Object.entries(p.opts).map(([k, v]) => (v === true ? `${dash}${k}` : `${dash}${k}=${v}`)),
    ...(p.args.length && p.args[0].startsWith('-') ? ['--'] : []),
    ...p.args,
  ];
}

const wholeNumber = (v: string) =>
  /^\d+$/.test(v) && Number(v) >= 1 ? undefined : `wants a whole number of at least 1, not "${v}"`;

/** The bare `vault-lab [options]`: the course. */
export const COURSE: Subcommand = {
  name: '',
  synopsis: 'open the course in your terminal',
  description: 'Opens the course: pick a lab, read the lesson, type in the embedded shell.',
  options: [
    {
      name: 'labs',
      value: '<dir>',
      complete: 'dir',
      help: 'take the labs from your own folder instead of the shipped course',
    },
    {
      name: 'course',
      value: '<file|dir|package>',
      complete: 'file',
      help: 'open a course you were given: a packed file, a folder, or an installed npm package',
    },
    { name: 'no-shell', help: 'no embedded shell: print the environment to use in your own terminal' },
    { name: 'plain', help: 'no full-screen UI: print state changes as lines (screen readers)' },
  ],
  async run(p) {
    const { runCourse } = await import('../../tui/main.js');
    return runCourse(normalized(p));
  },
};

export const SUBCOMMANDS: Subcommand[] = [
  {
    name: 'server',
    synopsis: 'run the engine alone, like `vault server -dev`',
    description: `Runs the engine alone, like \`vault server\`. With -dev it is in memory and unsealed,
secret/ is KV v2, and the root token is printed. With -config=<file.hcl> it keeps its data
(file storage) and starts sealed: \`vault operator init\`, then \`vault operator unseal\`.
It listens on 127.0.0.1 only.`,
    dash: '-',
    options: [
      { name: 'dev', help: 'in-memory, unsealed, secret/ is KV v2' },
      { name: 'config', value: '<file.hcl>', complete: 'file', help: 'a server that keeps its data (file storage)' },
      {
        name: 'dev-root-token-id',
        value: '<id>',
        complete: 'none',
        help: 'root token id (default: random; env VAULT_DEV_ROOT_TOKEN_ID)',
      },
      {
        name: 'dev-listen-address',
        value: '<host:port>',
        complete: 'none',
        help: 'loopback address (default 127.0.0.1:8200; env VAULT_DEV_LISTEN_ADDRESS)',
      },
      { name: 'dev-kv-v1', help: 'mount secret/ as KV version 1' },
      { name: 'dev-no-store-token', help: 'accepted for compatibility with `vault server -dev`' },
      {
        name: 'log-level',
        value: '<level>',
        complete: ['trace', 'debug', 'info', 'warn', 'error'],
        help: 'accepted for compatibility with `vault server`',
      },
    ],
    footer: 'Example:\n  vault-lab server -dev -dev-root-token-id=root',
    async run(p) {
      const { runServer } = await import('./server.js');
      return runServer(normalized(p, '-'));
    },
  },
  {
    name: 'test',
    synopsis: 'run labs headlessly: every step must fail before its solution and pass after it',
    description: `Runs labs without a screen. Every step must fail before its solution and pass after
it; every alternative is walked too, every anti-solution must fail with its diagnostic, and a
retrying learner must not reach a dead end. Ends with "N passed, N failed" and per-lab times;
exits 1 when anything failed.`,
    args: { name: '<lab.yaml|dir>', min: 1, max: 1, complete: 'lab' },
    options: [
      { name: 'junit', value: '<file>', complete: 'file', help: 'also write the results as JUnit XML' },
      { name: 'isolate', help: 'each step in a fresh engine (earlier solutions replayed first)' },
      {
        name: 'jobs',
        value: '<N>',
        complete: 'none',
        check: wholeNumber,
        help: 'walks at once (default: twice the cores)',
      },
      { name: 'real-cli', help: 'start the vault binary per command instead of the in-process CLI' },
      { name: 'watch', help: 'run the tests again on every save of the lab files' },
    ],
    async run(p) {
      const { runTests, watchTests } = await import('../../labs/tools/index.js');
      // The lab shells' `vault` runs in this process (the same runCli as the binary) unless --real-cli.
      const runCli = p.opts['real-cli'] ? undefined : (await import('../../cli/index.js')).runCli;
      const jobs = typeof p.opts.jobs === 'string' ? Number(p.opts.jobs) : undefined;
      const junit = typeof p.opts.junit === 'string' ? p.opts.junit : undefined;
      const opts = { junit, isolate: !!p.opts.isolate, jobs, runCli, progress: process.stderr };
      if (p.opts.watch) return watchTests(p.args[0], out, opts);
      return runTests(p.args[0], out, opts);
    },
  },
  {
    name: 'validate',
    synopsis: 'check lab files without running them: the format plus a lint of each step',
    description: `Checks lab files without running them: the format (problems as file:line:column with
a hint) and a lint of each step — alternatives, anti-solutions, hints and checks.
Exits 1 when a file is invalid.`,
    args: { name: '<lab.yaml|dir>', min: 1, max: 1, complete: 'lab' },
    async run(p) {
      const { runValidate } = await import('../../labs/tools/index.js');
      return runValidate(p.args[0], out);
    },
  },
  {
    name: 'web',
    synopsis: 'open the course in your browser, with a real terminal',
    description: `Serves the course to your browser on 127.0.0.1: the map with your progress, each lab's
lesson, its checks updating live, hints, solutions, the activity feed, the quiz, and the lab's
shell in a real terminal (xterm.js). Prints a link that carries a one-time access token; only
a browser that opened that link can reach the shell. Ctrl-C stops the server.`,
    options: [
      { name: 'port', value: '<N>', complete: 'none', help: 'listen on this port (default: a free one)' },
      { name: 'labs', value: '<dir>', complete: 'dir', help: 'take the labs from your own folder' },
      { name: 'no-open', help: 'print the link only; do not open a browser' },
    ],
    footer: 'Example:\n  vault-lab web --no-open --port 8765',
    async run(p) {
      const { runWeb } = await import('../../web/main.js');
      return runWeb(normalized(p));
    },
  },
  {
    name: 'new',
    synopsis: 'scaffold a lab that validates and tests green',
    description: `Writes <id>.yaml: a small lab that validates and tests green, with hints, solutions,
alternatives, anti-solutions, checks and a quiz — the start of your own. Its $schema points at
the schema file shipped with vault-lab, so an editor with the YAML language server checks it.`,
    args: {
      name: '<id>',
      min: 1,
      max: 1,
      complete: 'none',
      check: ([id]) =>
        /^[a-z0-9][a-z0-9-]*$/.test(id)
          ? undefined
          : `"${id}" is not a lab id: use lower-case letters, digits and dashes, e.g. "my-first-lab"`,
    },
    options: [{ name: 'dir', value: '<dir>', complete: 'dir', help: 'the folder to write into (default: here)' }],
    async run(p) {
      const { runNew } = await import('../../labs/tools/index.js');
      return runNew(normalized(p), out);
    },
  },
  {
    name: 'quiz',
    synopsis: "self-assessment over every lab's quiz, scored per topic",
    description: `A self-assessment in the terminal drawing on every lab's quiz, scored per topic,
ending with the labs worth revisiting. Answers are kept in your progress.`,
    options: [
      { name: 'labs', value: '<dir>', complete: 'dir', help: 'take the labs from this folder' },
      { name: 'topic', value: '<topic>', complete: 'none', help: 'only the questions of one topic' },
      { name: 'lang', value: '<code>', complete: 'none', help: 'the language of the questions (default: $LANG)' },
    ],
    async run(p) {
      const { runQuiz } = await import('../../labs/tools/index.js');
      return runQuiz(normalized(p));
    },
  },
  {
    name: 'clock',
    synopsis: 'inside a lab shell: show or move the engine clock',
    description: `Inside a lab shell: shows the engine's time, or moves it forward so TTLs and leases
run out without waiting (e.g. \`vault-lab clock advance 1h\`).`,
    args: {
      name: '[now | advance <duration>]',
      min: 0,
      max: 2,
      complete: ['now', 'advance'],
      check: (a) =>
        a.length === 0 || (a.length === 1 && a[0] === 'now') || (a.length === 2 && a[0] === 'advance')
          ? undefined
          : `expected "now" or "advance <duration>", not "${a.join(' ')}"`,
    },
    async run(p) {
      const { runClock } = await import('../../labs/tools/index.js');
      return runClock(p.args, out);
    },
  },
  {
    name: 'completion',
    synopsis: 'print a shell completion script (bash, zsh or fish)',
    description: `Prints a completion script for vault-lab's subcommands, options and lab files.`,
    args: {
      name: '<bash|zsh|fish>',
      min: 1,
      max: 1,
      complete: ['bash', 'zsh', 'fish'],
      check: ([s]) => (['bash', 'zsh', 'fish'].includes(s) ? undefined : `no completion for "${s}": bash, zsh or fish`),
    },
    footer: `Load it:
  bash:  source <(vault-lab completion bash)        (or add that line to ~/.bashrc)
  zsh:   source <(vault-lab completion zsh)         (or add that line to ~/.zshrc)
  fish:  vault-lab completion fish > ~/.config/fish/completions/vault-lab.fish
For our vault CLI: vault -autocomplete-install (as HashiCorp's vault does).`,
    async run(p) {
      const { completionScript } = await import('./completion.js');
      process.stdout.write(completionScript(p.args[0] as 'bash' | 'zsh' | 'fish', [...SUBCOMMANDS, COURSE]));
      return 0;
    },
  },
  {
    name: 'dev',
    synopsis: 'write a lab with instant feedback: the course UI follows the file',
    description: `Opens one lab in the course UI and watches its file. On every save the lab is
validated again (problems shown in place as file:line:column, the last good lab kept) and
reloaded at your step, earlier steps replayed. Press c in the lesson for the check trace:
each check, what it looked at, and why it passed or failed.`,
    args: { name: '<lab.yaml>', min: 1, max: 1, complete: 'lab' },
    async run(p) {
      const { runDev } = await import('../../tui/dev.js');
      return runDev(p.args, (await import('../../cli/index.js')).runCli);
    },
  },
  {
    name: 'pack',
    synopsis: 'validate and test a course, then write it as one file to hand out',
    description: `Validates and tests a whole course (its course.yaml and labs), then writes it as one
file with a SHA-256 of every part. Learners open it with \`vault-lab --course <file>\`;
nothing is fetched from the network.`,
    args: { name: '<course dir>', min: 1, max: 1, complete: 'dir' },
    options: [{ name: 'output', short: 'o', value: '<file>', complete: 'file', help: 'where to write the course' }],
    async run(p) {
      const { runPack } = await import('../../labs/tools/index.js');
      const o = typeof p.opts.output === 'string' ? ['-o', p.opts.output] : [];
      return runPack([...o, ...p.args], out, (await import('../../cli/index.js')).runCli);
    },
  },
  {
    name: 'results',
    synopsis: 'export your progress and quiz scores for your teacher',
    description: `Writes your progress and quiz scores per topic as JSON (docs/results-format.md).
It holds no tokens, secrets or command lines; --with-answers adds your own free-text answers.`,
    options: [
      { name: 'export', value: '<file>', complete: 'file', help: 'the file to write (required)' },
      { name: 'name', value: '<name>', complete: 'none', help: 'your name as the teacher should see it' },
      { name: 'with-answers', help: 'include your free-text quiz answers' },
      { name: 'labs', value: '<dir>', complete: 'dir', help: 'the course folder, when not the shipped course' },
    ],
    async run(p) {
      const { runResults } = await import('../../labs/tools/index.js');
      return runResults(normalized(p), out);
    },
  },
  {
    name: 'report',
    synopsis: "summarise a class's results: tables and a self-contained HTML page",
    description: `Reads learners' results files (from \`vault-lab results --export\`) and prints completion
per lab, the steps where hints and solutions were used most, the quiz questions most missed and
the diagnostics met most often. A malformed file is named and skipped (exit 1).`,
    args: { name: '<results.json…>', min: 1, max: Number.POSITIVE_INFINITY, complete: 'file' },
    options: [{ name: 'html', value: '<file>', complete: 'file', help: 'also write the report as an HTML page' }],
    async run(p) {
      const { runReport } = await import('../../labs/tools/index.js');
      return runReport(normalized(p), out);
    },
  },
  {
    name: '__lab-seed',
    hidden: true,
    synopsis: '',
    description: 'For the build: the shipped labs, parsed, keyed by the hash of each file (labs/format/cache.ts).',
    args: { name: '<dir>', min: 1, max: 1 },
    async run(p) {
      const { labSeed } = await import('../../labs/tools/index.js');
      process.stdout.write(JSON.stringify(await labSeed(p.args[0])) + '\n');
      return 0;
    },
  },
  {
    name: '__schema',
    hidden: true,
    synopsis: '',
    description: 'For the build: content/lab.schema.json (or content/course.schema.json with `course`).',
    args: { name: '[course]', min: 0, max: 1 },
    async run(p) {
      const { labJsonSchema, courseJsonSchema } = await import('../../labs/tools/index.js');
      const schema = p.args[0] === 'course' ? await courseJsonSchema() : await labJsonSchema();
      process.stdout.write(JSON.stringify(schema, null, 2) + '\n');
      return 0;
    },
  },
];
