/** The span fields the detail components take, from the `spans.get` contract so they cannot drift from it. */
import type { ResponseOf } from '../../../../common/contract'

/** One span as `spans.get` returns it. */
export type DetailSpan = ResponseOf<'spans.get'>['span']
