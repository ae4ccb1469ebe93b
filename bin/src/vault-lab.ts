/**
 * `vault-lab`: the course (terminal UI), and its tools — `server`, `test`, `validate`,
 * `new`, `quiz`, and `clock` (inside a lab shell).
 * The non-interactive commands never load React.
 */
declare const __VAULT_LAB_VERSION__: string;
const VERSION = typeof __VAULT_LAB_VERSION__ === 'string' ? __VAULT_LAB_VERSION__ : 'dev';

const HELP = `vault-lab ${VERSION} — a hands-on course in secrets management

Usage:
  vault-lab [--labs <dir>] [--no-shell] [--plain]   open the course in your terminal
  vault-lab --course <file|dir|npm package>          open a course you were given (see pack)
  vault-lab server -dev [options]                    run the engine alone, like \`vault server -dev\`
  vault-lab server -config=<file.hcl>               a server that keeps its data (file storage),
                                                     starts sealed: \`vault operator init\`, \`unseal\`
  vault-lab test <lab.yaml|dir> [--junit <file>]     run labs headlessly: every step must fail
               [--isolate] [--jobs N]                before its solution and pass after it
                                                     (--isolate: each step in a fresh engine);
                                                     also every alternative, and a retrying learner
                                                     (--jobs N: walks at once, default twice the cores;
                                                     --real-cli: start the vault binary per command)
  vault-lab validate <lab.yaml|dir>                  check lab files without running them:
                                                     the format plus a lint of each step
  vault-lab new <id> [--dir <dir>]                   scaffold a lab that validates and tests green
  vault-lab dev <lab.yaml>                           write a lab with instant feedback: the course UI
                                                     follows the file, reloads at your step on save,
                                                     c shows the check trace
  vault-lab test <lab.yaml|dir> --watch              run a lab's tests again on every save
  vault-lab pack <course dir> [-o <file>]            validate and test a course, write it as one file
  vault-lab results --export <file> [--with-answers]   your progress and quiz scores, for your teacher
  vault-lab report <results.json…> [--html <file>]   a class's results: a table and an HTML page
  vault-lab quiz [--labs <dir>] [--topic <t>]        self-assessment over every lab's quiz,
                                                     scored per topic, with what to revisit
  vault-lab clock [advance <duration>]               inside a lab shell: show or move the engine clock
  vault-lab --version | --help

Server options:
  -dev                              in-memory, unsealed, secret/ is KV v2 (required for now)
  -dev-root-token-id=<id>           root token id (default: random; env VAULT_DEV_ROOT_TOKEN_ID)
  -dev-listen-address=<host:port>   loopback address (default 127.0.0.1:8200; env VAULT_DEV_LISTEN_ADDRESS)
  -dev-kv-v1                        mount secret/ as KV version 1

Course options:
  --labs <dir>   take the labs from your own folder instead of the shipped course
                 (in the order of its course.yaml, when it has one)
  --course <x>   a packed course file, a course folder, or an npm package installed here
  --no-shell     no embedded shell: print the environment to use in your own terminal
  --plain        no full-screen UI: print state changes as lines (screen readers)

In the course, Ctrl-] or F2 moves between the shell and the lesson, ? lists every key,
and q (or Ctrl-C with the lesson focused) quits. NO_COLOR turns colour off;
VAULT_LAB_THEME=light|dark picks colours for your terminal's background.
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const out = {
    write: (s: string) => {
      process.stdout.write(s);
    },
  };
  switch (cmd) {
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`vault-lab ${VERSION}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case 'server': {
      const { runServer } = await import('./server.js');
      return runServer(rest);
    }
    case 'test': {
      const { runTests } = await import('../../labs/tools/index.js');
      const junitAt = rest.findIndex((a) => a === '--junit' || a.startsWith('--junit='));
      let junit: string | undefined;
      const args = [...rest];
      if (junitAt !== -1) {
        junit = args[junitAt].includes('=') ? args[junitAt].split('=')[1] : args[junitAt + 1];
        args.splice(junitAt, args[junitAt].includes('=') ? 1 : 2);
      }
      const watchAt = args.indexOf('--watch');
      if (watchAt !== -1) args.splice(watchAt, 1);
      const isolateAt = args.indexOf('--isolate');
      if (isolateAt !== -1) args.splice(isolateAt, 1);
      const realAt = args.indexOf('--real-cli');
      if (realAt !== -1) args.splice(realAt, 1);
      const jobsAt = args.findIndex((a) => a === '--jobs' || a.startsWith('--jobs='));
      let jobs: number | undefined;
      if (jobsAt !== -1) {
        const v = args[jobsAt].includes('=') ? args[jobsAt].split('=')[1] : args[jobsAt + 1];
        args.splice(jobsAt, args[jobsAt].includes('=') ? 1 : 2);
        jobs = Number(v);
        if (!Number.isInteger(jobs) || jobs < 1) {
          process.stderr.write(`vault-lab test: --jobs wants a whole number of at least 1, not "${v ?? ''}"\n`);
          return 1;
        }
      }
      if (args.length !== 1) {
        process.stderr.write(
          'Usage: vault-lab test <lab.yaml|dir> [--junit <file>] [--isolate] [--jobs N] [--real-cli] [--watch]\n',
        );
        return 1;
      }
      // The lab shells' `vault` runs in this process (the same runCli as the binary) unless --real-cli.
      const runCli = realAt === -1 ? (await import('../../cli/index.js')).runCli : undefined;
      const testOpts = { junit, isolate: isolateAt !== -1, jobs, runCli };
      if (watchAt !== -1) return (await import('../../labs/tools/index.js')).watchTests(args[0], out, testOpts);
      return runTests(args[0], out, testOpts);
    }
    case 'validate': {
      const { runValidate } = await import('../../labs/tools/index.js');
      if (rest.length !== 1) {
        process.stderr.write('Usage: vault-lab validate <lab.yaml|dir>\n');
        return 1;
      }
      return runValidate(rest[0], out);
    }
    case 'new': {
      const { runNew } = await import('../../labs/tools/index.js');
      return runNew(rest, out);
    }
    case 'quiz': {
      const { runQuiz } = await import('../../labs/tools/index.js');
      return runQuiz(rest);
    }
    case 'pack': {
      const { runPack } = await import('../../labs/tools/index.js');
      return runPack(rest, out, (await import('../../cli/index.js')).runCli);
    }
    case 'results': {
      const { runResults } = await import('../../labs/tools/index.js');
      return runResults(rest, out);
    }
    case 'report': {
      const { runReport } = await import('../../labs/tools/index.js');
      return runReport(rest, out);
    }
    case 'dev': {
      const { runDev } = await import('../../tui/dev.js');
      return runDev(rest, (await import('../../cli/index.js')).runCli);
    }
    case 'clock': {
      const { runClock } = await import('../../labs/tools/index.js');
      return runClock(rest, out);
    }
    case '__lab-seed': {
      // For the build: the shipped labs, parsed, keyed by the hash of each file's text (labs/format/cache.ts).
      const { labSeed } = await import('../../labs/tools/index.js');
      process.stdout.write(JSON.stringify(await labSeed(rest[0])) + '\n');
      return 0;
    }
    case '__schema': {
      const { labJsonSchema, courseJsonSchema } = await import('../../labs/tools/index.js');
      const schema = rest[0] === 'course' ? await courseJsonSchema() : await labJsonSchema();
      process.stdout.write(JSON.stringify(schema, null, 2) + '\n');
      return 0;
    }
    default: {
      if (cmd && !cmd.startsWith('-')) {
        process.stderr.write(`vault-lab: unknown command "${cmd}"\n\n${HELP}`);
        return 1;
      }
      const { runCourse } = await import('../../tui/main.js');
      return runCourse(argv);
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`vault-lab: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
