import { describe, expect, test } from 'vitest'
import { EMPTY_HISTORY, pushEdit, redo, replayEdits, undo, type Edit } from './edits'
import type { Row } from './jsonl'

const base: Row[] = [
  { id: 'a', q: 'one' },
  { id: 'b', q: 'two' },
]

describe('edit history', () => {
  test('set, add and delete undo and redo back to the same rows', () => {
    let state = { rows: base as readonly Row[], history: EMPTY_HISTORY }
    state = pushEdit(state.rows, state.history, { type: 'set', id: 'a', field: 'q', before: 'one', after: 'uno' })
    state = pushEdit(state.rows, state.history, { type: 'add', index: 2, row: { id: 'c' } })
    state = pushEdit(state.rows, state.history, { type: 'delete', index: 1, row: state.rows[1]! })
    expect(state.rows).toEqual([{ id: 'a', q: 'uno' }, { id: 'c' }])
    const after = state.rows
    for (let i = 0; i < 3; i++) state = undo(state.rows, state.history)
    expect(state.rows).toEqual(base)
    expect(undo(state.rows, state.history).rows).toBe(state.rows)
    for (let i = 0; i < 3; i++) state = redo(state.rows, state.history)
    expect(state.rows).toEqual(after)
    expect(base[0]!.q).toBe('one')
  })

  test('a new edit drops what was undone; removing a field undoes to its value', () => {
    let state = pushEdit(base, EMPTY_HISTORY, { type: 'set', id: 'b', field: 'q', before: 'two', after: undefined })
    expect(state.rows[1]).toEqual({ id: 'b' })
    const undone = undo(state.rows, state.history)
    expect(undone.rows[1]).toEqual({ id: 'b', q: 'two' })
    state = pushEdit(undone.rows, undone.history, { type: 'set', id: 'a', field: 'x', after: 1 })
    expect(state.history.undone).toEqual([])
  })

  test('renaming an id undoes by the new id; stored edits replay', () => {
    const edits: Edit[] = [{ type: 'set', id: 'a', field: 'id', before: 'a', after: 'z' }]
    const state = pushEdit(base, EMPTY_HISTORY, edits[0]!)
    expect(state.rows[0]!.id).toBe('z')
    expect(undo(state.rows, state.history).rows[0]!.id).toBe('a')
    expect(replayEdits(base, edits)).toEqual(state.rows)
  })
})
