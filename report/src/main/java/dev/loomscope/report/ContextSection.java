package dev.loomscope.report;

import dev.loomscope.format.Context;
import dev.loomscope.format.LoomscopeDump;
import dev.loomscope.format.Scheduler;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** GC and CPU throttling: what else can delay virtual threads, in totals and per window; the scheduler at the dump. */
final class ContextSection {
    private ContextSection() {
    }

    static Html render(LoomscopeDump dump) {
        return SectionParts.ifPresent(dump.context(), "This dump has no context data (written by an agent older"
                + " than GC and throttling sampling).", context -> totals(dump, context));
    }

    private static Html totals(LoomscopeDump dump, Context context) {
        Context.Gc gc = context.gc() != null ? context.gc() : new Context.Gc(List.of(), 0, 0, null);
        Context.CpuThrottling cpu = context.cpuThrottling() != null ? context.cpuThrottling()
                : new Context.CpuThrottling(false, null, 0, 0);
        Html html = Html.of("<div class=\"cards wide\"><div class=\"card\"><div class=\"value\" id=\"gc-pauses\">{}"
                        + "</div><div class=\"label\">GC pauses, total {}</div></div>", HtmlNumbers.count(gc.pauses()),
                HtmlNumbers.duration(gc.pauseNs()));
        html.add("<div class=\"card\"><div class=\"value\" id=\"throttled-periods\">{}</div><div class=\"label\">"
                        + "throttled CPU periods, total {}</div></div></div>\n",
                cpu.available() ? HtmlNumbers.count(cpu.throttledPeriods()) : HtmlNumbers.NONE,
                cpu.available() ? HtmlNumbers.duration(cpu.throttledNs()) : HtmlNumbers.NONE);

        List<String> collectors = gc.collectors() == null ? List.of() : gc.collectors();
        html.add("<p>{}{}", gc.pauses() == 0 ? "No GC pause during the recording" : "GC pauses",
                collectors.isEmpty() ? "." : " (collectors: " + String.join(", ", collectors) + ").");
        if (!cpu.available()) {
            html.add(" CPU throttling is not known: no cgroup cpu.stat file was readable (not in a container, or no"
                    + " CPU limit).");
        } else if (cpu.throttledPeriods() == 0) {
            html.add(" The cgroup was never throttled ({}).", cpu.file());
        } else {
            html.add(" Throttling from {}.", cpu.file());
        }
        html.add("</p>\n");

        if (context.windows() != null && !context.windows().isEmpty()) {
            html.add("<figure class=\"timeline\" id=\"context-timeline\" data-context=\"1\"><figcaption>"
                    + "<span class=\"title\">Per window</span><span class=\"what\">GC pause time, throttled time,"
                    + " and the scheduler's average queued tasks and pool size (sampled every 100 ms)."
                    + " Hover a bar for its value.</span></figcaption><div class=\"plot\"></div></figure>\n");
        } else {
            html.add(SectionParts.empty("No context windows were recorded."));
        }
        Map<String, Long> scheduler = scheduler(dump.scheduler());
        if (!scheduler.isEmpty()) {
            html.add("<h3>Scheduler at the dump</h3>\n<table class=\"kv\" id=\"scheduler\"><tbody>");
            scheduler.forEach((name, value) -> html.add(SectionParts.kv(name, HtmlNumbers.count(value))));
            html.add("</tbody></table>\n");
        }
        return html;
    }

    /**
     * The scheduler's counters the dump has, by field path ({@code mxBean.poolSize}), in alphabetical order: every
     * component of the records, so a counter added to the format shows up here too.
     */
    private static Map<String, Long> scheduler(Scheduler scheduler) {
        Map<String, Long> values = new TreeMap<>();
        flatten("", scheduler, values);
        return values;
    }

    private static void flatten(String prefix, Record record, Map<String, Long> values) {
        if (record == null) {
            return;
        }
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (value instanceof Record nested) {
                flatten(prefix + component.getName() + ".", nested, values);
            } else if (value instanceof Number n) {
                values.put(prefix + component.getName(), n.longValue());
            }
        }
    }
}
