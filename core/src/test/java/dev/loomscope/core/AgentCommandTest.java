package dev.loomscope.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentCommandTest {
    @Test
    void optionsAreNotACommand() {
        assertFalse(AgentCommand.isCommand(null));
        assertFalse(AgentCommand.isCommand("out=x.json,quiet=true"));
        assertTrue(AgentCommand.isCommand("command=dump"));
    }

    @Test
    void dumpWithoutFileUsesThePattern() {
        AgentCommand command = AgentCommand.parse("command=dump,id=abc");
        assertEquals(AgentCommand.dump("abc", null), command);
        assertEquals("command=dump,id=abc", command.toArgument());
    }

    @Test
    void fileComesLastAndMayContainCommas() {
        AgentCommand command = AgentCommand.parse("command=dump,id=7,file=/tmp/a,b=c.json");
        assertEquals("/tmp/a,b=c.json", command.file());
        assertEquals(command, AgentCommand.parse(command.toArgument()));
    }

    @Test
    void attachCarriesOptionsToTheEndOfTheArgument() {
        AgentCommand command = AgentCommand.parse("command=attach,id=9,options=out=/tmp/x.json,quiet=true");
        assertEquals(AgentCommand.attach("9", "out=/tmp/x.json,quiet=true"), command);
        assertEquals(command, AgentCommand.parse(command.toArgument()));
        assertThrows(IllegalArgumentException.class, () -> AgentCommand.parse("command=dump,options=quiet"));
        assertThrows(IllegalArgumentException.class, () -> AgentCommand.parse("command=attach,file=/tmp/x.json"));
        assertThrows(IllegalArgumentException.class, () -> AgentCommand.parse("command=dump,id=a.b"),
                "an id becomes part of a property name");
    }

    @Test
    void unknownCommandsAndKeysAreOneLineErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AgentCommand.parse("command=explode"));
        assertTrue(e.getMessage().contains("'explode'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentCommand.parse("command=dump,colour=red"));
        assertTrue(e.getMessage().contains("'colour'"), e.getMessage());
    }

    @Test
    void resultsNameTheRequest() {
        AgentCommand command = AgentCommand.dump("42", null);
        assertEquals("42 ok /x/y.json", command.ok("/x/y.json"));
        assertEquals("42 started /x/y.json", command.started("/x/y.json"));
        assertEquals("dev.loomscope.agent.result.42", command.resultProperty(), "one property per request");
        assertEquals("42 error no directory /x two lines", command.error("no directory /x\ntwo lines"));
        assertNull(command.file());
    }

    @Test
    void sequenceNumbersGoBeforeTheExtension() {
        assertEquals("d/a-1.json", DumpTriggers.withSequence("d/a-1.json", 0));
        assertEquals("d/a-1-2.json", DumpTriggers.withSequence("d/a-1.json", 2));
        assertEquals("d.x/a-3", DumpTriggers.withSequence("d.x/a", 3));
    }

    @Test
    void stopTakesAnOptionalFileAndNoOptions() {
        AgentCommand stop = AgentCommand.parse(AgentCommand.stop("7", "/tmp/a,b.json").toArgument());
        assertEquals(new AgentCommand(AgentCommand.STOP, "7", "/tmp/a,b.json", null), stop);
        assertEquals(new AgentCommand(AgentCommand.STOP, "8", null, null),
                AgentCommand.parse(AgentCommand.stop("8", null).toArgument()));
        assertThrows(IllegalArgumentException.class,
                () -> AgentCommand.parse("command=stop,id=9,options=quiet=true"));
    }
}
