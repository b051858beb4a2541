/**
 * The worker's view of its under-store: mapping the full UFS paths of requests to namespace paths
 * under the worker's root, with confinement.
 */
package io.purefuse.worker.ufs;
