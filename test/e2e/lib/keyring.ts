// Touching the keychain behind the helper's back, to create the broken
// states doctor must find: keytar in a child process with the sandbox's
// environment (so the same bus and the same per-sandbox keychain service,
// GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE). A secret goes over stdin, never argv.
// Accounts are a token's name as the helper sees it: `<store id>/<name>` in
// the keychain (each metadata file owns its items), so get/set/delete take
// the name and list returns names, of this sandbox's store only.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './env.js'

/** The store id of the sandbox's metadata file, or '' before its first write. */
function storeId(env: NodeJS.ProcessEnv): string {
  try {
    return (JSON.parse(readFileSync(join(env.GIT_CREDENTIAL_PAT_HOME!, 'tokens.json'), 'utf8')) as { id?: string }).id ?? ''
  } catch {
    return ''
  }
}

export async function keychainOp(env: NodeJS.ProcessEnv, op: 'get' | 'set' | 'delete' | 'list', name = '', secret = ''): Promise<string> {
  const id = storeId(env)
  const prefix = id ? `${id}/` : ''
  const out = await rawKeychainOp(env, op, prefix + name, secret)
  if (op !== 'list') return out
  const accounts = JSON.parse(out) as string[]
  return JSON.stringify(accounts.filter(a => (prefix ? a.startsWith(prefix) : !a.includes('/'))).map(a => a.slice(prefix.length)))
}

/** The keychain as it is, accounts unchanged. */
export function rawKeychainOp(env: NodeJS.ProcessEnv, op: 'get' | 'set' | 'delete' | 'list', account = '', secret = ''): Promise<string> {
  const script = `
    const k = (await import('@github/keytar')).default
    const [op, account] = process.argv.slice(1)
    const secret = (await import('node:fs')).readFileSync(0, 'utf8')
    const S = process.env.GIT_CREDENTIAL_PAT_KEYCHAIN_SERVICE || 'git-credential-pat'
    const out = op === 'get' ? await k.getPassword(S, account)
      : op === 'set' ? await k.setPassword(S, account, secret)
      : op === 'delete' ? await k.deletePassword(S, account)
      : (await k.findCredentials(S)).map(c => c.account)
    process.stdout.write(JSON.stringify(out ?? null))
  `
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, op, account], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', d => (out += d))
    child.stderr.setEncoding('utf8').on('data', d => (err += d))
    child.on('close', code => (code === 0 ? resolve(out) : reject(new Error(`keychain ${op} failed: ${err}`))))
    child.stdin.end(secret)
  })
}
