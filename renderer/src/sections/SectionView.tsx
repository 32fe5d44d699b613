/** Which component shows each section, with the wording of the sections not built yet. */
import type { SectionId } from '../../../common/commands'
import { EvaluationsSection } from '../evals/EvaluationsSection'
import { LazyDatasetsSection } from '../datasets/LazyDatasetsSection'
import { PlaygroundSection } from '../models/PlaygroundSection'
import { RulesPanel } from '../online/RulesPanel'
import { PromptsSection } from '../prompts/PromptsSection'
import { TracesSection } from '../traces/TracesSection'
import { PlaceholderSection } from './PlaceholderSection'

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
      return (
        <PlaceholderSection title="Annotate" emptyTitle="Nothing to annotate yet">
          <p>
            Label model outputs and dataset rows offline with the keyboard, then keep the labels as a new dataset
            version — coming with annotation queues.
          </p>
        </PlaceholderSection>
      )
    case 'monitor':
      // Until the Monitor section lands, the online rules stand in for it (they become its "Rules" tab).
      return (
        <section className="section-page" aria-labelledby="section-title">
          <header className="section-header">
            <h1 id="section-title">Monitor</h1>
          </header>
          <div className="section-body">
            <RulesPanel />
          </div>
        </section>
      )
  }
}
