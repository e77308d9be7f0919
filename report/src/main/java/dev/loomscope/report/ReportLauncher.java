package dev.loomscope.report;

import java.lang.reflect.InvocationTargetException;

/**
 * The report jar's {@code Main-Class}. Compiled for Java 8 so that an older {@code java} says in one line which Java
 * it needs instead of failing with {@code UnsupportedClassVersionError}; everything else is in classes compiled for
 * Java 21, reached only after the version check. {@code --version} is answered here, on any Java.
 */
public final class ReportLauncher {
    private static final int FIRST_SUPPORTED_JAVA = 21;
    /** Exit code of unusable input, {@code ExitCode.UNUSABLE_INPUT} (docs/report.md). */
    private static final int UNUSABLE = 2;

    private ReportLauncher() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("version"))) {
            String version = ReportLauncher.class.getPackage().getImplementationVersion();
            System.out.println("loomscope-report " + (version == null ? "(development build)" : version));
            System.exit(0);
        }
        if (featureVersion() < FIRST_SUPPORTED_JAVA) {
            System.err.println("loomscope-report: needs Java " + FIRST_SUPPORTED_JAVA + " or later; this is Java "
                    + System.getProperty("java.version"));
            System.exit(UNUSABLE);
        }
        try {
            Class.forName("dev.loomscope.report.ReportMain").getMethod("main", String[].class)
                    .invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            System.err.println("loomscope-report: internal error: " + e.getCause());
            System.exit(UNUSABLE);
        } catch (ReflectiveOperationException e) {
            System.err.println("loomscope-report: broken jar: " + e);
            System.exit(UNUSABLE);
        }
    }

    /** 8 for "1.8", else the first number of {@code java.specification.version}. */
    private static int featureVersion() {
        String spec = System.getProperty("java.specification.version", "0");
        if (spec.startsWith("1.")) {
            spec = spec.substring(2);
        }
        int dot = spec.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? spec : spec.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
