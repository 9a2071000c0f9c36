import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', 'node_modules/**', '.data/**', 'drizzle/**', 'next-env.d.ts', 'test-results/**', 'bench/results/**'] },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The job core must stay framework-free (DESIGN.md): it may be hosted by Next, a worker or Inngest.
    files: ['src/jobs/**/*.ts', 'src/domain/**/*.ts', 'src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['next', 'next/*'], message: 'The job core and domain import nothing from Next.js.' }] }],
    },
  },
  {
    // Routes and pages ask the provider contract what a provider can do. A provider class imported here is another
    // copy of the class than the runtime's (Next bundles instrumentation and each route apart): instanceof lies.
    files: ['src/app/**/*.ts', 'src/app/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/jobs/providers/*/*-provider', '@/jobs/providers/*/*-provider.ts'],
              message: 'Ask runtime.provider (the JobProvider contract) instead of importing a provider class.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only src/env.ts reads the environment; everyone else receives typed config.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/env.ts', 'src/instrumentation.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/env.ts.' }],
    },
  },
];

export default config;
