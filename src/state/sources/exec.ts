// exec:COMMAND secrets: the first line of a secrets manager's stdout
// (`pass show …`, `op read …`, `vault kv get -field=token …`). Bounded in
// time; its output never reaches an error message.
import { spawn } from 'node:child_process'
import { PatError } from '../../errors.js'
import { firstLine } from './first-line.js'

export function execTimeoutMs(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GIT_CREDENTIAL_PAT_EXEC_TIMEOUT_MS)
  return Number.isFinite(n) && n > 0 ? n : 10_000
}

export function runSecretCommand(name: string, command: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    // stdin is closed: the command must not read git's credential stream.
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], env })
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new PatError('SOURCE', `token '${name}': the source command took over ${execTimeoutMs(env) / 1000} s`))
    }, execTimeoutMs(env))
    child.stdout.setEncoding('utf8').on('data', d => (out += d))
    child.stderr.setEncoding('utf8').on('data', d => (err += d))
    child.on('error', e => {
      clearTimeout(timer)
      reject(new PatError('SOURCE', `token '${name}': cannot run the source command (${e.message})`))
    })
    child.on('close', code => {
      clearTimeout(timer)
      const secret = firstLine(out)
      if (code !== 0)
        reject(new PatError('SOURCE', `token '${name}': the source command failed with exit ${code}${err ? ` (${firstLine(err).slice(0, 120)})` : ''}`))
      else if (!secret) reject(new PatError('SOURCE', `token '${name}': the source command printed nothing`))
      else resolve(secret)
    })
  })
}
