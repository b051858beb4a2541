package io.purefuse.backend.alluxio;

import alluxio.grpc.ChannelAuthenticationScheme;
import alluxio.grpc.SaslAuthenticationServiceGrpc;
import alluxio.grpc.SaslMessage;
import alluxio.grpc.SaslMessageType;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of Alluxio's {@code SIMPLE} authentication on one channel: a bidi stream
 * {@code alluxio.grpc.sasl.SaslAuthenticationService/authenticate} that sends one SASL PLAIN
 * challenge ({@code "\0user\0noPassword"}) under a random client id, waits for {@code SUCCESS}
 * and then stays open for the life of the channel (the worker forgets the channel when it
 * closes). Every later call names the channel with the {@value #CHANNEL_ID_HEADER} header
 * ({@link #channelIdInterceptor}).
 */
final class SaslLogin implements AutoCloseable {
  /** The metadata key the worker reads to find the authenticated channel. */
  static final String CHANNEL_ID_HEADER = "channel-id";
  static final Metadata.Key<String> CHANNEL_ID = Metadata.Key.of(CHANNEL_ID_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  /** What Alluxio's PLAIN client sends as password for SIMPLE. */
  static final String PASSWORD = "noPassword";

  private final String clientId;
  private final ClientCallStreamObserver<SaslMessage> requests;
  private volatile boolean alive = true;

  private SaslLogin(String clientId, ClientCallStreamObserver<SaslMessage> requests) {
    this.clientId = clientId;
    this.requests = requests;
  }

  /**
   * Logs in on {@code channel}; blocks up to {@code timeout} for the worker's answer.
   *
   * @throws StatusRuntimeException the worker refused (UNAUTHENTICATED, UNIMPLEMENTED, ...), was
   *     unreachable (UNAVAILABLE) or did not answer in time (DEADLINE_EXCEEDED)
   */
  static SaslLogin login(Channel channel, String user, String channelRef, Duration timeout) {
    String clientId = UUID.randomUUID().toString();
    CompletableFuture<Void> done = new CompletableFuture<>();
    SaslLogin[] self = new SaslLogin[1];
    StreamObserver<SaslMessage> answers = new StreamObserver<>() {
      @Override
      public void onNext(SaslMessage m) {
        if (m.getMessageType() == SaslMessageType.SUCCESS) {
          done.complete(null);
        } else {
          done.completeExceptionally(Status.UNAUTHENTICATED
              .withDescription("worker sent a SASL challenge the PLAIN mechanism cannot answer").asRuntimeException());
        }
      }

      @Override
      public void onError(Throwable t) {
        dead();
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        dead();
        done.completeExceptionally(Status.UNAUTHENTICATED
            .withDescription("worker closed the login stream").asRuntimeException());
      }

      private void dead() {
        SaslLogin s = self[0];
        if (s != null) {
          s.alive = false;
        }
      }
    };
    ClientCallStreamObserver<SaslMessage> requests = (ClientCallStreamObserver<SaslMessage>)
        SaslAuthenticationServiceGrpc.newStub(channel).authenticate(answers);
    SaslLogin login = new SaslLogin(clientId, requests);
    self[0] = login;
    synchronized (login) {
      requests.onNext(SaslMessage.newBuilder()
          .setMessageType(SaslMessageType.CHALLENGE)
          .setMessage(ByteString.copyFrom(plainMessage(user)))
          .setClientId(clientId)
          .setChannelRef(channelRef)
          .setAuthenticationScheme(ChannelAuthenticationScheme.SIMPLE)
          .build());
    }
    try {
      done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return login;
    } catch (TimeoutException e) {
      requests.cancel("login timed out", null);
      throw Status.DEADLINE_EXCEEDED.withDescription("no login answer within " + timeout).asRuntimeException();
    } catch (ExecutionException e) {
      throw Status.fromThrowable(e.getCause()).asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requests.cancel("interrupted", null);
      throw Status.CANCELLED.withDescription("interrupted during login").asRuntimeException();
    }
  }

  /** SASL PLAIN initial response: authzid (empty) NUL authcid NUL password. */
  static byte[] plainMessage(String user) {
    return ("\0" + user + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8);
  }

  /** The client id, sent as {@value #CHANNEL_ID_HEADER} on every call of the channel. */
  String channelId() {
    return clientId;
  }

  /** False once the worker ended the login stream (the channel must log in again). */
  boolean isAlive() {
    return alive;
  }

  /** Half-closes the login stream (the worker then forgets the channel). Idempotent. */
  @Override
  public synchronized void close() {
    if (alive) {
      alive = false;
      try {
        requests.onCompleted();
      } catch (RuntimeException e) {
        // Already cancelled or failed: nothing to release.
      }
    }
  }

  /** Adds {@value #CHANNEL_ID_HEADER} with the id {@code channelId} supplies (null: none). */
  static ClientInterceptor channelIdInterceptor(java.util.function.Supplier<String> channelId) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            String id = channelId.get();
            if (id != null) {
              headers.put(CHANNEL_ID, id);
            }
            super.start(listener, headers);
          }
        };
      }
    };
  }
}
