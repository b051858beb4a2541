package io.purefuse.vfs.cli;

import io.purefuse.vfs.FuseConfig;
import io.purefuse.vfs.cli.AlluxioFuseCommand.UsageError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the Alluxio workers are: {@code --etcd URL[,URL...] [--cluster NAME]} (the membership
 * Alluxio 3.x workers register in etcd) or {@code --workers host:port,...} (a fixed list). Without
 * either, commands run embedded on a local UFS.
 *
 * <p>The options are shorthands for properties ({@value #ETCD_ENDPOINTS}, {@value #CLUSTER_NAME},
 * {@value #WORKERS}), which may also come from {@code --conf} or {@code -D}; options win.
 * Bad values are usage errors (exit 2).
 */
final class ClusterOptions {
    /** Alluxio's comma separated etcd endpoints. */
    static final String ETCD_ENDPOINTS = "alluxio.etcd.endpoints";
    /** Alluxio's cluster name (the etcd key prefix); default {@code DefaultAlluxioCluster}. */
    static final String CLUSTER_NAME = "alluxio.cluster.name";
    /** purefuse's static worker list, {@code host:port,...}. */
    static final String WORKERS = "purefuse.workers";
    /** Alluxio's membership kind; {@code STATIC} with {@value #STATIC_FILE} is a static list too. */
    static final String MEMBERSHIP_TYPE = "alluxio.worker.membership.manager.type";
    static final String STATIC_FILE = "alluxio.worker.static.config.file";

    @Option(names = "--etcd", paramLabel = "URL[,URL...]",
            description = "etcd endpoints holding the worker membership (" + ETCD_ENDPOINTS + "), e.g. http://127.0.0.1:2379.")
    String etcd;

    @Option(names = "--cluster", paramLabel = "NAME",
            description = "Alluxio cluster name in etcd (" + CLUSTER_NAME + ", default DefaultAlluxioCluster).")
    String cluster;

    @Option(names = "--workers", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "A fixed list of worker gRPC addresses (" + WORKERS + "), instead of etcd.")
    String workers;

    /** Validates the options and sets their properties on {@code config}. */
    void applyTo(FuseConfig config) {
        if (etcd != null && workers != null) {
            throw new UsageError("give either --etcd or --workers, not both");
        }
        if (cluster != null && etcd == null && config.get(ETCD_ENDPOINTS) == null) {
            throw new UsageError("--cluster names a cluster in etcd: give --etcd too");
        }
        if (cluster != null && (cluster.isBlank() || cluster.contains("/"))) {
            throw new UsageError("bad --cluster '" + cluster + "': a non-empty name without '/'");
        }
        if (etcd != null) {
            config.set(ETCD_ENDPOINTS, String.join(",", etcdEndpoints(etcd)));
        }
        if (cluster != null) {
            config.set(CLUSTER_NAME, cluster);
        }
        if (workers != null) {
            config.set(WORKERS, String.join(",", workerAddresses(workers)));
        }
    }

    /** The same options as arguments, for a child process. */
    List<String> arguments() {
        List<String> a = new ArrayList<>();
        if (etcd != null) {
            a.add("--etcd");
            a.add(etcd);
        }
        if (cluster != null) {
            a.add("--cluster");
            a.add(cluster);
        }
        if (workers != null) {
            a.add("--workers");
            a.add(workers);
        }
        return a;
    }

    /** Whether {@code config} names a cluster (else: embedded on a local UFS). */
    static boolean isCluster(FuseConfig config) {
        return config.get(ETCD_ENDPOINTS) != null || config.get(WORKERS) != null
                || "STATIC".equalsIgnoreCase(String.valueOf(config.get(MEMBERSHIP_TYPE)))
                || "ETCD".equalsIgnoreCase(String.valueOf(config.get(MEMBERSHIP_TYPE)));
    }

    /** One line saying where the workers come from, for messages. */
    static String describe(FuseConfig config) {
        if (config.get(ETCD_ENDPOINTS) != null) {
            String name = config.get(CLUSTER_NAME);
            return "workers from etcd " + config.get(ETCD_ENDPOINTS) + " (cluster "
                    + (name != null ? name : "DefaultAlluxioCluster") + ")";
        }
        if (config.get(WORKERS) != null) {
            return "workers " + config.get(WORKERS);
        }
        return "workers from " + config.get(STATIC_FILE);
    }

    /** Parses {@code --etcd}: URLs {@code http(s)://host[:port]}; a bare {@code host:port} means http. */
    static List<String> etcdEndpoints(String value) {
        List<String> out = new ArrayList<>();
        for (String raw : value.split(",", -1)) {
            String s = raw.strip();
            if (s.isEmpty()) {
                throw new UsageError("bad --etcd '" + value + "': an empty endpoint");
            }
            String url = s.contains("://") ? s : "http://" + s;
            URI u;
            try {
                u = new URI(url);
            } catch (URISyntaxException e) {
                throw new UsageError("bad --etcd endpoint '" + s + "': " + e.getReason());
            }
            if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
                throw new UsageError("bad --etcd endpoint '" + s + "': the scheme must be http or https");
            }
            if (u.getHost() == null) {
                throw new UsageError("bad --etcd endpoint '" + s + "': no host (like http://127.0.0.1:2379)");
            }
            if (u.getPort() == 0 || u.getPort() > 65535) {
                throw new UsageError("bad --etcd endpoint '" + s + "': port out of range");
            }
            if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
                throw new UsageError("bad --etcd endpoint '" + s + "': an endpoint has no path");
            }
            out.add(u.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + u.getRawAuthority());
        }
        return out;
    }

    /** Parses {@code --workers}: {@code host:port} entries ({@code [v6]:port} for IPv6), port 1-65535. */
    static List<String> workerAddresses(String value) {
        List<String> out = new ArrayList<>();
        for (String raw : value.split(",", -1)) {
            String s = raw.strip();
            int colon = s.lastIndexOf(':');
            if (s.isEmpty() || colon <= 0 || colon == s.length() - 1) {
                throw new UsageError("bad --workers entry '" + s + "': expected HOST:PORT");
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") != host.endsWith("]") || (!host.startsWith("[") && host.contains(":"))) {
                throw new UsageError("bad --workers entry '" + s + "': write an IPv6 host as [addr]:port");
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new UsageError("bad --workers entry '" + s + "': the port is not a number");
            }
            if (port < 1 || port > 65535) {
                throw new UsageError("bad --workers entry '" + s + "': port " + port + " out of range 1-65535");
            }
            out.add(host + ":" + port);
        }
        return out;
    }
}
