// Token names are unique within one metadata file: a name that is taken
// gets the first free `-2`, `-3`, … (add, store and the prompt alike).
export function uniqueName(taken: Iterable<string>, base: string): string {
  const names = new Set(taken)
  if (!names.has(base)) return base
  for (let i = 2; ; i++) if (!names.has(`${base}-${i}`)) return `${base}-${i}`
}
