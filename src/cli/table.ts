// Plain-text tables for list/show/check. Colour only on a TTY and never with
// NO_COLOR (https://no-color.org).
import { printable } from '../core/terminal-text.js'
import type { Cell } from '../core/describe.js'

export type { Cell, Tone } from '../core/describe.js'

export function useColour(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  return !!stream.isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb'
}

const CODES = { red: 31, yellow: 33, dim: 2 } as const

export function renderTable(header: string[], rows: Cell[][], colour: boolean): string {
  // Cells quote names, scopes, usernames and a forge's answers: escaped before padding and colour.
  rows = rows.map(r => r.map(c => ({ ...c, text: printable(c.text) })))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => [...r[i].text].length)))
  const line = (cells: Cell[]) =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c.text : c.text + ' '.repeat(widths[i] - [...c.text].length)
        return colour && c.tone ? `\x1b[${CODES[c.tone]}m${padded}\x1b[0m` : padded
      })
      .join('  ')
      .trimEnd()
  return [line(header.map(text => ({ text }))), ...rows.map(line)].join('\n') + '\n'
}
