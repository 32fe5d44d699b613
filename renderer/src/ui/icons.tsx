/** Small inline stroke icons (no icon font or remote assets). Decorative: aria-hidden. */
import type { SectionId } from '../../../common/commands'

const PATHS: Record<SectionId | 'chevron' | 'folder' | 'sidebar' | 'branch' | 'file', string> = {
  prompts: 'M4 3h6l3 3v7H4z M10 3v3h3 M6 9h5 M6 11h3',
  datasets: 'M3 4.5C3 3.7 5.2 3 8 3s5 .7 5 1.5S10.8 6 8 6 3 5.3 3 4.5z M3 4.5v7c0 .8 2.2 1.5 5 1.5s5-.7 5-1.5v-7 M3 8c0 .8 2.2 1.5 5 1.5S13 8.8 13 8',
  playground: 'M5 3.5v9l7-4.5z',
  traces: 'M3 4h4 M5 8h5 M7 12h6 M3 4v0 M4 4v4h1 M6 8v4h1',
  evaluations: 'M3 13V9 M7 13V5 M11 13V7 M2 13h12',
  annotate: 'M10.5 3.5l2 2L6 12H4v-2z M9 5l2 2',
  monitor: 'M2 9h3l2-5 2 8 2-4h3',
  chevron: 'M4 6l4 4 4-4',
  folder: 'M2 4.5h4l1.5 1.5H14v6.5H2z',
  sidebar: 'M2.5 3h11v10h-11z M6 3v10',
  branch: 'M5 3v10 M5 10c0-2 6-1 6-5 M11 3v2',
  file: 'M4 2.5h5l3 3v8H4z M9 2.5v3h3',
}

/** Names of the available icons. */
export type IconName = keyof typeof PATHS

/** One 16×16 icon in the current text colour. */
export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.3}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  )
}
