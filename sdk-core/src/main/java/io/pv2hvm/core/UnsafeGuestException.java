package io.pv2hvm.core;

/**
 * The guest's disk holds something pv2hvm refuses to follow or touch: a path that leads out of the
 * guest's root (a symlink to {@code /..}), a symbolic link loop, a device node, FIFO or directory
 * where a file is expected, a file where a directory is expected, or more entries than any real
 * guest has. Raised before anything on the path is read or written; the worker's own files are
 * never reached. Fix the named path in the guest (or restore it from a backup) and run again.
 */
public class UnsafeGuestException extends GuestIncompatibleException {
    private final String guestPath;
    private final String found;

    /**
     * Creates the error.
     *
     * @param guestPath the path inside the guest, as pv2hvm asked for it (e.g. {@code /etc/fstab})
     * @param found     what was there, e.g. {@code a symbolic link loop} or {@code a block special file}
     * @param message   the whole explanation
     */
    public UnsafeGuestException(String guestPath, String found, String message) {
        super(message);
        this.guestPath = guestPath;
        this.found = found;
    }

    /** The path inside the guest that was refused. */
    public String guestPath() {
        return guestPath;
    }

    /** What was found at (or on the way to) that path. */
    public String found() {
        return found;
    }
}
