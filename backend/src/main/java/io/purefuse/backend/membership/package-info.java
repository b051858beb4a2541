/**
 * Who is in the Alluxio cluster: worker identities and addresses, a static list, and etcd
 * membership with Alluxio's keys and JSON (for clients watching and workers registering).
 */
package io.purefuse.backend.membership;
