package io.purefuse.vfs.cli;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Backends;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.alluxio.AlluxioWorkerBackend;
import io.purefuse.backend.alluxio.LoadResult;
import io.purefuse.backend.membership.WorkerInfo;
import io.purefuse.vfs.FuseConfig;
import java.util.function.LongConsumer;

/** Opens the {@link ClusterClient} a configuration names: the Alluxio worker client. */
final class ClusterClients {
    private ClusterClients() {}

    /**
     * The worker client for {@code config} (which {@link ClientOptions#resolve} checked names a
     * cluster).
     *
     * @throws BackendException the client cannot be built (bad property, membership unreadable)
     */
    static ClusterClient open(FuseConfig config) throws BackendException {
        FileSystemBackend b = Backends.fromProperties(config.explicitValues());
        if (!(b instanceof AlluxioWorkerBackend w)) {
            String d = b.describe();
            b.close();
            throw new IllegalStateException("the configuration names no worker cluster (got " + d + ")");
        }
        awaitMembership(w);
        return new Adapter(w);
    }

    /**
     * Waits (up to the client's RPC deadline) until the membership names at least one live
     * worker. A fresh etcd client may need a few seconds for its first listing on a busy host,
     * and a command that asked before then would fail at once with "no live worker". Returns
     * early when a worker is known; after the deadline the first call reports the real cause.
     */
    static void awaitMembership(FileSystemBackend backend) {
        if (!(backend instanceof AlluxioWorkerBackend w)) {
            return;
        }
        long deadline = System.nanoTime() + w.config().rpcTimeout().toNanos();
        while (w.liveWorkers().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private record Adapter(AlluxioWorkerBackend client) implements ClusterClient {
        @Override
        public FileSystemBackend backend() {
            return client;
        }

        @Override
        public String ufsPath(AlluxioPath path) {
            return client.ufsPath(path);
        }

        @Override
        public WorkerInfo ownerOf(AlluxioPath path) throws BackendException {
            return client.ownerOf(path);
        }

        @Override
        public long load(AlluxioPath path, LongConsumer progress) throws BackendException {
            LoadResult r = client.load(path, (done, total) -> progress.accept(done));
            return r.length();
        }

        @Override
        public int cachedPercentage(AlluxioPath path) throws BackendException {
            return client.cachedPercentage(path);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
