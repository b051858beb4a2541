package io.purefuse.backend.membership;

/**
 * Where a worker listens, as in Alluxio's {@code WorkerNetAddress}: the gRPC port carries every
 * call this client makes; the other ports are published for compatibility and shown to users.
 */
public record WorkerAddress(String host, int rpcPort, int dataPort, int nettyDataPort, int webPort) {
  /** Alluxio's default worker gRPC port. */
  public static final int DEFAULT_RPC_PORT = 29999;
  /** Alluxio's default worker web port. */
  public static final int DEFAULT_WEB_PORT = 30000;

  /** An address with only the gRPC port known (static lists): the other ports are 0. */
  public static WorkerAddress rpc(String host, int rpcPort) {
    return new WorkerAddress(host, rpcPort, 0, 0, 0);
  }

  /** {@code host:rpcPort}. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + rpcPort;
  }
}
