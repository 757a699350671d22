import { toRaw } from 'vue'
import type { SessionView } from '@tokenauth/shared'
import type { AuthState, FlightName } from '../store/state'
import type { ReauthOutcome, Recovery } from './lifecycle'

/** What each single flight resolves to. */
interface FlightResults {
  renewal: string
  recovery: Recovery
  reauthentication: ReauthOutcome | 'kept'
}

type SingleFlights = { [K in FlightName]?: Promise<FlightResults[K]> }

/** One store's promises. */
interface Flights {
  running: SingleFlights
  /** The latest `GET /api/session` (`AuthState.sessionRead` says for which sign-in, and whether it may be reused). */
  sessionRead?: Promise<SessionView>
}

/**
 * The promises of the session lifecycle's single flights and of the latest session read.
 * What is in flight is state (`AuthState.inFlight`, `AuthState.sessionRead`: in devtools,
 * reset by `auth/clear`), but a promise is not serialisable state, so the promises live
 * here, keyed by the auth module's state object (one per store); `auth/clear` (sign-out,
 * or a session that ended) drops them (`dropFlights`, a store plugin), so nothing joins a
 * flight of the session before and a flight that settles after no longer writes.
 */
const records = new WeakMap<AuthState, Flights>()

function recordOf(state: AuthState): Flights {
  const key = toRaw(state)
  let record = records.get(key)
  if (!record) records.set(key, (record = { running: {} }))
  return record
}

/** Forgets every flight of this store (its state says so too after `auth/clear`). */
export function dropFlights(state: AuthState): void {
  records.delete(toRaw(state))
}

/** The flight running now, to join. */
export function currentFlight<K extends FlightName>(state: AuthState, name: K): SingleFlights[K] {
  return recordOf(state).running[name]
}

/**
 * Joins the flight running now or starts one: however many callers ask at once, `start`
 * runs once. `mark` records in the store whether it is in flight. `start` is told whether
 * its flight is still the store's (false once signed out meanwhile), before it writes.
 */
export function singleFlight<K extends FlightName>(
  state: AuthState,
  name: K,
  mark: (flight: { name: FlightName; running: boolean }) => void,
  start: (stillCurrent: () => boolean) => Promise<FlightResults[K]>,
): Promise<FlightResults[K]> {
  const record = recordOf(state)
  const slots: { [P in K]?: Promise<FlightResults[P]> } = record.running
  const running = slots[name]
  if (running) return running
  const stillCurrent = () => records.get(toRaw(state)) === record
  mark({ name, running: true })
  const flight = start(stillCurrent).finally(() => {
    if (slots[name] !== flight) return
    slots[name] = undefined
    if (stillCurrent()) mark({ name, running: false })
  })
  slots[name] = flight
  return flight
}

/** The latest session read's promise, while its state is kept (`AuthState.sessionRead`). */
export function latestSessionRead(state: AuthState): Promise<SessionView> | undefined {
  return recordOf(state).sessionRead
}

/** Keeps `read` as the latest session read, or forgets it (undefined). */
export function keepSessionRead(state: AuthState, read: Promise<SessionView> | undefined): void {
  recordOf(state).sessionRead = read
}
