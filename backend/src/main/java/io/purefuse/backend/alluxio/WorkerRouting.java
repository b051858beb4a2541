package io.purefuse.backend.alluxio;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.ErrorCode;
import io.purefuse.backend.UnavailableException;
import io.purefuse.backend.membership.Membership;
import io.purefuse.backend.membership.WorkerInfo;
import io.purefuse.backend.routing.WorkerRing;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks workers for full UFS paths on the consistent-hash ring of the live membership (rebuilt
 * on every membership change, when the channels of departed workers are closed) and runs calls
 * with fail-over: a call that finds its worker unavailable goes to the next ring candidate; when
 * all candidates failed it ends with {@link ErrorCode#UNAVAILABLE} (EIO).
 *
 * <p>Only {@code UNAVAILABLE} fails over for calls that change state; {@code DEADLINE_EXCEEDED}
 * fails over only for idempotent calls, because the first worker may still carry the change out.
 */
final class WorkerRouting {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRouting.class);

  /** One attempt of a call on one worker's channel. */
  interface Attempt<T> {
    T run(WorkerChannel channel) throws BackendException;
  }

  private final WorkerChannels channels;
  private final int candidates;
  private volatile WorkerRing ring;

  WorkerRouting(Membership membership, WorkerChannels channels, int candidates) {
    this.channels = channels;
    this.candidates = candidates;
    List<WorkerInfo> live = membership.liveWorkers();
    channels.retainOnly(live);
    this.ring = WorkerRing.of(live);
    membership.addListener(this::membershipChanged);
  }

  /**
   * Channels first, then the ring: a call that reads the new ring must find its workers' channels
   * live. The other order let a call made while the first membership arrived see three workers
   * on the ring, all "left the membership" in the channels, and fail (a mount under load 50).
   * A departed worker still on the old ring meanwhile just fails over.
   */
  private void membershipChanged(List<WorkerInfo> live) {
    channels.retainOnly(live);
    ring = WorkerRing.of(live);
    LOG.info("worker membership changed: {} live worker(s)", live.size());
  }

  WorkerRing ring() {
    return ring;
  }

  /**
   * The worker owning {@code ufsKey}.
   *
   * @throws UnavailableException no live worker
   */
  WorkerInfo owner(String ufsKey, String path) throws UnavailableException {
    WorkerInfo w = ring.owner(ufsKey);
    if (w == null) {
      throw new UnavailableException(path, "no live Alluxio worker in the membership");
    }
    return w;
  }

  /** The owner of {@code ufsKey} followed by its fail-over candidates. */
  List<WorkerInfo> candidates(String ufsKey, String path) throws UnavailableException {
    List<WorkerInfo> c = ring.candidates(ufsKey, candidates);
    if (c.isEmpty()) {
      throw new UnavailableException(path, "no live Alluxio worker in the membership");
    }
    return c;
  }

  WorkerChannel channel(WorkerInfo worker) {
    return channels.get(worker);
  }

  /**
   * Runs {@code attempt} on the owner of {@code ufsKey}, failing over as the class comment says.
   * gRPC failures are mapped with {@link GrpcErrors}; an UNAUTHENTICATED answer makes the channel
   * log in again once (the worker restarted and forgot the channel).
   */
  <T> T invoke(String ufsKey, String path, boolean idempotent, Attempt<T> attempt) throws BackendException {
    List<WorkerInfo> tried = new ArrayList<>();
    StatusRuntimeException last = null;
    for (WorkerInfo w : candidates(ufsKey, path)) {
      tried.add(w);
      WorkerChannel ch;
      try {
        ch = channels.get(w);
      } catch (StatusRuntimeException e) {
        last = e; // left the membership since the ring was read
        continue;
      }
      for (int login = 0; ; login++) {
        SaslLogin before = ch.currentLogin();
        try {
          return attempt.run(ch);
        } catch (StatusRuntimeException e) {
          Status s = e.getStatus();
          if (s.getCode() == Status.Code.UNAUTHENTICATED && login == 0 && before != null) {
            ch.invalidateLogin(before);
            continue;
          }
          if (GrpcErrors.isWorkerFailure(s, idempotent)) {
            LOG.debug("worker {} failed for {}: {}", w, path, s);
            last = e;
            break;
          }
          throw GrpcErrors.map(e, path);
        }
      }
    }
    throw new UnavailableException(ErrorCode.UNAVAILABLE, path,
        "no worker answered (tried " + tried + "): " + (last == null ? "" : last.getStatus()), last);
  }
}
