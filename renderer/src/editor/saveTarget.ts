/**
 * Who Ctrl/Cmd+S saves when it is not the open prompt: an editor on screen
 * (the model config editor) registers itself while mounted. The app's
 * 'editor.save' command reaches prompts/usePromptsStore's saveOpenPrompt,
 * which asks here first.
 */

let current: (() => void) | null = null

/** Makes `save` what Ctrl/Cmd+S runs until the returned function is called. */
export function registerSaveTarget(save: () => void): () => void {
  current = save
  return () => {
    if (current === save) current = null
  }
}

/** Runs the registered save; false when no editor other than the prompt editor is on screen. */
export function runSaveTarget(): boolean {
  if (!current) return false
  current()
  return true
}
