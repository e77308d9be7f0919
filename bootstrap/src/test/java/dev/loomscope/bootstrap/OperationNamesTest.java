package dev.loomscope.bootstrap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class OperationNamesTest {

    @Test
    void namesGetIdsInOrderAndKeepThem() {
        OperationNames names = new OperationNames(10);
        int payments = names.idOf("POST /payments");
        int health = names.idOf("GET /health");
        assertEquals(2, payments);
        assertEquals(3, health);
        assertEquals(payments, names.idOf(new String("POST /payments")), "by content, not identity");
        assertEquals("POST /payments", names.nameOf(payments));
        assertEquals(OperationNames.OTHER_NAME, names.nameOf(OperationNames.OTHER));
        assertEquals(2, names.registered());
    }

    @Test
    void nullAndEmptyNamesAreIgnoredAndCounted() {
        OperationNames names = new OperationNames(10);
        assertEquals(OperationNames.NONE, names.idOf(null));
        assertEquals(OperationNames.NONE, names.idOf(""));
        assertEquals(2, names.ignored.get());
        assertEquals(0, names.registered());
    }

    @Test
    void namesBeyondTheLimitAreOther() {
        OperationNames names = new OperationNames(3);
        for (int i = 0; i < 3; i++) {
            assertEquals(2 + i, names.idOf("op" + i));
        }
        assertEquals(OperationNames.OTHER, names.idOf("op3"));
        assertEquals(OperationNames.OTHER, names.idOf("op4"));
        assertEquals(OperationNames.OTHER, names.idOf("op3"));
        assertEquals(3, names.overLimit.get());
        assertEquals(2, names.idOf("op0"), "names known before the limit keep their id");
        assertEquals(3, names.registered());
    }

    @Test
    void longNamesAreTruncatedAndTheSameStartIsOneOperation() {
        OperationNames names = new OperationNames(10);
        String prefix = "x".repeat(OperationNames.MAX_NAME_CHARS);
        int id = names.idOf(prefix + "a".repeat(10_000));
        assertEquals(prefix, names.nameOf(id));
        assertEquals(id, names.idOf(prefix + "a".repeat(10_000)));
        assertEquals(id, names.idOf(prefix + "b"), "truncated to the same name");
        assertEquals(id, names.idOf(prefix));
        assertEquals(2, names.truncated.get(), "two distinct long names");
        assertEquals(1, names.registered());
        assertNotEquals(id, names.idOf("short"));
    }
}
