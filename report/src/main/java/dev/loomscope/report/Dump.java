package dev.loomscope.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One Loomscope dump, read and checked: the JSON tree plus the file it came from. Every command reads its input
 * through {@link #read}, so every command rejects bad input the same way, in one line.
 *
 * @param json the whole dump ({@code schema} is {@link #SCHEMA})
 */
public record Dump(Path file, JsonNode json) {
    /** The only schema this version reads. */
    public static final String SCHEMA = "loomscope/1";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static Dump read(Path file) throws UnusableInputException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UnusableInputException(file + ": no such file");
        } catch (IOException e) {
            throw new UnusableInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (bytes.length == 0) {
            throw new UnusableInputException(file + ": empty file, not a Loomscope dump");
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw new UnusableInputException(file + ": not JSON (truncated or corrupt?): "
                    + e.getOriginalMessage().lines().findFirst().orElse("parse error"));
        } catch (IOException e) {
            throw new UnusableInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (json == null || !json.isObject()) {
            throw new UnusableInputException(file + ": not a Loomscope dump (no JSON object)");
        }
        JsonNode schema = json.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new UnusableInputException(file + ": not a Loomscope dump (no \"schema\" field)");
        }
        String name = schema.asText();
        if (!name.startsWith("loomscope/")) {
            throw new UnusableInputException(file + ": not a Loomscope dump (schema \"" + name + "\")");
        }
        if (!name.equals(SCHEMA)) {
            throw new UnusableInputException(file + ": schema \"" + name + "\" is not supported by this version,"
                    + " which reads \"" + SCHEMA + "\" (use a newer loomscope-report)");
        }
        for (String section : new String[]{"jvm", "counts", "latencies"}) {
            if (!json.path(section).isObject()) {
                throw new UnusableInputException(file + ": incomplete Loomscope dump (no \"" + section + "\")");
            }
        }
        return new Dump(file, json);
    }
}
