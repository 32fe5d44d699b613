/**
 * The Weft SDK, imported by users' apps. Empty for now: `op()` tracing and
 * `evaluate()` arrive with trace ingestion and the evaluation engine. It will
 * depend on common/ only (lint enforces it), never on main/ or the renderer.
 */

/** The SDK's version; travels with every batch so Weft can refuse an incompatible one. */
export const SDK_VERSION = '0.1.0'
