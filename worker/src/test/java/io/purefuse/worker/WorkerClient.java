package io.purefuse.worker;

import alluxio.grpc.BlockWorkerGrpc;
import alluxio.grpc.ChannelAuthenticationScheme;
import alluxio.grpc.SaslAuthenticationServiceGrpc;
import alluxio.grpc.SaslMessage;
import alluxio.grpc.SaslMessageType;
import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test client on one gRPC channel: logs in as Alluxio's client does (SIMPLE: SASL PLAIN
 * CHALLENGE with a random channel id, stream kept open) and sends {@code channel-id} on every
 * call.
 */
final class WorkerClient implements AutoCloseable {
  static final Metadata.Key<String> CHANNEL_ID = Metadata.Key.of("channel-id", Metadata.ASCII_STRING_MARSHALLER);

  final ManagedChannel channel;
  final UUID channelId = UUID.randomUUID();
  private final Channel withId;
  private StreamObserver<SaslMessage> authStream;
  /** Completed when the worker ends the login stream. */
  final CompletableFuture<Void> revoked = new CompletableFuture<>();

  private WorkerClient(ManagedChannel channel) {
    this.channel = channel;
    Metadata h = new Metadata();
    h.put(CHANNEL_ID, channelId.toString());
    this.withId = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(h));
  }

  /** A channel to the worker, not logged in. */
  static WorkerClient connect(int port) {
    return connect("127.0.0.1", port);
  }

  static WorkerClient connect(String host, int port) {
    return new WorkerClient(NettyChannelBuilder.forAddress(host, port).usePlaintext()
        .maxInboundMessageSize(8 << 20).build());
  }

  /** A channel to the worker, logged in as {@code user}. */
  static WorkerClient loggedIn(int port, String user) throws Exception {
    WorkerClient c = connect(port);
    c.login(user);
    return c;
  }

  /** Logs in: the answer must be SUCCESS. */
  void login(String user) throws Exception {
    CompletableFuture<SaslMessage> answer = new CompletableFuture<>();
    authStream = SaslAuthenticationServiceGrpc.newStub(withId).authenticate(new StreamObserver<>() {
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
        answer.completeExceptionally(new IllegalStateException("authentication stream closed by the worker"));
        revoked.complete(null);
      }
    });
    authStream.onNext(SaslMessage.newBuilder()
        .setMessageType(SaslMessageType.CHALLENGE)
        .setMessage(ByteString.copyFrom("\0" + user + "\0noPassword", StandardCharsets.UTF_8))
        .setClientId(channelId.toString())
        .setChannelRef("test-" + channelId)
        .setAuthenticationScheme(ChannelAuthenticationScheme.SIMPLE)
        .build());
    SaslMessage m = answer.get(10, TimeUnit.SECONDS);
    if (m.getMessageType() != SaslMessageType.SUCCESS) {
      throw new IllegalStateException("login answered " + m);
    }
  }

  /** Ends the login (the channel is no longer authenticated). */
  void logout() {
    if (authStream != null) {
      authStream.onCompleted();
      authStream = null;
    }
  }

  BlockWorkerGrpc.BlockWorkerBlockingStub blocking() {
    return BlockWorkerGrpc.newBlockingStub(withId).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  BlockWorkerGrpc.BlockWorkerStub async() {
    return BlockWorkerGrpc.newStub(withId);
  }

  @Override
  public void close() throws InterruptedException {
    logout();
    channel.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
  }
}
