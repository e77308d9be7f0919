package dev.loomscope.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * docs/loomscope-1.schema.json, bundled in the report jar: what {@code merge} checks its inputs and its own output
 * against. Merge is the command that writes a dump: a required field missing from an input is read as 0 by the
 * format's records and would be written into the merged dump as a true 0, so merge refuses such an input instead
 * (exit 2), and never writes a dump that does not match the documented contract.
 */
final class DumpSchemaCheck {
    private static final Schema SCHEMA = load();

    private DumpSchemaCheck() {
    }

    /** The first violation of {@code dump} on one line (with how many more there are), or null if it is valid. */
    static String firstViolation(JsonNode dump) {
        List<com.networknt.schema.Error> violations = SCHEMA.validate(dump);
        if (violations.isEmpty()) {
            return null;
        }
        return violations.get(0).toString().lines().findFirst().orElse("invalid")
                + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "");
    }

    private static Schema load() {
        try (InputStream in = DumpSchemaCheck.class.getResourceAsStream("loomscope-1.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("loomscope-1.schema.json missing from the report jar");
            }
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
