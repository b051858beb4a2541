/**
 * The cache worker: serves Alluxio 3.x's BlockWorker gRPC service over an under-store, with a
 * page cache, SIMPLE/NOSASL login and etcd membership. {@code bin/alluxio-worker} runs it.
 */
package io.purefuse.worker;
