// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SDKS = ['@larksuiteoapi/*', '@wecom/*'];
const WEB = ['fastify', 'fastify/*'];

/**
 * One layering rule: files under `folder` must not import the listed src folders or packages.
 * `typesFrom` are folders whose *types* may be imported (a type names a shape, not a dependency
 * at run time); every rule here is stated in the folder's README.md.
 */
function layer(folder, { folders = [], typesFrom = [], packages = [], why }) {
  const group = (name) => [`**/${name}/**`];
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...folders.map((name) => ({ group: group(name), message: `src/${folder} must not import src/${name}: ${why}` })),
            ...typesFrom.map((name) => ({
              group: group(name),
              allowTypeImports: true,
              message: `src/${folder} may import only types from src/${name}: ${why}`,
            })),
            ...(packages.length ? [{ group: packages, message: `src/${folder} must not import ${packages.join(', ')}: ${why}` }] : []),
          ],
        },
      ],
    },
  };
}

/** Only the composition roots read the environment. */
const noProcess = {
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'read configuration in src/config.ts and pass it in; only main.ts and cli.ts touch process' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'drizzle/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  layer('domain', {
    folders: ['platforms', 'bot', 'messaging', 'http', 'jobs', 'cli'],
    packages: [...SDKS, ...WEB],
    why: 'the domain is platform-neutral business logic',
  }),
  layer('bot', {
    folders: ['platforms', 'db', 'http', 'jobs', 'cli'],
    typesFrom: ['delivery'],
    packages: [...SDKS, ...WEB, 'drizzle-orm', 'drizzle-orm/*', 'mysql2', 'mysql2/*'],
    why: 'the bot reaches data through domain services, never the database, and knows no platform',
  }),
  layer('messaging', {
    folders: ['domain', 'bot', 'platforms', 'db', 'jobs', 'cli'],
    typesFrom: ['http'],
    packages: SDKS,
    why: 'the neutral message model and event plumbing know no platform and no business rule',
  }),
  layer('platforms', {
    folders: ['domain', 'bot', 'db', 'delivery', 'jobs', 'cli', 'http'],
    why: 'adapters translate platforms to the neutral model and back; they hand events over through messaging',
  }),
  layer('delivery', {
    folders: ['domain', 'bot', 'platforms', 'http', 'jobs', 'cli'],
    typesFrom: ['messaging'],
    packages: [...SDKS, ...WEB],
    why: 'the inbox and outbox store and move rows; what they carry is decided elsewhere',
  }),
  layer('db', {
    folders: ['domain', 'bot', 'messaging', 'platforms', 'delivery', 'http', 'jobs', 'cli', 'config'],
    packages: [...SDKS, ...WEB],
    why: 'the schema and client sit below everything',
  }),
  layer('jobs', {
    folders: ['platforms', 'bot', 'http', 'cli'],
    packages: [...SDKS, ...WEB],
    why: 'jobs are thin functions of services and time',
  }),
  layer('http', {
    folders: ['domain', 'bot', 'platforms', 'db', 'delivery', 'jobs', 'cli'],
    why: 'health and metrics routes take what they report as functions',
  }),
  layer('api', {
    folders: ['bot', 'platforms', 'messaging', 'delivery', 'jobs', 'cli', 'http', 'llm'],
    typesFrom: ['db'],
    packages: SDKS,
    why: 'the admin API answers from domain queries over the database it is handed; it knows no platform, bot or delivery',
  }),
  layer('config', {
    folders: ['domain', 'bot', 'messaging', 'platforms', 'db', 'delivery', 'http', 'jobs', 'cli'],
    packages: [...SDKS, ...WEB],
    why: 'configuration is read and validated before anything else exists',
  }),
  layer('lib', {
    folders: ['domain', 'bot', 'messaging', 'platforms', 'db', 'delivery', 'http', 'jobs', 'cli', 'config', 'llm'],
    packages: [...SDKS, ...WEB],
    why: 'lib holds small helpers everyone may use',
  }),
  layer('llm', {
    folders: ['domain', 'bot', 'messaging', 'platforms', 'db', 'delivery', 'http', 'jobs', 'cli'],
    packages: [...SDKS, ...WEB],
    why: 'the model client is a plain HTTP client handed to the parser',
  }),
  layer('cli', {
    folders: ['platforms', 'bot', 'http'],
    packages: [...SDKS, ...WEB],
    why: 'the command line runs services without a web server or a messenger',
  }),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/cli.ts', 'src/config.ts'],
    rules: noProcess,
  },
  {
    // node-cron is in-process and knows no replicas: every schedule goes through the one scheduler.
    files: ['src/**/*.ts'],
    ignores: ['src/jobs/scheduler.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'node-cron', message: 'schedule jobs in src/jobs/scheduler.ts, which claims each slot in job_runs' }] },
      ],
    },
  },
);
