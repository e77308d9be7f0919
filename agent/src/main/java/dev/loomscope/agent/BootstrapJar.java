package dev.loomscope.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * The recorder's jar, which must be a file for the boot class path: extracted from the agent jar into
 * {@code java.io.tmpdir} under a name that is the hash of its content ({@code loomscope-bootstrap-<sha256>.jar}), and
 * reused by every later JVM of the same agent version. A fresh temporary file per JVM, deleted on exit, stayed behind
 * after every {@code kill -9}.
 * <p>
 * The temporary directory is shared between users, and this file goes on the boot class path: one is reused only if
 * it is a regular file (not a link), owned by this user, writable by nobody else, and holds exactly the expected
 * bytes. Otherwise the JVM gets a private copy of its own, as before.
 */
final class BootstrapJar {
    private static final String PREFIX = "loomscope-bootstrap-";
    /** What {@code Files.createTempFile(PREFIX, ".jar")} named the private copies of earlier versions. */
    private static final String LEGACY_NAME = PREFIX + "\\d+\\.jar";
    /** Legacy copies older than this are left over from a killed JVM, not in use by a running one. */
    private static final Duration STALE = Duration.ofDays(1);

    private BootstrapJar() {
    }

    static Path extract(String resource) throws IOException {
        byte[] content;
        try (InputStream in = BootstrapJar.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " missing from the agent jar");
            }
            content = in.readAllBytes();
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        removeStaleLegacyCopies(dir);
        Path shared = dir.resolve(PREFIX + sha256(content).substring(0, 32) + ".jar");
        try {
            if (trustworthy(shared, content)) {
                return shared;
            }
            if (!Files.exists(shared, LinkOption.NOFOLLOW_LINKS)) {
                Path temp = Files.createTempFile(dir, PREFIX, ".tmp");
                try {
                    Files.write(temp, content);
                    moveIntoPlace(temp, shared);
                } finally {
                    Files.deleteIfExists(temp);
                }
                if (trustworthy(shared, content)) {
                    return shared;
                }
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // a read-only or non-POSIX temporary directory: fall back to a private copy
        }
        Path own = Files.createTempFile(PREFIX, ".jar");
        own.toFile().deleteOnExit();
        Files.write(own, content);
        return own;
    }

    /** Renames without replacing: if another JVM put the same name in place meanwhile, that one is kept. */
    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            // another JVM was faster: checked by the caller like any other file of that name
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                // leave it to the caller's check
            }
        }
    }

    private static boolean trustworthy(Path file, byte[] content) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (!currentUser(file.getParent()).equals(Files.getOwner(file, LinkOption.NOFOLLOW_LINKS))) {
            return false;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE)
                || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            return false;
        }
        return Arrays.equals(content, Files.readAllBytes(file));
    }

    /** This process's user, as the file system names it: the owner of a file it creates. */
    private static UserPrincipal currentUser(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, PREFIX, ".owner");
        try {
            return Files.getOwner(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** Deletes this user's private copies left by killed JVMs of earlier versions (a day old or more). */
    private static void removeStaleLegacyCopies(Path dir) {
        Instant staleBefore = Instant.now().minus(STALE);
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(dir, PREFIX + "*.jar")) {
            for (Path copy : copies) {
                if (copy.getFileName().toString().matches(LEGACY_NAME)
                        && Files.isRegularFile(copy, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(copy, LinkOption.NOFOLLOW_LINKS)
                        .compareTo(FileTime.from(staleBefore)) < 0) {
                    try {
                        Files.deleteIfExists(copy);
                    } catch (IOException e) {
                        // another user's: not ours
                    }
                }
            }
        } catch (IOException | SecurityException e) {
            // nothing to clean, or not allowed to look
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
