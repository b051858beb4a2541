package io.purefuse.harness.cluster;

import java.time.Duration;
import java.util.Map;

/** Client and worker properties the cluster tests set on top of a cluster's own. */
final class ClusterTestProperties {
    /** The client's deadline of every unary call (AlluxioClientConfig.RPC_TIMEOUT). */
    static final String RPC_TIMEOUT = "purefuse.worker.rpc.timeout";
    /** The client's idle deadline of a read stream (Alluxio's name). */
    static final String READ_TIMEOUT = "alluxio.user.streaming.data.read.timeout";
    /** The client's wait for a worker to take write data or acknowledge a flush (Alluxio's name). */
    static final String WRITE_TIMEOUT = "alluxio.user.streaming.data.write.timeout";
    /** The worker's etcd lease TTL (Alluxio's name; default 2 min). */
    static final String LEASE_TTL = "alluxio.worker.failure.detection.timeout";

    private ClusterTestProperties() {}

    /** Short deadlines, so that a dead or frozen worker is noticed within seconds. */
    static Map<String, String> faultClient(Duration rpcDeadline) {
        String d = rpcDeadline.toMillis() + "ms";
        return Map.of(RPC_TIMEOUT, d, READ_TIMEOUT, d, WRITE_TIMEOUT, d);
    }
}
