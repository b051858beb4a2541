/**
 * The Alluxio 3.x worker client behind the storage SPI: {@link
 * io.purefuse.backend.alluxio.AlluxioWorkerBackend} routes every call by its full UFS path on the
 * consistent-hash ring of the live workers and speaks the worker's gRPC protocol (SASL login,
 * GetStatus/ListStatus, ReadBlock with prefetch, WriteBlock, CreateFile/CompleteFile, ...).
 */
package io.purefuse.backend.alluxio;
