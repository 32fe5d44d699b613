/** The text a new prompt starts from; apart from promptSource.ts so the entry bundle never pulls in the YAML reader. */

/** The starter text of a new prompt. */
export function starterPrompt(): string {
  return [
    '---',
    'model: openai/gpt-4o-mini',
    'config:',
    '  temperature: 0.2',
    'input:',
    '  schema:',
    '    question: string, what the user asks',
    '---',
    '{{role "system"}}',
    'You are a helpful assistant. Answer briefly.',
    '{{role "user"}}',
    '{{question}}',
    '',
  ].join('\n')
}
