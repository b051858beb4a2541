/**
 * Getting a {@code /dev/fuse} descriptor mounted on a directory, without libfuse or JNI code.
 *
 * <ul>
 *   <li>{@link io.purefuse.mount.Mounter}: {@code mount(Path, MountOptions)} returns a
 *       {@link io.purefuse.mount.FuseMount}; {@code unmount(Path, boolean lazy)};
 *       {@code isMounted(Path)}. Strategies: fusermount3 (socketpair + posix_spawnp with
 *       {@code _FUSE_COMMFD=3}, fd received over SCM_RIGHTS) or, as root, {@code open("/dev/fuse")}
 *       + {@code mount(2)}. Stale FUSE mounts on the target are detached first; live ones are
 *       refused.</li>
 *   <li>{@link io.purefuse.mount.MountOptions}: the options and how they map to fusermount3's
 *       {@code -o} string or to mount(2) flags and data.</li>
 *   <li>{@link io.purefuse.mount.FuseMount}: the device fd, mount point, options, the
 *       auto_unmount helper; {@code unmount()} / {@code close()}.</li>
 *   <li>{@link io.purefuse.mount.MountTable}: {@code /proc/self/mountinfo}, for listing FUSE
 *       mounts and checking that nothing is left mounted.</li>
 *   <li>{@link io.purefuse.mount.LibC} / {@link io.purefuse.mount.Native}: the tiny jnr-ffi libc
 *       binding (read, write, writev, ioctl, poll, open, close, mount, umount2) and errno helpers,
 *       used by the session module on the device fd.</li>
 * </ul>
 * Failures are {@link io.purefuse.mount.MountException}s with one-line messages.
 */
package io.purefuse.mount;
