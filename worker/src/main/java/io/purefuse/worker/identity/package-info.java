/** The worker's persistent ring identity. */
package io.purefuse.worker.identity;
