/** The annotation view's keys: one list feeds the cheatsheet in the `?` overlay and the hint bar. */

/** One row of the cheatsheet. */
export interface AnnotateKey {
  keys: string[]
  does: string
}

/** Every key of the annotation view, in the order the cheatsheet lists them. */
export const ANNOTATE_KEYS: readonly AnnotateKey[] = [
  { keys: ['j', '→'], does: 'Next item' },
  { keys: ['k', '←'], does: 'Previous item' },
  { keys: ['Tab', '↓'], does: 'Next field' },
  { keys: ['Shift+Tab', '↑'], does: 'Previous field' },
  { keys: ['1–9', '0'], does: "Pick the field's option (0 is the tenth)" },
  { keys: ['y', 'n'], does: 'Yes / no on a yes-or-no field' },
  { keys: ['Backspace'], does: "Clear the field's value" },
  { keys: ['t', 'Enter'], does: 'Type into a text or number field' },
  { keys: ['Esc'], does: 'Stop typing (keeps the text)' },
  { keys: ['e'], does: 'Edit the expected answer (Mod+Enter keeps, Esc cancels)' },
  { keys: ['Enter'], does: 'Submit and go to the next item' },
  { keys: ['Mod+Enter'], does: 'Submit, also while typing' },
  { keys: ['f'], does: 'Show to do → done → all items' },
  { keys: ['?'], does: 'This list' },
]
