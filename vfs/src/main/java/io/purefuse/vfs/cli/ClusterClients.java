package io.purefuse.vfs.cli;

import io.purefuse.backend.BackendException;
import io.purefuse.vfs.FuseConfig;

/** Opens the {@link ClusterClient} a configuration names. */
final class ClusterClients {
    private ClusterClients() {}

    /**
     * PLACEHOLDER until the Alluxio worker client (backend/alluxio) lands: then this builds it
     * with {@code Backends.fromProperties} and adapts it.
     */
    static ClusterClient open(FuseConfig config) throws BackendException {
        throw new IllegalStateException("the Alluxio worker client is not built yet");
    }
}
