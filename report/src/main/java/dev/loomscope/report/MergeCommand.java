package dev.loomscope.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loomscope.format.DumpJsonWriter;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.validation.DumpValidation;
import dev.loomscope.validation.DumpValidation.Contract;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code merge A.json B.json ... -o FLEET.json}: one dump for many JVMs of one service ({@link DumpMerger}). */
final class MergeCommand {
    static final String HELP = """
            usage: java -jar loomscope-report.jar merge A.json B.json ... -o OUT.json [options]
            Merges dumps of many JVMs of one service into one loomscope/1 dump: counts add up, latency
            distributions are merged exactly (through their HdrHistograms), heatmaps add window by window,
            call sites and leak clusters add up by identical frames. merged.inputs lists the merged JVMs.
              -o, --output FILE   where to write the merged dump (written atomically); '-' for stdout
              --top N             call sites per kind, leak clusters and long slices kept (default %d)
            Exit codes: 0 done, 2 unusable input. See docs/report.md for what each field becomes."""
            .formatted(DumpMerger.DEFAULT_TOP);

    private static final Set<String> VALUE_OPTIONS = Set.of("-o", "--output", "--top");

    private MergeCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws UnusableInputException {
        CliArgs cli = CliArgs.parse("merge", args, VALUE_OPTIONS, Set.of());
        if (cli.help()) {
            out.println(HELP);
            return ExitCode.OK;
        }
        String output = cli.value("-o", cli.value("--output", null));
        if (output == null) {
            throw CliArgs.usage("merge", "-o OUT.json is required");
        }
        if (cli.positional().isEmpty()) {
            throw CliArgs.usage("merge", "no dumps to merge");
        }
        int top;
        try {
            top = Integer.parseInt(cli.value("--top", Integer.toString(DumpMerger.DEFAULT_TOP)));
        } catch (NumberFormatException e) {
            throw CliArgs.usage("merge", "--top needs a whole number");
        }
        if (top < 1) {
            throw CliArgs.usage("merge", "--top must be at least 1");
        }
        List<Dump> inputs = new ArrayList<>();
        for (String file : cli.positional()) {
            Dump dump = Dump.read(Path.of(file));
            // A section missing from an input would be read as null or 0 and written into the merged dump as a
            // true 0: merge refuses it rather than invent one. Fields of a later agent are read past, and noted.
            Optional<DumpValidation.Problem> incomplete = DumpValidation.check(dump.json(), Contract.COMPLETE);
            if (incomplete.isPresent()) {
                throw new UnusableInputException(file + ": " + incomplete.get() + " (merge needs every section)");
            }
            inputs.add(dump);
        }
        DumpMerger.Result result = DumpMerger.merge(inputs, top);
        Optional<DumpValidation.Problem> outputProblem;
        try {
            outputProblem = DumpValidation.check(new ObjectMapper().readTree(json(result.dump())),
                    Contract.AS_WRITTEN);
        } catch (IOException e) {
            throw new UnusableInputException("merge: cannot read back its own output: " + e.getMessage());
        }
        if (outputProblem.isPresent()) {
            throw new UnusableInputException("merge: the merged dump would not be a valid " + LoomscopeDump.SCHEMA
                    + " dump (" + outputProblem.get() + "); nothing written");
        }
        for (String note : result.notes()) {
            err.println("loomscope-report: merge: note: " + note);
        }
        if (output.equals("-")) {
            out.println(new String(json(result.dump()), StandardCharsets.UTF_8));
        } else {
            write(result.dump(), Path.of(output));
            int jvms = result.dump().merged().inputs().size();
            out.println("merged " + jvms + (jvms == 1 ? " JVM" : " JVMs") + " into " + output);
        }
        return ExitCode.OK;
    }

    /** The agent's own writer: a merged dump is written as every dump is. */
    private static byte[] json(LoomscopeDump dump) throws UnusableInputException {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DumpJsonWriter.write(dump, bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UnusableInputException("merge: cannot write JSON: " + e.getMessage());
        }
    }

    /** Atomically (temporary file in the same directory, then rename), like the agent's dumps. */
    private static void write(LoomscopeDump dump, Path file) throws UnusableInputException {
        Path tmp = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".loomscope-merge-", ".json");
            try (OutputStream stream = Files.newOutputStream(tmp)) {
                stream.write(json(dump));
                stream.write('\n');
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UnusableInputException("merge: cannot write " + file + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the rename failed and so will this; the one-line error above is what matters
                }
            }
        }
    }
}
