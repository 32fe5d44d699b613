import { describe, expect, it } from 'vitest'
import { llmJudgeScorer, parseVerdict } from './llmJudge'
import type { JudgeCall } from './types'

describe('LLM as judge', () => {
  it('reads verdicts as JSON, fenced JSON or a bare number', () => {
    expect(parseVerdict('{"score": 0.7, "reason": "mostly right"}')).toEqual({ score: 0.7, reason: 'mostly right' })
    expect(parseVerdict('Here you go:\n```json\n{"score": 1}\n```')).toEqual({ score: 1 })
    expect(parseVerdict('0.25 because it rambles')).toEqual({ score: 0.25 })
    expect(parseVerdict('{"score": 7}')).toEqual({ score: 1 })
    expect(parseVerdict('no idea')).toBeNull()
  })

  it('calls the rubric on the judge model with input, output and expected; applies the pass score', async () => {
    const calls: unknown[] = []
    const judge: JudgeCall = async (prompt, model, variables) => {
      calls.push({ prompt, model, variables })
      return { text: '{"score": 0.4, "reason": "misses the refund"}', costUsd: 0.0001 }
    }
    const params = llmJudgeScorer.params.parse({ rubric: 'prompt:judge@v1', model: 'model:judge' })
    const result = await llmJudgeScorer.score({ output: 'Sorry.', row: { id: 'r1', question: 'Refund?', expected: 'refund' }, expected: 'refund' }, params, { judge })
    expect(result).toEqual({ score: 0.4, pass: false, reason: 'misses the refund' })
    expect(calls).toEqual([{ prompt: 'prompt:judge@v1', model: 'model:judge', variables: { input: { question: 'Refund?' }, row: { id: 'r1', question: 'Refund?', expected: 'refund' }, output: 'Sorry.', expected: 'refund' } }])
    await expect(llmJudgeScorer.score({ output: 'x', row: {} }, params, {})).rejects.toThrow(/cannot call models/)
    expect(llmJudgeScorer.params.safeParse({ rubric: '', model: 'm' }).error?.issues[0]?.path).toEqual(['rubric'])
  })
})
