/** Which component shows each section. */
import type { SectionId } from '../../../common/commands'
import { AnnotateSection } from '../annotate/AnnotateSection'
import { EvaluationsSection } from '../evals/EvaluationsSection'
import { LazyDatasetsSection } from '../datasets/LazyDatasetsSection'
import { MonitorSection } from '../monitor/MonitorSection'
import { PlaygroundSection } from '../models/PlaygroundSection'
import { PromptsSection } from '../prompts/PromptsSection'
import { TracesSection } from '../traces/TracesSection'

/** The body of one section. */
export function SectionView({ section }: { section: SectionId }) {
  switch (section) {
    case 'prompts':
      return <PromptsSection />
    case 'datasets':
      return <LazyDatasetsSection />
    case 'playground':
      return <PlaygroundSection />
    case 'traces':
      return <TracesSection />
    case 'evaluations':
      return <EvaluationsSection />
    case 'annotate':
      return <AnnotateSection />
    case 'monitor':
      return <MonitorSection />
  }
}
