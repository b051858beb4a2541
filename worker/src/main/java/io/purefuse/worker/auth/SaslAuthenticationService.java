package io.purefuse.worker.auth;

import alluxio.grpc.ChannelAuthenticationScheme;
import alluxio.grpc.SaslAuthenticationServiceGrpc;
import alluxio.grpc.SaslMessage;
import alluxio.grpc.SaslMessageType;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code alluxio.grpc.sasl.SaslAuthenticationService/authenticate} as a stock worker answers it
 * for SIMPLE authentication: the client's first message is a CHALLENGE carrying the SASL PLAIN
 * initial response {@code authzid \0 user \0 password} (the password is not checked, as in
 * Alluxio's SIMPLE mode), its {@code clientId} (the channel id) and scheme SIMPLE; the answer is
 * a SUCCESS without payload. The channel is authenticated until the client closes the stream (or
 * it fails). Logins are accepted in NOSASL mode too (harmless, and lets a SIMPLE client in).
 */
public final class SaslAuthenticationService extends SaslAuthenticationServiceGrpc.SaslAuthenticationServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(SaslAuthenticationService.class);

  private final AuthenticatedChannels channels;
  /** Open authentication streams, so that shutdown can end them (clients keep them open). */
  private final Set<Runnable> revokers = ConcurrentHashMap.newKeySet();

  public SaslAuthenticationService(AuthenticatedChannels channels) {
    this.channels = channels;
  }

  @Override
  public StreamObserver<SaslMessage> authenticate(StreamObserver<SaslMessage> responses) {
    StreamObserver<SaslMessage> driver = new StreamObserver<>() {
      private UUID channelId;
      private boolean done;
      private final Runnable revoker = this::revoke;

      {
        revokers.add(revoker);
      }

      /** The server ends the login (shutdown): the client sees its channel revoked. */
      private synchronized void revoke() {
        if (!done) {
          done = true;
          unregister();
          try {
            responses.onCompleted();
          } catch (RuntimeException e) {
            // already cancelled by the client
          }
        }
      }

      @Override
      public synchronized void onNext(SaslMessage m) {
        if (done) {
          return;
        }
        if (channelId != null) {
          // PLAIN is a single round: nothing more is expected on this stream.
          fail(Status.UNAUTHENTICATED.withDescription("unexpected SASL message after SUCCESS"));
          return;
        }
        if (m.getMessageType() != SaslMessageType.CHALLENGE) {
          fail(Status.UNAUTHENTICATED.withDescription("expected a CHALLENGE, got " + m.getMessageType()));
          return;
        }
        if (m.getAuthenticationScheme() != ChannelAuthenticationScheme.SIMPLE) {
          fail(Status.UNAUTHENTICATED.withDescription(
              "authentication scheme " + m.getAuthenticationScheme() + " is not supported (SIMPLE only)"));
          return;
        }
        UUID id;
        try {
          id = UUID.fromString(m.getClientId());
        } catch (IllegalArgumentException e) {
          fail(Status.UNAUTHENTICATED.withDescription("clientId is not a UUID: " + m.getClientId()));
          return;
        }
        String user = plainUser(m.getMessage().toByteArray());
        if (user == null) {
          fail(Status.UNAUTHENTICATED.withDescription("malformed SASL PLAIN response"));
          return;
        }
        channelId = id;
        channels.register(id, user);
        LOG.debug("channel {} ({}) authenticated as {}", id, m.getChannelRef(), user);
        responses.onNext(SaslMessage.newBuilder().setMessageType(SaslMessageType.SUCCESS).build());
      }

      private void fail(Status s) {
        done = true;
        unregister();
        responses.onError(s.asRuntimeException());
      }

      private void unregister() {
        revokers.remove(revoker);
        if (channelId != null) {
          channels.unregister(channelId);
        }
      }

      @Override
      public synchronized void onError(Throwable t) {
        done = true;
        unregister();
      }

      @Override
      public synchronized void onCompleted() {
        unregister();
        if (!done) {
          done = true;
          responses.onCompleted();
        }
      }
    };
    return driver;
  }

  /** Ends every open login (shutdown: these streams would otherwise hold the server open). */
  public void revokeAll() {
    for (Runnable r : revokers.toArray(new Runnable[0])) {
      r.run();
    }
  }

  /**
   * The authenticated user of a PLAIN response {@code [authzid] \0 authcid \0 passwd}: the
   * authorization id if given (impersonation), else the authentication id; null if malformed.
   */
  static String plainUser(byte[] msg) {
    String s = new String(msg, StandardCharsets.UTF_8);
    int a = s.indexOf('\0');
    int b = a < 0 ? -1 : s.indexOf('\0', a + 1);
    if (a < 0 || b < 0) {
      return null;
    }
    String authz = s.substring(0, a);
    String authc = s.substring(a + 1, b);
    if (authc.isEmpty()) {
      return null;
    }
    return authz.isEmpty() ? authc : authz;
  }
}
