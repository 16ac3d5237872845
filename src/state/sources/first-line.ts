// What every non-keychain source yields: the first line of what it read,
// trimmed (a file or a command's output ends with a newline; the secret is
// one line, as git's protocol can only carry one).
export const firstLine = (s: string) => s.split(/\r?\n/, 1)[0].trim()
