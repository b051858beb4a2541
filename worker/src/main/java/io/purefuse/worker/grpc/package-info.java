/** The BlockWorker gRPC service: request handlers over the under-store and the page cache. */
package io.purefuse.worker.grpc;
