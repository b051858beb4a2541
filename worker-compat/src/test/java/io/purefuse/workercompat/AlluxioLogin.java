package io.purefuse.workercompat;

import alluxio.grpc.BlockWorkerGrpc;
import alluxio.grpc.ChannelAuthenticationScheme;
import alluxio.grpc.SaslAuthenticationServiceGrpc;
import alluxio.grpc.SaslMessage;
import alluxio.grpc.SaslMessageType;
import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;

/**
 * A channel logged in the way Alluxio's client does it (AuthenticatedChannelClientDriver with
 * SIMPLE): a random channel id sent as {@code channel-id} metadata on every call, the bidi
 * {@code authenticate} stream opened on that channel, one CHALLENGE carrying the JDK SASL PLAIN
 * client's initial response (user name, password "noPassword"), clientId = channel id,
 * channelRef and scheme SIMPLE; SUCCESS expected; the stream stays open until {@link #close()}.
 */
final class AlluxioLogin implements AutoCloseable {
  static final Metadata.Key<String> CHANNEL_ID = Metadata.Key.of("channel-id", Metadata.ASCII_STRING_MARSHALLER);

  final ManagedChannel managed;
  final Channel channel;
  final UUID channelId = UUID.randomUUID();
  private StreamObserver<SaslMessage> auth;

  private AlluxioLogin(String host, int port) {
    managed = ManagedChannelBuilder.forAddress(host, port).usePlaintext().maxInboundMessageSize(100 << 20).build();
    Metadata h = new Metadata();
    h.put(CHANNEL_ID, channelId.toString());
    channel = ClientInterceptors.intercept(managed, MetadataUtils.newAttachHeadersInterceptor(h));
  }

  /** A channel without login (calls should be refused). */
  static AlluxioLogin anonymous(String host, int port) {
    return new AlluxioLogin(host, port);
  }

  static AlluxioLogin simple(String host, int port, String user) throws Exception {
    AlluxioLogin l = new AlluxioLogin(host, port);
    try {
      l.login(user);
    } catch (Exception | Error e) {
      l.close();
      throw e;
    }
    return l;
  }

  private void login(String user) throws Exception {
    SaslClient plain = Sasl.createSaslClient(new String[] {"PLAIN"}, null, null, "localhost", new HashMap<>(),
        callbacks -> {
          for (Callback cb : callbacks) {
            if (cb instanceof NameCallback) {
              ((NameCallback) cb).setName(user);
            } else if (cb instanceof PasswordCallback) {
              ((PasswordCallback) cb).setPassword("noPassword".toCharArray());
            } else {
              throw new UnsupportedCallbackException(cb);
            }
          }
        });
    byte[] initial = plain.evaluateChallenge(new byte[0]);
    CompletableFuture<SaslMessage> answer = new CompletableFuture<>();
    auth = SaslAuthenticationServiceGrpc.newStub(channel).authenticate(new StreamObserver<>() {
      @Override
      public void onNext(SaslMessage m) {
        answer.complete(m);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        answer.completeExceptionally(new IllegalStateException("authentication revoked by the worker"));
      }
    });
    auth.onNext(SaslMessage.newBuilder()
        .setMessageType(SaslMessageType.CHALLENGE)
        .setAuthenticationScheme(ChannelAuthenticationScheme.SIMPLE)
        .setMessage(ByteString.copyFrom(initial))
        .setClientId(channelId.toString())
        .setChannelRef("compat-test@" + channelId)
        .build());
    SaslMessage m = answer.get(20, TimeUnit.SECONDS);
    if (m.getMessageType() != SaslMessageType.SUCCESS) {
      throw new IllegalStateException("login answered " + m);
    }
    if (m.hasMessage()) {
      plain.evaluateChallenge(m.getMessage().toByteArray());
    }
    if (!plain.isComplete()) {
      throw new IllegalStateException("SASL PLAIN not complete after SUCCESS");
    }
  }

  BlockWorkerGrpc.BlockWorkerBlockingStub blocking() {
    return BlockWorkerGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  BlockWorkerGrpc.BlockWorkerStub async() {
    return BlockWorkerGrpc.newStub(channel);
  }

  @Override
  public void close() throws InterruptedException {
    if (auth != null) {
      auth.onCompleted();
    }
    managed.shutdownNow();
    managed.awaitTermination(10, TimeUnit.SECONDS);
  }
}
