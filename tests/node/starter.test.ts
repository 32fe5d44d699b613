/** The renderer's starter model config passes the store's own validation, unchanged. */
import { expect, it } from 'vitest'
import { canonicalize } from '../../main/store/formats'
import { STARTER_MODEL } from '../../renderer/src/models/starterModel'
it('the starter model config is valid', () => {
  expect(canonicalize('model', STARTER_MODEL, 'models/x.yaml').content).toBe(STARTER_MODEL)
})
