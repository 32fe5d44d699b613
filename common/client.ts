/**
 * The client side of the contract. Every transport (in-process, IPC, HTTP)
 * implements this; the renderer and the CLI code only against it.
 */
import type { EventName, EventOf, OperationName, RequestOf, ResponseOf } from './contract'

/** A typed handle on the workbench API, whatever carries the calls. */
export interface WorkbenchClient {
  /** Calls an operation; rejects with a WeftError. */
  call<N extends OperationName>(name: N, request: RequestOf<N>): Promise<ResponseOf<N>>
  /** Listens to an event; returns the function that stops listening. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void
}

/** A small typed event hub used by the workbench and by every client transport. */
export class EventHub {
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>()

  /** Adds a listener; returns its remover. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    const untyped = listener as (payload: unknown) => void
    set.add(untyped)
    return () => set.delete(untyped)
  }

  /** Delivers one event; a throwing listener does not stop the others. */
  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    const targets = [...(this.listeners.get(event) ?? [])].map((l) => () => l(payload))
    for (const any of this.anyListeners) targets.push(() => any(event, payload))
    for (const deliver of targets) {
      try {
        deliver()
      } catch (error) {
        console.error(`weft: listener for ${event} failed`, error)
      }
    }
  }

  /** Listens to every event (transports use it to forward events). */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.anyListeners.add(listener)
    return () => this.anyListeners.delete(listener)
  }

  private readonly anyListeners = new Set<(event: EventName, payload: unknown) => void>()
}
