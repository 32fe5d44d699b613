/** Every door of the ingest server. */
import { nativeRoutes } from './nativeDoor'
import { otlpRoutes } from './otlpDoor'
import { weaveRoutes } from './weaveDoor'
import type { IngestRoute } from './types'

/** The routes the ingest server mounts: native (Weft SDK), OTLP/HTTP, and Weave. */
export function ingestRoutes(): IngestRoute[] {
  return [...nativeRoutes(), ...otlpRoutes(), ...weaveRoutes()]
}
