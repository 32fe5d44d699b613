/** The starter text: runs offline; the comments say how to point it at a real model. */
export const STARTER_MODEL = `# Which model to call. echo answers offline (no key, no network); for a real model use
# provider: openai | anthropic | openai-compatible (with base_url), and model: its name.
# Keys never go here: set OPENAI_API_KEY / ANTHROPIC_API_KEY, or name a variable in api_key_env.
provider: echo
model: echo
parameters:
  temperature: 0
`
