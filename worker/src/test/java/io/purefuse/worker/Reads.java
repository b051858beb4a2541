package io.purefuse.worker;

import alluxio.grpc.ReadRequest;
import alluxio.grpc.ReadResponse;
import alluxio.proto.dataserver.Protocol.OpenUfsBlockOptions;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** ReadBlock as Alluxio's GrpcDataReader drives it: request, then an offset_received ack per chunk. */
final class Reads {
  static final Object DONE = new Object();

  record Result(byte[] data, List<Integer> chunks) {}

  private Reads() {}

  static ReadRequest request(String ufsPath, long fileLength, long offset, long length, long chunk, boolean noCache) {
    return ReadRequest.newBuilder()
        .setBlockId(-1)
        .setOffset(offset)
        .setLength(length)
        .setChunkSize(chunk)
        .setOpenUfsBlockOptions(OpenUfsBlockOptions.newBuilder()
            .setUfsPath(ufsPath)
            .setOffsetInFile(0)
            .setBlockSize(fileLength)
            .setNoCache(noCache))
        .build();
  }

  /** A stream whose responses (ReadResponse, Throwable or DONE) land in the returned queue. */
  static StreamObserver<ReadRequest> open(WorkerClient c, BlockingQueue<Object> q) {
    return c.async().readBlock(new StreamObserver<ReadResponse>() {
      @Override
      public void onNext(ReadResponse r) {
        q.add(r);
      }

      @Override
      public void onError(Throwable t) {
        q.add(t);
      }

      @Override
      public void onCompleted() {
        q.add(DONE);
      }
    });
  }

  static Result read(WorkerClient c, String ufsPath, long fileLength, long offset, long length, long chunk)
      throws Exception {
    return read(c, request(ufsPath, fileLength, offset, length, chunk, false));
  }

  static Result read(WorkerClient c, ReadRequest r) throws Exception {
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    StreamObserver<ReadRequest> s = open(c, q);
    s.onNext(r);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> chunks = new ArrayList<>();
    long pos = r.getOffset();
    while (true) {
      Object o = q.poll(30, TimeUnit.SECONDS);
      if (o == null) {
        s.onError(new IllegalStateException("timeout"));
        throw new AssertionError("ReadBlock stalled after " + (pos - r.getOffset()) + " bytes");
      }
      if (o == DONE) {
        break;
      }
      if (o instanceof Throwable) {
        throw (Exception) o;
      }
      ReadResponse resp = (ReadResponse) o;
      int n = resp.getChunk().getData().size();
      resp.getChunk().getData().writeTo(out);
      chunks.add(n);
      pos += n;
      s.onNext(r.toBuilder().setOffsetReceived(pos).build());
    }
    s.onCompleted();
    return new Result(out.toByteArray(), chunks);
  }
}
