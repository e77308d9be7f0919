package dev.loomscope.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The dump format's JSON Schema (docs/loomscope-1.schema.json), for tests that check real dumps against it. */
public final class DumpSchema {
    private final Schema schema;

    private DumpSchema(Schema schema) {
        this.schema = schema;
    }

    /** The schema file: the path failsafe passes (agent/pom.xml), else relative to the agent module directory. */
    public static Path file() {
        String configured = System.getProperty("loomscope.schemaFile");
        return configured != null ? Path.of(configured) : Path.of("..", "docs", "loomscope-1.schema.json");
    }

    public static DumpSchema load() {
        try {
            JsonNode node = new ObjectMapper().readTree(file().toFile());
            return new DumpSchema(SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(node));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema at " + file().toAbsolutePath(), e);
        }
    }

    /** The validator's complaints about {@code dump}, one string each; empty if it is valid. */
    public List<String> violations(JsonNode dump) {
        return schema.validate(dump).stream().map(Object::toString).toList();
    }
}
