/**
 * A run as JUnit XML (issue 8), for CI systems that show test reports: one
 * test case per dataset row × trial (failed when a scorer failed or the row
 * errored) and one per threshold.
 */
import type { RowResult, RunSummary } from './summary'

const escape = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!)
    // Characters XML 1.0 cannot hold at all (control characters in model output happen).
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')

/** The JUnit document for a run. */
export function junitReport(run: { id: string; name: string }, rows: readonly RowResult[], summary: Pick<RunSummary, 'latencyP50Ms'>, failedThresholds: readonly string[], thresholds: Record<string, number>): string {
  const cases: string[] = []
  let failures = 0
  let errors = 0
  for (const row of rows) {
    const name = escape(`${row.rowId}${row.trial ? ` #${row.trial + 1}` : ''}`)
    const time = ((row.latencyMs ?? 0) / 1000).toFixed(3)
    if (row.error) {
      errors++
      cases.push(`    <testcase classname="${escape(run.name)}" name="${name}" time="${time}"><error message="${escape(row.error)}"/></testcase>`)
      continue
    }
    const failed = Object.entries(row.scores).filter(([, s]) => s && s.pass === false).map(([id]) => id)
    if (failed.length) {
      failures++
      cases.push(`    <testcase classname="${escape(run.name)}" name="${name}" time="${time}"><failure message="${escape(`failed: ${failed.join(', ')}`)}"/></testcase>`)
    } else cases.push(`    <testcase classname="${escape(run.name)}" name="${name}" time="${time}"/>`)
  }
  for (const scorer of Object.keys(thresholds)) {
    const failed = failedThresholds.find((f) => f.startsWith(`${scorer} `))
    if (failed) failures++
    cases.push(`    <testcase classname="${escape(run.name)}.thresholds" name="${escape(scorer)}">${failed ? `<failure message="${escape(failed)}"/>` : ''}</testcase>`)
  }
  const tests = rows.length + Object.keys(thresholds).length
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="weft eval" tests="${tests}" failures="${failures}" errors="${errors}">`,
    `  <testsuite name="${escape(run.name)}" id="${escape(run.id)}" tests="${tests}" failures="${failures}" errors="${errors}" time="${((summary.latencyP50Ms ?? 0) / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
