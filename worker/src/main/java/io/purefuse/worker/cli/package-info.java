/** The {@code alluxio-worker} command line. */
package io.purefuse.worker.cli;
