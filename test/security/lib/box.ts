// A sandbox for the hardening tests, plus "nothing changed" snapshots:
// the metadata file's bytes and every keychain item of the sandbox's
// service (account and secret), read through keytar in a child process.
// GCP_TEST_BIN runs another build (e.g. the code before a fix, to see a
// test fail); by default the built binary of this tree.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bin as defaultBin, run, sandbox, type RunResult, type Sandbox } from '../../e2e/lib/env.js'
import { keychainOp } from '../../e2e/lib/keyring.js'

export const bin = process.env.GCP_TEST_BIN || defaultBin

export interface Box extends Sandbox {
  /** Run the binary with raw bytes (or text) on stdin. */
  raw(args: string[], input: string | Buffer): Promise<RunResult>
  snapshot(): Promise<string>
}

export function box(name: string): Box {
  const sb = sandbox(`sec-${name}`)
  Object.assign(sb.env, { GIT_CREDENTIAL_PAT_DAEMON: 'never' })
  const raw = (args: string[], input: string | Buffer) => runBytes(args, sb.env, sb.dir, input)
  const b: Box = Object.assign(sb, {
    raw,
    pat: (args: string[], o: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}) =>
      run(bin, args, { cwd: o.cwd ?? sb.dir, env: { ...sb.env, ...o.env }, input: o.input }),
    async snapshot() {
      let meta = '(none)'
      try {
        meta = readFileSync(join(sb.env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json'), 'utf8')
      } catch {
        /* no file yet */
      }
      const accounts = (JSON.parse(await keychainOp(sb.env, 'list')) as string[]).sort()
      const items: string[] = []
      for (const a of accounts) items.push(`${a}=${await keychainOp(sb.env, 'get', a)}`)
      return `${meta}\n--keychain--\n${items.join('\n')}`
    },
  })
  return b
}

/** Like run(), but stdin may be bytes. */
function runBytes(args: string[], env: NodeJS.ProcessEnv, cwd: string, input: string | Buffer): Promise<RunResult> {
  return run(bin, args, { cwd, env, input: input as string })
}

/** One line on stderr (the message), ending in a newline. */
export const oneLine = (s: string) => s.length > 0 && s.endsWith('\n') && s.trimEnd().split('\n').length === 1
