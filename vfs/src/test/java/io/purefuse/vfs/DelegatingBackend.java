package io.purefuse.vfs;

import io.purefuse.backend.AlluxioPath;
import io.purefuse.backend.BackendException;
import io.purefuse.backend.Capability;
import io.purefuse.backend.CreateOptions;
import io.purefuse.backend.DirectoryListing;
import io.purefuse.backend.FileInStream;
import io.purefuse.backend.FileOutStream;
import io.purefuse.backend.FileStatus;
import io.purefuse.backend.FileSystemBackend;
import io.purefuse.backend.ListOptions;
import io.purefuse.backend.RandomAccessFileHandle;
import io.purefuse.backend.RenameOptions;
import io.purefuse.backend.SetAttributeOptions;
import io.purefuse.backend.SpaceInfo;
import java.util.Optional;
import java.util.Set;

/** Forwards every call to a real backend; tests override the calls they observe or delay. */
class DelegatingBackend implements FileSystemBackend {
    final FileSystemBackend d;

    DelegatingBackend(FileSystemBackend d) {
        this.d = d;
    }

    @Override
    public String describe() {
        return d.describe();
    }

    @Override
    public Set<Capability> capabilities() {
        return d.capabilities();
    }

    @Override
    public String ufsPath(AlluxioPath path) {
        return d.ufsPath(path);
    }

    @Override
    public FileStatus getStatus(AlluxioPath path) throws BackendException {
        return d.getStatus(path);
    }

    @Override
    public boolean exists(AlluxioPath path) throws BackendException {
        return d.exists(path);
    }

    @Override
    public DirectoryListing listStatus(AlluxioPath dir, ListOptions options) throws BackendException {
        return d.listStatus(dir, options);
    }

    @Override
    public FileStatus createDirectory(AlluxioPath path, CreateOptions options) throws BackendException {
        return d.createDirectory(path, options);
    }

    @Override
    public FileOutStream createFile(AlluxioPath path, CreateOptions options) throws BackendException {
        return d.createFile(path, options);
    }

    @Override
    public FileInStream openFile(AlluxioPath path) throws BackendException {
        return d.openFile(path);
    }

    @Override
    public RandomAccessFileHandle openForRandomWrite(AlluxioPath path) throws BackendException {
        return d.openForRandomWrite(path);
    }

    @Override
    public void delete(AlluxioPath path, boolean recursive) throws BackendException {
        d.delete(path, recursive);
    }

    @Override
    public void rename(AlluxioPath src, AlluxioPath dst, RenameOptions options) throws BackendException {
        d.rename(src, dst, options);
    }

    @Override
    public FileStatus setAttributes(AlluxioPath path, SetAttributeOptions options) throws BackendException {
        return d.setAttributes(path, options);
    }

    @Override
    public FileStatus truncate(AlluxioPath path, long length) throws BackendException {
        return d.truncate(path, length);
    }

    @Override
    public FileStatus createSymlink(AlluxioPath path, String target, CreateOptions options) throws BackendException {
        return d.createSymlink(path, target, options);
    }

    @Override
    public String readSymlink(AlluxioPath path) throws BackendException {
        return d.readSymlink(path);
    }

    @Override
    public Optional<SpaceInfo> getSpace() throws BackendException {
        return d.getSpace();
    }

    @Override
    public void close() throws BackendException {
        // the fixture closes the real backend
    }
}
