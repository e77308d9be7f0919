package dev.loomscope.report;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.validation.DumpValidation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One Loomscope dump, read and checked: the format's records, the JSON tree they were read from, and the file. Every
 * command reads its input through {@link #read}, which checks it ({@link DumpValidation}: the JSON Schema and what it
 * cannot say) before anything reads a field, so every command rejects bad input the same way, in one line naming the
 * field: {@code FILE: /counts/created: string found, integer expected}.
 *
 * @param model         the dump as the format's records: what every command reads
 * @param json          the same dump as a JSON tree, as read: what merge checks against the JSON Schema
 * @param unknownFields fields this version does not know (from a later agent of the same schema), as
 *                      {@code section.field} paths without array indices, each once; read past, and left out of a
 *                      merge
 */
public record Dump(Path file, LoomscopeDump model, JsonNode json, List<String> unknownFields) {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // only ever added within loomscope/1
            .build();
    private static final ObjectReader MODEL = MAPPER.readerFor(LoomscopeDump.class);

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
        Optional<DumpValidation.Problem> problem = DumpValidation.check(json);
        if (problem.isPresent()) {
            throw new UnusableInputException(file + ": " + problem.get());
        }
        Set<String> unknown = new LinkedHashSet<>();
        LoomscopeDump model;
        try {
            model = MODEL.withHandler(new UnknownFields(unknown)).readValue(json);
        } catch (JsonMappingException e) {
            // valid against the schema, yet not what the records hold (a column beyond an int, say)
            throw new UnusableInputException(file + ": " + DumpValidation.pointer(e) + ": not what "
                    + LoomscopeDump.SCHEMA + " has there");
        } catch (IOException e) {
            throw new UnusableInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return new Dump(file, model, json, List.copyOf(unknown));
    }

    /** Notes each field the records do not have and reads past it. */
    private static final class UnknownFields extends DeserializationProblemHandler {
        private final Set<String> fields;

        UnknownFields(Set<String> fields) {
            this.fields = fields;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
                                             JsonDeserializer<?> deserializer, Object beanOrClass,
                                             String propertyName) throws IOException {
            List<String> names = new ArrayList<>();
            for (var at = parser.getParsingContext(); at != null; at = at.getParent()) {
                if (at.inObject() && at.getCurrentName() != null) {
                    names.add(0, at.getCurrentName());
                }
            }
            fields.add(String.join(".", names));
            parser.skipChildren();
            return true;
        }
    }
}
