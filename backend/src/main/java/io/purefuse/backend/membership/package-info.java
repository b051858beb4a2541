/**
 * Who is in the Alluxio cluster.
 *
 * <ul>
 *   <li>{@link io.purefuse.backend.membership.Membership}: the live worker set a client routes
 *       over; {@link io.purefuse.backend.membership.Memberships} builds one from Alluxio-style
 *       properties ({@link io.purefuse.backend.membership.MembershipProperties}).
 *   <li>{@link io.purefuse.backend.membership.StaticMembership}: a fixed list, parsed by
 *       {@link io.purefuse.backend.membership.StaticWorkerLists} ({@code host:port,...} or
 *       Alluxio's worker-list file).
 *   <li>{@link io.purefuse.backend.membership.EtcdMembership}: the values under
 *       {@code /ServiceDiscovery/<cluster>/}, watched; what Alluxio's clients read.
 *   <li>{@link io.purefuse.backend.membership.EtcdWorkerRegistration}: a worker's ring and
 *       liveness keys, the latter under a kept-alive lease.
 *   <li>{@link io.purefuse.backend.membership.EtcdKeys} and
 *       {@link io.purefuse.backend.membership.EtcdWorkerRecord}: Alluxio 3.x's key layout and
 *       JSON value.
 * </ul>
 */
package io.purefuse.backend.membership;
