package io.purefuse.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import alluxio.grpc.ChannelAuthenticationScheme;
import alluxio.grpc.ExistsPRequest;
import alluxio.grpc.SaslAuthenticationServiceGrpc;
import alluxio.grpc.SaslMessage;
import alluxio.grpc.SaslMessageType;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.purefuse.worker.auth.AuthType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIMPLE login as Alluxio's client does it; NOSASL. */
class AuthenticationTest {
  @TempDir Path tmp;

  static Status.Code exists(WorkerClient c, String path) {
    Throwable t = catchThrowable(() -> c.blocking().exists(ExistsPRequest.newBuilder().setPath(path).build()));
    return t == null ? Status.Code.OK : ((StatusRuntimeException) t).getStatus().getCode();
  }

  @Test
  void simpleRefusesCallsWithoutLogin() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    try (AlluxioWorker w = TestWorker.start(ufs, null)) {
      try (WorkerClient anonymous = WorkerClient.connect(w.port())) {
        // channel-id sent, but never logged in
        assertThat(exists(anonymous, ufs.toString())).isEqualTo(Status.Code.UNAUTHENTICATED);
        anonymous.login("dave");
        assertThat(exists(anonymous, ufs.toString())).isEqualTo(Status.Code.OK);
        assertThat(w.authenticatedChannels()).isEqualTo(1);
        anonymous.logout();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (w.authenticatedChannels() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(exists(anonymous, ufs.toString())).isEqualTo(Status.Code.UNAUTHENTICATED);
      }
      // No channel-id header at all.
      io.grpc.ManagedChannel raw = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", w.port()).usePlaintext().build();
      try {
        Throwable t = catchThrowable(() -> alluxio.grpc.BlockWorkerGrpc.newBlockingStub(raw)
            .exists(ExistsPRequest.newBuilder().setPath(ufs.toString()).build()));
        assertThat(((StatusRuntimeException) t).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      } finally {
        raw.shutdownNow();
      }
    }
  }

  @Test
  void malformedLoginsAreRefused() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    try (AlluxioWorker w = TestWorker.start(ufs, null); WorkerClient c = WorkerClient.connect(w.port())) {
      for (SaslMessage bad : new SaslMessage[] {
          SaslMessage.newBuilder().setMessageType(SaslMessageType.CHALLENGE)
              .setMessage(ByteString.copyFromUtf8("no-nuls")).setClientId(UUID.randomUUID().toString())
              .setAuthenticationScheme(ChannelAuthenticationScheme.SIMPLE).build(),
          SaslMessage.newBuilder().setMessageType(SaslMessageType.CHALLENGE)
              .setMessage(ByteString.copyFromUtf8("\0u\0p")).setClientId("not-a-uuid")
              .setAuthenticationScheme(ChannelAuthenticationScheme.SIMPLE).build(),
          SaslMessage.newBuilder().setMessageType(SaslMessageType.CHALLENGE)
              .setMessage(ByteString.copyFromUtf8("\0u\0p")).setClientId(UUID.randomUUID().toString())
              .setAuthenticationScheme(ChannelAuthenticationScheme.CUSTOM).build()}) {
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        StreamObserver<SaslMessage> s = SaslAuthenticationServiceGrpc.newStub(c.channel).authenticate(new StreamObserver<>() {
          @Override
          public void onNext(SaslMessage m) {
            failed.complete(null);
          }

          @Override
          public void onError(Throwable t) {
            failed.complete(t);
          }

          @Override
          public void onCompleted() {
            failed.complete(null);
          }
        });
        s.onNext(bad);
        Throwable t = failed.get(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) t).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      }
      assertThat(w.authenticatedChannels()).isZero();
    }
  }

  /** Shutdown ends open logins instead of waiting for clients to drop them. */
  @Test
  void closeRevokesOpenLoginsPromptly() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    AlluxioWorker w = TestWorker.start(ufs, null);
    try (WorkerClient c = WorkerClient.loggedIn(w.port(), "frank")) {
      long t0 = System.nanoTime();
      w.close();
      // Below the 10 s grace period close() would otherwise spend waiting for the login stream.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("close() took").isLessThan(9000);
      c.revoked.get(10, TimeUnit.SECONDS);
    } finally {
      w.close();
    }
  }

  @Test
  void nosaslServesWithoutLogin() throws Exception {
    Path ufs = Files.createDirectories(tmp.resolve("ufs")).toRealPath();
    try (AlluxioWorker w = AlluxioWorker.start(TestWorker.config(ufs, null, 16 << 20, 1 << 20, AuthType.NOSASL));
        WorkerClient c = WorkerClient.connect(w.port())) {
      assertThat(exists(c, ufs.toString())).isEqualTo(Status.Code.OK);
    }
  }
}
