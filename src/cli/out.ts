// The management commands' stdout. Their text quotes what came from outside
// (names, scopes, usernames, a forge's answers, the log), so it goes out
// through printable(): only newlines, tabs and the table's own colours stay raw.
import { printable } from '../core/terminal-text.js'

export function out(text: string): void {
  process.stdout.write(printable(text, { lines: true, colours: true }))
}
