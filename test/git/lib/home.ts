// A throwaway home for the git-side unit tests: metadata written as given,
// no daemon, no terminal, git config of its own, and a keychain service of
// its own in the test keyring (the keychain reads the service from
// process.env, so it is set there too).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { serialize, SCHEMA_VERSION, type TokenRecord } from '../../../src/state/tokens.js'
import { errSink } from '../../../src/log/stderr.js'

export interface Home {
  env: NodeJS.ProcessEnv
  dir: string
  metadata: string
  write(tokens: TokenRecord[]): void
}

export function home(t: { testdir(fixture?: Record<string, string>): string }, name: string): Home {
  const dir = t.testdir({ gitconfig: '' })
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CREDENTIAL_PAT_HOME: join(dir, 'pat'),
    GIT_CREDENTIAL_PAT_DAEMON: 'never',
    GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE: `gcp-unit-${name}-${process.pid}`,
    GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  }
  delete env.GIT_ASKPASS
  delete env.SSH_ASKPASS
  process.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE = env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE
  const metadata = join(dir, 'pat', 'tokens.json')
  return {
    env,
    dir,
    metadata,
    write: tokens => {
      mkdirSync(join(dir, 'pat'), { recursive: true, mode: 0o700 })
      writeFileSync(metadata, serialize({ version: SCHEMA_VERSION, id: '00112233445566aa', tokens }), { mode: 0o600 })
    },
  }
}

/** What fn wrote on stderr, and its value. */
export async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const orig = errSink.write
  let stderr = ''
  errSink.write = text => void (stderr += text)
  try {
    return { value: await fn(), stderr }
  } finally {
    errSink.write = orig
  }
}
