package dev.loomscope.validation;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.loomscope.format.HistogramCodec;
import dev.loomscope.format.LoomscopeDump;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every reader of a dump checks before it uses one: the report tool's commands and the JUnit extension read
 * through here, so they refuse the same dumps with the same message, {@code <json pointer>: <what is wrong>}.
 * <p>
 * In order: the {@code schema} identifier (another tool's JSON, or a later {@code loomscope/2}, is refused as such);
 * numbers (a number beyond 64 bits, such as {@code 1e400}, matches the schema's {@code integer} but no reader can hold
 * it); the JSON Schema {@code docs/loomscope-1.schema.json}, bundled in this module's jar; and the embedded histograms
 * ({@code hdr}: base64 that must decode into an HdrHistogram), which a schema cannot describe. Only the first problem
 * is reported: a reader stops at it.
 * <p>
 * The schema file describes exactly what the current writer emits. A reader applies it under one of three
 * {@link Contract}s, derived from that one file here rather than written twice.
 */
public final class DumpValidation {
    /** How much of the schema a dump must meet. */
    public enum Contract {
        /**
         * What every reader requires: fields this version does not know are read past (fields are only ever added
         * within {@code loomscope/1}: a later agent's dump stays readable), and of the top-level sections only
         * {@link #SECTIONS_OF_EVERY_DUMP} must be there (an earlier agent's dump lacks some; the format's records
         * read them as null). Every field that is there must be as the schema says.
         */
        READABLE,
        /** {@link #READABLE}, and every section present: what {@code merge} requires of its inputs. */
        COMPLETE,
        /** The schema as it is: exactly the fields the writer emits. What {@code merge} checks its output against. */
        AS_WRITTEN
    }

    /** The sections every {@code loomscope/1} dump has had, since its first agent build. */
    public static final List<String> SECTIONS_OF_EVERY_DUMP = List.of("schema", "jvm", "counts", "latencies");

    /**
     * One thing wrong with a dump.
     *
     * @param pointer the JSON pointer (RFC 6901) of the field, {@code /counts/created}; empty for the dump itself
     * @param what    what is wrong with it, for a person
     */
    public record Problem(String pointer, String what) {
        @Override
        public String toString() {
            return pointer.isEmpty() ? what : pointer + ": " + what;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode SCHEMA_FILE = loadSchemaFile();
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private DumpValidation() {
    }

    /** The first problem of {@code dump} for every reader ({@link Contract#READABLE}), or empty if it has none. */
    public static Optional<Problem> check(JsonNode dump) {
        return check(dump, Contract.READABLE);
    }

    /** The first problem of {@code dump} under {@code contract}, or empty if it has none. */
    public static Optional<Problem> check(JsonNode dump, Contract contract) {
        Problem problem = identifier(dump);
        if (problem == null) {
            problem = numbers(dump, "");
        }
        if (problem == null) {
            problem = schema(dump, switch (contract) {
                case READABLE -> Readable.SCHEMA;
                case COMPLETE -> Complete.SCHEMA;
                case AS_WRITTEN -> AsWritten.SCHEMA;
            });
        }
        if (problem == null) {
            problem = histograms(dump);
        }
        return Optional.ofNullable(problem);
    }

    /**
     * The JSON pointer of the field a mapping error is about: what a reader reports if a validated dump still does
     * not map onto the format's records (a value beyond the range of an {@code int} component, say).
     */
    public static String pointer(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                pointer.append('/').append(escape(reference.getFieldName()));
            } else if (reference.getIndex() >= 0) {
                pointer.append('/').append(reference.getIndex());
            }
        }
        return pointer.toString();
    }

    private static Problem identifier(JsonNode dump) {
        if (dump == null || !dump.isObject()) {
            return new Problem("", "not a Loomscope dump (no JSON object)");
        }
        JsonNode schema = dump.get("schema");
        if (schema == null || !schema.isTextual()) {
            return new Problem("", "not a Loomscope dump (no \"schema\" field)");
        }
        String name = schema.asText();
        if (!name.startsWith(LoomscopeDump.SCHEMA_FAMILY)) {
            return new Problem("", "not a Loomscope dump (schema \"" + name + "\")");
        }
        if (!name.equals(LoomscopeDump.SCHEMA)) {
            return new Problem("", "schema \"" + name + "\" is not supported by this version, which reads \""
                    + LoomscopeDump.SCHEMA + "\" (use a newer Loomscope)");
        }
        return null;
    }

    /**
     * A number a reader cannot hold: not finite ({@code 1e400} parses as infinity), or whole but beyond a 64-bit
     * integer. Everywhere in the dump, fields unknown to this version included: the format has no other numbers.
     */
    private static Problem numbers(JsonNode node, String pointer) {
        if (node.isNumber()) {
            boolean inRange;
            if (node.isDouble() || node.isFloat()) {
                double value = node.doubleValue();
                inRange = Double.isFinite(value)
                        && (value != Math.rint(value) || (value >= -0x1p63 && value < 0x1p63));
            } else if (node.isIntegralNumber()) {
                inRange = node.canConvertToLong();
            } else {
                BigDecimal value = node.decimalValue();
                inRange = value.stripTrailingZeros().scale() > 0
                        || (value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0);
            }
            return inRange ? null : new Problem(pointer, "number out of range (beyond 64 bits)");
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                Problem problem = numbers(field.getValue(), pointer + "/" + escape(field.getKey()));
                if (problem != null) {
                    return problem;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Problem problem = numbers(node.get(i), pointer + "/" + i);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static Problem schema(JsonNode dump, Schema schema) {
        List<com.networknt.schema.Error> errors = schema.validate(dump);
        if (errors.isEmpty()) {
            return null;
        }
        com.networknt.schema.Error first = errors.get(0);
        String at = first.getInstanceLocation().toString();
        return switch (first.getKeyword()) {
            case "required" -> new Problem(at + "/" + escape(first.getProperty()), "missing");
            case "false" -> new Problem(at, "not allowed here");
            case "const" -> new Problem(at, "must be " + first.getSchemaNode());
            default -> new Problem(at, first.getMessage());
        };
    }

    /** Every {@code hdr} of a latency summary decodes into a histogram. */
    private static Problem histograms(JsonNode dump) {
        JsonNode latencies = dump.path("latencies");
        for (Map.Entry<String, JsonNode> metric : latencies.properties()) {
            if (metric.getKey().equals("blockedByKind")) {
                for (Map.Entry<String, JsonNode> kind : metric.getValue().properties()) {
                    Problem problem = histogram(kind.getValue(), "/latencies/blockedByKind/" + escape(kind.getKey()));
                    if (problem != null) {
                        return problem;
                    }
                }
            } else {
                Problem problem = histogram(metric.getValue(), "/latencies/" + escape(metric.getKey()));
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static Problem histogram(JsonNode summary, String pointer) {
        JsonNode hdr = summary.path("hdr");
        if (!hdr.isTextual()) {
            return null; // a summary of a later agent's kind without one: the schema said what it requires
        }
        try {
            HistogramCodec.decode(hdr.asText());
            return null;
        } catch (IllegalArgumentException e) {
            return new Problem(pointer + "/hdr", e.getMessage());
        }
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    // Each contract's schema is compiled when first used (a holder class each): a command that only reads compiles one.
    private static final class Readable {
        static final Schema SCHEMA = compile(readable(SCHEMA_FILE, false));
    }

    private static final class Complete {
        static final Schema SCHEMA = compile(readable(SCHEMA_FILE, true));
    }

    private static final class AsWritten {
        static final Schema SCHEMA = compile(SCHEMA_FILE);
    }

    private static JsonNode loadSchemaFile() {
        try (InputStream in = DumpValidation.class.getResourceAsStream("loomscope-1.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("loomscope-1.schema.json missing from the class path");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The schema as a reader applies it: no {@code additionalProperties: false} (unknown fields are read past), and
     * unless {@code complete}, only {@link #SECTIONS_OF_EVERY_DUMP} required at the top.
     */
    private static JsonNode readable(JsonNode schemaFile, boolean complete) {
        ObjectNode schema = schemaFile.deepCopy();
        allowUnknownFields(schema);
        if (!complete) {
            ArrayNode required = schema.putArray("required");
            SECTIONS_OF_EVERY_DUMP.forEach(required::add);
        }
        return schema;
    }

    private static void allowUnknownFields(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode additional = object.get("additionalProperties");
            if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
                object.remove("additionalProperties");
            }
            object.forEach(DumpValidation::allowUnknownFields);
        } else if (node instanceof ArrayNode array) {
            array.forEach(DumpValidation::allowUnknownFields);
        }
    }

    private static Schema compile(JsonNode schema) {
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).build();
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(config)).getSchema(schema);
    }
}
