// A graceful stop: no more claims, deliveries in flight get `drainMs` to finish, every outcome is
// written, and whatever this worker still holds goes back to the store.
import type { ClaimScheduler } from './claim-scheduler.ts';
import type { DispatcherSettings } from './dispatcher-settings.ts';
import type { GroupCommit } from './group-commit.ts';

export async function shutdown(
  { store, clock, workerId, transport, ownTransport }: DispatcherSettings,
  scheduler: ClaimScheduler,
  commit: GroupCommit,
  drainMs: number,
): Promise<void> {
  // Claims that never started go back at once.
  const unstarted = await scheduler.halt();
  await scheduler.drain(drainMs);
  commit.flush();
  await commit.settled();
  // Unstarted claims give their attempt back; one still in flight may have arrived, so it keeps it.
  if (unstarted.length > 0) {
    await store.release(
      unstarted.map((m) => m.id),
      workerId,
      clock.now(),
    );
  }
  if (scheduler.inFlight > 0) {
    await store.release(scheduler.inFlightIds(), workerId, clock.now(), { sent: true });
  }
  if (ownTransport) transport.close();
}
