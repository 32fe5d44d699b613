/** The section in the URL hash (`#/prompts`), so reloads and deep links land in the same place. */
import { SECTIONS, type SectionId } from '../../../common/commands'

const SECTION_IDS = new Set<string>(SECTIONS.map((s) => s.id))

/** The section named by a hash like `#/traces` (extra path segments are ignored), or null. */
export function sectionFromHash(hash: string): SectionId | null {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? ''
  return SECTION_IDS.has(id) ? (id as SectionId) : null
}

/** The hash for a section. */
export function hashForSection(section: SectionId): string {
  return `#/${section}`
}
