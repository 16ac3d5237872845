// Text that came from outside (a forge's answer, a URL, a username, a
// manifest, the log) reaches a terminal only through here: its control
// characters become visible escapes, so a value can neither move the cursor,
// clear the screen, retitle the window, fake a line nor reorder what follows
// (docs/git-credential-pat.md, "Output and logging"). Stored as received; escaped when
// printed. One function for text, one for JSON.

/**
 * C0 (tab kept; newline kept when lines are allowed), DEL, C1 (U+0080–U+009F,
 * 8-bit CSI and OSC among them), and the bidirectional controls that reorder
 * what a terminal shows (U+061C, U+200E/F, U+202A–E, U+2066–9).
 */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const CONTROL_NO_NEWLINE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
/** What JSON.stringify leaves raw (it escapes C0 itself; its own newlines are layout). */
const RAW_IN_JSON = /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\x1b': '\\e' }

const visible = (c: string): string => {
  const code = c.charCodeAt(0)
  return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
}

/** The only escape sequences we write ourselves: the table's colours (cli/table.ts), around cells already escaped. */
const OUR_COLOURS = /\x1b\[(?:0|2|31|33)m/y

export interface PrintableOptions {
  /** Keep newlines (multi-line output on stdout); a message line has none. */
  lines?: boolean
  /** Keep the table's own colour codes (text that renderTable coloured); every other ESC is escaped. */
  colours?: boolean
}

/** The text with every control character shown as an escape (ESC as `\e`, others `\xHH`/`\uHHHH`). */
export function printable(text: string, o: PrintableOptions = {}): string {
  return text.replace(o.lines ? CONTROL_NO_NEWLINE : CONTROL, (c, at: number) => {
    if (o.colours && c === '\x1b') {
      OUR_COLOURS.lastIndex = at
      if (OUR_COLOURS.test(text)) return c
    }
    return visible(c)
  })
}

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 but leaves DEL,
 * C1 and the bidirectional controls raw; these become `\uHHHH`, which any
 * JSON reader decodes back to the same value.
 */
export function printableJson(value: unknown, indent = 2): string {
  return printableJsonText(JSON.stringify(value, null, indent))
}

/** The same for JSON text as written elsewhere (a log line); in valid JSON these occur only inside strings. */
export function printableJsonText(json: string): string {
  return json.replace(RAW_IN_JSON, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
