import { Type, type Static } from 'typebox'

/** The kinds of device a user agent can say it runs on; the app words each in its language. */
export const DeviceKind = Type.Union([Type.Literal('desktop'), Type.Literal('mobile'), Type.Literal('tablet'), Type.Literal('tv'), Type.Literal('unknown')])
export type DeviceKind = Static<typeof DeviceKind>

/**
 * A user agent read into its parts, so that each client can word it in its own language:
 * browser and operating system are names (Chrome, Linux) and stay as they are; null where
 * the user agent does not say.
 */
export const ClientDescription = Type.Object(
  {
    device: DeviceKind,
    browser: Type.Union([Type.String(), Type.Null()]),
    /** The browser's major version, e.g. "156". */
    browserVersion: Type.Union([Type.String(), Type.Null()]),
    os: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
)
export type ClientDescription = Static<typeof ClientDescription>
