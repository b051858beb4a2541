package io.purefuse.vfs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.NotFoundException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Userspace metadata cache ({@code alluxio.user.metadata.cache.*}): backend path -&gt;
 * {@link FileStatus}, or a negative entry for a path known not to exist. Bounded by entry count,
 * entries expire a fixed time after they were written.
 *
 * <p>Consistency with our own mutations: every mutation invalidates the paths it touched and
 * bumps a version counter; a load that started before a mutation does not store its (possibly
 * stale) result. Changes made to the store behind our back are seen after the expiration time.
 * A max size or expiration of 0 disables the cache.
 */
public final class MetadataCache {
    /** Loads a status; throws {@link NotFoundException} for a missing path. */
    @FunctionalInterface
    public interface Loader {
        FileStatus load(AlluxioPath path) throws BackendException;
    }

    private static final FileStatus NEGATIVE = null;

    /** Wrapper so that a negative entry can be stored. */
    private record Entry(FileStatus status) {}

    private final Cache<AlluxioPath, Entry> cache;
    private final AtomicLong version = new AtomicLong();

    public MetadataCache(long maxSize, Duration expiration) {
        if (maxSize <= 0 || expiration.isZero() || expiration.isNegative()) {
            cache = null;
        } else {
            cache = Caffeine.newBuilder().maximumSize(maxSize).expireAfterWrite(expiration).build();
        }
    }

    public boolean enabled() {
        return cache != null;
    }

    /**
     * The status of {@code path}, from the cache or the loader; {@code null} if it does not exist.
     * Other backend failures propagate.
     */
    public FileStatus get(AlluxioPath path, Loader loader) throws BackendException {
        if (cache == null) {
            try {
                return loader.load(path);
            } catch (NotFoundException e) {
                return NEGATIVE;
            }
        }
        Entry e = cache.getIfPresent(path);
        if (e != null) {
            return e.status;
        }
        long v = version.get();
        FileStatus st;
        try {
            st = loader.load(path);
        } catch (NotFoundException nf) {
            st = NEGATIVE;
        }
        if (version.get() == v) {
            cache.put(path, new Entry(st));
        }
        return st;
    }

    /** Stores a status we just obtained (listing, create, setattr); ignored if a mutation raced. */
    public void put(FileStatus status, long sinceVersion) {
        if (cache != null && version.get() == sinceVersion) {
            cache.put(status.path(), new Entry(status));
        }
    }

    /** Current version, to pass to {@link #put} after a backend call. */
    public long version() {
        return version.get();
    }

    /** Forgets {@code path} (and marks a mutation). */
    public void invalidate(AlluxioPath path) {
        version.incrementAndGet();
        if (cache != null) {
            cache.invalidate(path);
        }
    }

    /** Forgets {@code path}, its parent and everything below it. */
    public void invalidateTree(AlluxioPath path) {
        version.incrementAndGet();
        if (cache != null) {
            cache.invalidate(path);
            if (path.parent() != null) {
                cache.invalidate(path.parent());
            }
            cache.asMap().keySet().removeIf(path::isSameOrAncestorOf);
        }
    }

    /** Forgets {@code path} and its parent (the parent's mtime/nlink changed). */
    public void invalidateWithParent(AlluxioPath path) {
        version.incrementAndGet();
        if (cache != null) {
            cache.invalidate(path);
            if (path.parent() != null) {
                cache.invalidate(path.parent());
            }
        }
    }

    public void clear() {
        version.incrementAndGet();
        if (cache != null) {
            cache.invalidateAll();
        }
    }
}
