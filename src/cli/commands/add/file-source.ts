// add --source file:PATH: the path made absolute (git runs the helper from
// any directory), and, with --token-stdin, the secret written there for a
// machine without a keyring.
import { homedir } from 'node:os'
import { isAbsolute, resolve } from 'node:path'
import { writeSecretFile } from '../../../state/sources/file.js'

/** `file:~/x` and `file:rel/x` → `file:/abs/x`; other sources as they are. */
export function fileSourceArg(source: string, cwd = process.cwd(), home = homedir()): string {
  if (!source.startsWith('file:')) return source
  let path = source.slice('file:'.length)
  if (path === '~' || path.startsWith('~/')) path = home + path.slice(1)
  return `file:${isAbsolute(path) ? path : resolve(cwd, path)}`
}

/** Write the secret to PATH (or find it there already): the line add prints, and whether add made the file. */
export function writeFileSource(name: string, path: string, secret: string): { line: string; written: boolean } {
  return writeSecretFile(name, path, secret) === 'written'
    ? { line: `wrote the token to ${path} (mode 600)`, written: true }
    : { line: `${path} already holds this token; left as it is`, written: false }
}
