package dev.loomscope.report;

import dev.loomscope.report.CheckResult.Status;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * check's verdicts as JUnit XML (the de-facto schema Jenkins, GitHub test reporters and GitLab read): one test case
 * per check, {@code classname} {@code loomscope.check.<kind>} and {@code name} the metric and percentile (e.g.
 * {@code loomscope.check.regression} / {@code wakeToRun.p99}), a {@code <failure>} for a failed check and a
 * {@code <skipped>} for one with too few samples. Written with the JDK's XML writer, so frames and messages with
 * {@code <}, {@code &} or quotes stay well-formed.
 */
final class JUnitXmlWriter {
    static final String SUITE = "loomscope.check";

    private JUnitXmlWriter() {
    }

    /** Writes atomically (temporary file, then rename): a CI step never reads half a report. */
    static void write(List<CheckResult> results, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".loomscope-junit-", ".xml");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(results, out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void write(List<CheckResult> results, OutputStream out) throws IOException {
        long failures = results.stream().filter(r -> r.status() == Status.FAIL).count();
        long skipped = results.stream().filter(r -> r.status() == Status.SKIP).count();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory()
                    .createXMLStreamWriter(out, StandardCharsets.UTF_8.name());
            xml.writeStartDocument(StandardCharsets.UTF_8.name(), "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            suiteAttributes(xml, results.size(), failures, skipped);
            xml.writeCharacters("\n  ");
            xml.writeStartElement("testsuite");
            suiteAttributes(xml, results.size(), failures, skipped);
            for (CheckResult r : results) {
                xml.writeCharacters("\n    ");
                boolean empty = r.status() == Status.PASS;
                if (empty) {
                    xml.writeEmptyElement("testcase");
                } else {
                    xml.writeStartElement("testcase");
                }
                xml.writeAttribute("classname", SUITE + "." + r.kind().label());
                xml.writeAttribute("name", r.id());
                xml.writeAttribute("time", "0");
                if (r.status() == Status.FAIL) {
                    xml.writeCharacters("\n      ");
                    xml.writeStartElement("failure");
                    xml.writeAttribute("type", r.kind().label());
                    xml.writeAttribute("message", r.message());
                    xml.writeCharacters(details(r));
                    xml.writeEndElement();
                    xml.writeCharacters("\n    ");
                    xml.writeEndElement();
                } else if (r.status() == Status.SKIP) {
                    xml.writeCharacters("\n      ");
                    xml.writeEmptyElement("skipped");
                    xml.writeAttribute("message", r.message());
                    xml.writeCharacters("\n    ");
                    xml.writeEndElement();
                }
            }
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write JUnit XML: " + e.getMessage(), e);
        }
    }

    private static void suiteAttributes(XMLStreamWriter xml, int tests, long failures, long skipped)
            throws XMLStreamException {
        xml.writeAttribute("name", SUITE);
        xml.writeAttribute("tests", Integer.toString(tests));
        xml.writeAttribute("failures", Long.toString(failures));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", Long.toString(skipped));
        xml.writeAttribute("time", "0");
    }

    private static String details(CheckResult r) {
        return r.message() + "\nbaseline: " + r.baseline() + "\ncurrent: " + r.current()
                + (r.change().isEmpty() ? "" : "\nchange: " + r.change()) + "\nlimit: " + r.limit();
    }
}
