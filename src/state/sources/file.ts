// file:PATH secrets (mounted secrets): refused unless owned by the user and
// closed to group and others, as ssh does for private keys.
import { readFileSync, statSync } from 'node:fs'
import { PatError } from '../../errors.js'
import { firstLine } from './first-line.js'

export function readSecretFile(name: string, path: string): string {
  let st
  try {
    st = statSync(path)
  } catch (e) {
    throw new PatError('SOURCE', `token '${name}': cannot read ${path} (${(e as NodeJS.ErrnoException).code})`)
  }
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new PatError('SOURCE', `token '${name}': ${path} is not owned by you; refusing to read a secret from it`)
  }
  if ((st.mode & 0o077) !== 0) {
    throw new PatError('SOURCE', `token '${name}': ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${path}`)
  }
  const s = firstLine(readFileSync(path, 'utf8'))
  if (!s) throw new PatError('SOURCE', `token '${name}': ${path} is empty`)
  return s
}
