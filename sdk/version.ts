/** The SDK's version; travels with every batch so Weft can refuse an incompatible one. */
export const SDK_VERSION = '0.1.0'
