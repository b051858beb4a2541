package io.purefuse.worker.auth;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.UUID;

/**
 * Refuses, with UNAUTHENTICATED, every call whose {@code channel-id} metadata does not name a
 * channel that is logged in (SIMPLE mode; in NOSASL mode it is not installed). Attach it to the
 * services that need a login, never to the authentication service itself.
 */
public final class ChannelAuthInterceptor implements ServerInterceptor {
  /** The metadata key Alluxio's client puts its channel id under. */
  public static final Metadata.Key<String> CHANNEL_ID =
      Metadata.Key.of("channel-id", Metadata.ASCII_STRING_MARSHALLER);

  private final AuthenticatedChannels channels;

  public ChannelAuthInterceptor(AuthenticatedChannels channels) {
    this.channels = channels;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String id = headers.get(CHANNEL_ID);
    String why = null;
    if (id == null) {
      why = "no channel-id: log in with SaslAuthenticationService first";
    } else {
      try {
        if (channels.userOf(UUID.fromString(id.trim())).isEmpty()) {
          why = "channel " + id + " is not authenticated";
        }
      } catch (IllegalArgumentException e) {
        why = "channel-id is not a UUID: " + id;
      }
    }
    if (why != null) {
      call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
