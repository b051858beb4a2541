package io.purefuse.harness.cluster;

import io.purefuse.backend.membership.EtcdConfig;
import io.purefuse.backend.membership.EtcdWorkerRegistration;
import io.purefuse.backend.membership.WorkerAddress;
import io.purefuse.backend.membership.WorkerIdentity;
import io.purefuse.backend.membership.WorkerInfo;
import java.time.Duration;
import java.util.List;

/**
 * A process that does nothing but hold a worker's etcd registration, so tests can kill it with
 * a signal and watch the lease expire. Arguments: {@code endpoint cluster uuid host rpcPort
 * ttlSeconds}. Prints {@code REGISTERED <lease id>} once registered; deregisters and exits when
 * its standard input closes.
 */
public final class WorkerRegistrationMain {
    private WorkerRegistrationMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: WorkerRegistrationMain endpoint cluster uuid host rpcPort ttlSeconds");
            System.exit(2);
        }
        WorkerInfo worker = new WorkerInfo(WorkerIdentity.parse(args[2]),
                new WorkerAddress(args[3], Integer.parseInt(args[4]), 0, 0, 0));
        try (EtcdWorkerRegistration r = EtcdWorkerRegistration.register(
                new EtcdConfig(List.of(args[0]), args[1]), worker, Duration.ofSeconds(Long.parseLong(args[5])))) {
            System.out.println("REGISTERED " + Long.toHexString(r.leaseId()));
            System.out.flush();
            while (System.in.read() >= 0) {
                // Hold the registration until the parent closes our stdin (or kills us).
            }
        }
    }
}
