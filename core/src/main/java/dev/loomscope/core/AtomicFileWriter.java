package dev.loomscope.core;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes a file so that a reader sees either the old content or the whole new content, never a part: the data goes
 * to a hidden temporary file in the same directory (same file system, so the rename is atomic), is forced to disk,
 * and is renamed over the target. New files are readable by the owner only (0600): dumps name code and threads.
 * <p>
 * A JVM may exit while a dump thread writes (a SIGQUIT just before exit): {@link #finishOrDiscardAtExit} lets such a
 * write finish for a moment and then removes its temporary file, so an exit leaves no hidden {@code .tmp-} files.
 */
public final class AtomicFileWriter {
    /** Temporary files being written now. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    /** Set at exit: no new write starts, so none can create a temporary file after the clean-up looked. */
    private static volatile boolean exiting;

    private AtomicFileWriter() {
    }

    /**
     * Called once at JVM exit, after the exit dump: waits up to {@code wait} for writes in flight to finish, then
     * deletes the temporary files of those that did not (the JVM halts right after the shutdown hooks, killing their
     * threads mid-write). Writes that begin afterwards fail with an {@link IOException}.
     */
    public static void finishOrDiscardAtExit(Duration wait) {
        exiting = true; // before looking at IN_FLIGHT: a writer adds itself before it checks this (Dekker-style)
        long deadline = System.nanoTime() + wait.toNanos();
        while (!IN_FLIGHT.isEmpty() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        for (Path temp : IN_FLIGHT) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // the JVM is halting: nothing better to do
            }
        }
    }

    /**
     * Writes the bytes {@code body} produces to {@code target}. An existing target must be a regular file or a
     * symbolic link (the link itself is replaced, never followed); anything else (a device, a FIFO, a directory) is
     * refused: renaming over {@code /dev/null} in a JVM running as root would replace the system's device.
     */
    public static void write(Path target, IOBody body) throws IOException {
        Path absolute = target.toAbsolutePath();
        String notAFile = notARegularFile(absolute);
        if (notAFile != null) {
            throw new IOException(absolute + " is " + notAFile + ", not a regular file: not replaced");
        }
        Path dir = absolute.getParent();
        Path temp = dir.resolve("." + absolute.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        IN_FLIGHT.add(temp);
        try {
            if (exiting) {
                throw new JvmExiting();
            }
            try {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(temp);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                body.writeTo(out);
                out.flush();
                channel.force(true); // on disk before the rename makes it visible
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                Files.deleteIfExists(temp);
            } finally {
                IN_FLIGHT.remove(temp);
            }
        }
    }

    /** What {@code path} is if it exists and is neither a regular file nor a symbolic link, else null. */
    static String notARegularFile(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isRegularFile() || attributes.isSymbolicLink()) {
            return null;
        }
        return attributes.isDirectory() ? "a directory" : "a device, FIFO or socket";
    }

    /** Produces a file's content. */
    @FunctionalInterface
    public interface IOBody {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A write refused because the JVM's exit has begun: its exit dump is written, and no other write starts. */
    static final class JvmExiting extends IOException {
        JvmExiting() {
            super("the JVM is exiting");
        }
    }
}
